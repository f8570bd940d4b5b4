import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Skipping people who stopped marketing messages is an optional send policy, and optional send
 * policies are off by default (DESIGN: Sending): a portfolio or a request turns it on. It came on
 * by default with 1764100014000, for the portfolios of then too (`default` included), so it goes
 * off for every portfolio: one that wants it turns it on with a PUT. `down` cannot tell which
 * portfolios had it on by choice and restores the default only.
 */
export class MarketingOptOutOffByDefault1764100014100 implements MigrationInterface {
  name = 'MarketingOptOutOffByDefault1764100014100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE portfolio ALTER COLUMN skip_marketing_opt_out SET DEFAULT false`);
    await queryRunner.query(`UPDATE portfolio SET skip_marketing_opt_out = false WHERE skip_marketing_opt_out`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE portfolio ALTER COLUMN skip_marketing_opt_out SET DEFAULT true`);
  }
}
