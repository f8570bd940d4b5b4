import { MigrationInterface, QueryRunner } from 'typeorm';

/** Portfolios and the business numbers they own; `default` takes every number no portfolio claims. */
export class Portfolios1764100000000 implements MigrationInterface {
  name = 'Portfolios1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE portfolio (
        key text NOT NULL,
        platform_id text,
        platform_partner_id text,
        group_key text,
        region text,
        link_username text,
        link_password text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT portfolio_pkey PRIMARY KEY (key)
      )`);
    await queryRunner.query(`CREATE INDEX portfolio_group_idx ON portfolio (group_key) WHERE group_key IS NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX portfolio_platform_key ON portfolio (platform_id, coalesce(platform_partner_id, '')) WHERE platform_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE business_number (
        number text NOT NULL,
        portfolio text NOT NULL,
        CONSTRAINT business_number_pkey PRIMARY KEY (number),
        CONSTRAINT business_number_portfolio_fkey FOREIGN KEY (portfolio) REFERENCES portfolio (key) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX business_number_portfolio_idx ON business_number (portfolio)`);
    await queryRunner.query(`INSERT INTO portfolio (key) VALUES ('default')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE business_number`);
    await queryRunner.query(`DROP TABLE portfolio`);
  }
}
