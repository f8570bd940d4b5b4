import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rule 5 made whole: the graph is what its observations give in event-time order, whatever order
 * they arrived in. Every observation applied is kept, so that one arriving late can replay the part
 * of the graph it belongs to.
 *
 * - `graph_observation`: one row per observation, with its order key (event time, then a
 *   deterministic tie-break) in the "C" collation, so that SQL and the code sort it alike; found by
 *   any identifier it carries.
 * - `contact.last_event_key`: the order key of the latest observation that touched the contact.
 * - `contact.has_full_log`: every observation that shaped the contact is in the log. False for
 *   contacts from before the log and for contacts an admin corrected (a split, a settlement):
 *   those are never replayed.
 * - `link_conflict.status = 'withdrawn'`: a conflict that a replay in event-time order no longer raises.
 */
export class ObservationLog1764100011000 implements MigrationInterface {
  name = 'ObservationLog1764100011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE graph_observation (
        portfolio text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        order_key text COLLATE "C" NOT NULL,
        msisdn text,
        bsuid text,
        parent_bsuid text,
        event_at timestamptz NOT NULL,
        observation jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT graph_observation_pkey PRIMARY KEY (portfolio, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX graph_observation_msisdn_idx ON graph_observation (portfolio, msisdn, order_key) WHERE msisdn IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX graph_observation_bsuid_idx ON graph_observation (portfolio, bsuid, order_key) WHERE bsuid IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX graph_observation_parent_bsuid_idx ON graph_observation (portfolio, parent_bsuid, order_key) WHERE parent_bsuid IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE contact ADD COLUMN last_event_key text COLLATE "C"`);
    // Contacts already there were shaped by observations the log never saw; new ones start logged.
    await queryRunner.query(`ALTER TABLE contact ADD COLUMN has_full_log boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE contact ALTER COLUMN has_full_log SET DEFAULT true`);
    await queryRunner.query(`
      ALTER TABLE link_conflict DROP CONSTRAINT link_conflict_status_check,
        ADD CONSTRAINT link_conflict_status_check CHECK (status IN ('open', 'kept', 'accepted', 'withdrawn'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE link_conflict SET status = 'kept' WHERE status = 'withdrawn'`);
    await queryRunner.query(`
      ALTER TABLE link_conflict DROP CONSTRAINT link_conflict_status_check,
        ADD CONSTRAINT link_conflict_status_check CHECK (status IN ('open', 'kept', 'accepted'))`);
    await queryRunner.query(`ALTER TABLE contact DROP COLUMN has_full_log, DROP COLUMN last_event_key`);
    await queryRunner.query(`DROP TABLE graph_observation`);
  }
}
