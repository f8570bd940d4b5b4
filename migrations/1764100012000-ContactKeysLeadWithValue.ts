import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two index entries less for each new person's contact, the webhook path's largest cost in the
 * database. The unique keys on BSUID and parent BSUID lead with the value, `(bsuid, portfolio)`:
 * the same uniqueness, and the same index now serves the look-up of a BSUID across portfolios
 * (`ContactsRepository.foreign`), so the separate indexes on `bsuid` and `parent_bsuid` alone go.
 */
export class ContactKeysLeadWithValue1764100012000 implements MigrationInterface {
  name = 'ContactKeysLeadWithValue1764100012000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE contact
        ADD CONSTRAINT contact_bsuid_portfolio_key UNIQUE (bsuid, portfolio) DEFERRABLE INITIALLY DEFERRED,
        ADD CONSTRAINT contact_parent_bsuid_portfolio_key UNIQUE (parent_bsuid, portfolio) DEFERRABLE INITIALLY DEFERRED,
        DROP CONSTRAINT contact_portfolio_bsuid_key,
        DROP CONSTRAINT contact_portfolio_parent_bsuid_key`);
    await queryRunner.query(`DROP INDEX contact_bsuid_idx`);
    await queryRunner.query(`DROP INDEX contact_parent_bsuid_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX contact_parent_bsuid_idx ON contact (parent_bsuid) WHERE parent_bsuid IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX contact_bsuid_idx ON contact (bsuid) WHERE bsuid IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE contact
        ADD CONSTRAINT contact_portfolio_bsuid_key UNIQUE (portfolio, bsuid) DEFERRABLE INITIALLY DEFERRED,
        ADD CONSTRAINT contact_portfolio_parent_bsuid_key UNIQUE (portfolio, parent_bsuid) DEFERRABLE INITIALLY DEFERRED,
        DROP CONSTRAINT contact_bsuid_portfolio_key,
        DROP CONSTRAINT contact_parent_bsuid_portfolio_key`);
  }
}
