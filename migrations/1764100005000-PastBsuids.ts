import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The send pipeline dedupes a destination written as a BSUID a contact no longer holds (a merge
 * kept the survivor's own): those BSUIDs live only in `unlinked` history rows. A partial index
 * finds them without reading the rest of the history, and costs ingestion only on such rows.
 */
export class PastBsuids1764100005000 implements MigrationInterface {
  name = 'PastBsuids1764100005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX link_history_past_bsuid_idx ON link_history (portfolio, from_value) WHERE field = 'bsuid' AND action = 'unlinked'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX link_history_past_bsuid_idx`);
  }
}
