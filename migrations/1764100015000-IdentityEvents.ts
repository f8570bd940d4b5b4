import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity-change events for CRMs: an outbox written in the same statement as the graph change,
 * subscriptions that push it to a CRM's URL, and one delivery row per event and subscription.
 * `tx` orders the outbox (README: Identity-change events): it is the writing transaction's id, or
 * the latest order of a contact it changed when that is newer, which `contact.event_tx` keeps.
 */
export class IdentityEvents1764100015000 implements MigrationInterface {
  name = 'IdentityEvents1764100015000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE contact ADD COLUMN event_tx bigint`);
    await queryRunner.query(`
      CREATE TABLE identity_event (
        portfolio text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        tx bigint NOT NULL,
        type text NOT NULL,
        contact_id uuid NOT NULL,
        other_contact_id uuid,
        field text,
        value text,
        evidence jsonb NOT NULL,
        event_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        -- In reading order: the one B-tree the outbox keeps, so an event costs the webhook path one index entry.
        CONSTRAINT identity_event_pkey PRIMARY KEY (portfolio, tx, id)
      )`);
    // Rows arrive in recorded_at order: a BRIN index finds the expired ones for the prune at almost no write cost.
    await queryRunner.query(`CREATE INDEX identity_event_recorded_at_idx ON identity_event USING brin (recorded_at)`);
    await queryRunner.query(`
      CREATE TABLE event_subscription (
        portfolio text NOT NULL,
        name text NOT NULL,
        url text NOT NULL,
        types text[] NOT NULL,
        identifiers text NOT NULL,
        secret text NOT NULL,
        position_tx bigint NOT NULL,
        position_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_subscription_pkey PRIMARY KEY (portfolio, name),
        CONSTRAINT event_subscription_identifiers_check CHECK (identifiers IN ('full', 'masked'))
      )`);
    await queryRunner.query(`
      CREATE TABLE event_delivery (
        portfolio text NOT NULL,
        subscription text NOT NULL,
        event_id bigint NOT NULL,
        event_tx bigint NOT NULL,
        contact_id uuid NOT NULL,
        other_contact_id uuid,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        lease_token uuid,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT event_delivery_pkey PRIMARY KEY (portfolio, subscription, event_id),
        -- A subscription deleted while a pass queues for it takes those deliveries with it.
        CONSTRAINT event_delivery_subscription_fkey FOREIGN KEY (portfolio, subscription)
          REFERENCES event_subscription (portfolio, name) ON DELETE CASCADE,
        CONSTRAINT event_delivery_status_check CHECK (status IN ('pending', 'delivered', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX event_delivery_due_idx ON event_delivery (next_attempt_at) WHERE status = 'pending'`);
    // The claim's look-up of an earlier pending delivery sharing either contact (merged, relinked, split name two).
    await queryRunner.query(
      `CREATE INDEX event_delivery_contact_idx ON event_delivery (portfolio, subscription, contact_id, event_tx, event_id) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX event_delivery_other_contact_idx ON event_delivery (portfolio, subscription, other_contact_id, event_tx, event_id)
       WHERE status = 'pending' AND other_contact_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_delivery`);
    await queryRunner.query(`DROP TABLE event_subscription`);
    await queryRunner.query(`DROP TABLE identity_event`);
    await queryRunner.query(`ALTER TABLE contact DROP COLUMN event_tx`);
  }
}
