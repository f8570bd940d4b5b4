import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the CRM and admin side needs beyond ingestion: a CRM's own id to search by, who settled a
 * conflict and how, and an index that finds the history rows of other contacts that name a
 * contact (a move, a merge, a conflict), so that erasing a person does not scan all history.
 */
export class ContactAdmin1764100003000 implements MigrationInterface {
  name = 'ContactAdmin1764100003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX contact_external_id_idx ON contact (portfolio, external_id) WHERE external_id IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE link_conflict
        ADD COLUMN settled_at timestamptz,
        ADD COLUMN settled_by text,
        ADD CONSTRAINT link_conflict_status_check CHECK (status IN ('open', 'kept', 'accepted'))`);
    await queryRunner.query(`CREATE INDEX link_conflict_status_idx ON link_conflict (portfolio, status, id)`);
    await queryRunner.query(
      `CREATE INDEX link_history_other_contact_idx ON link_history (portfolio, other_contact_id) WHERE other_contact_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX link_history_other_contact_idx`);
    await queryRunner.query(`DROP INDEX link_conflict_status_idx`);
    await queryRunner.query(`
      ALTER TABLE link_conflict DROP CONSTRAINT link_conflict_status_check, DROP COLUMN settled_by, DROP COLUMN settled_at`);
    await queryRunner.query(`DROP INDEX contact_external_id_idx`);
  }
}
