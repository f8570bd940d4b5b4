import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contacts, their link history, exchanges per business number and conflicts. Every table leads
 * with `portfolio` so that the schema distributes by portfolio. The identifier constraints are
 * checked at commit: a batch may move an identifier between two contacts in any row order, and of
 * two concurrent batches that both create a contact for one identifier only one can commit.
 * Contacts are rewritten on every webhook (last seen, care window): free room in each page lets
 * PostgreSQL update them in place without touching the identifier indexes (HOT updates).
 */
export class ContactGraph1764100001000 implements MigrationInterface {
  name = 'ContactGraph1764100001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contact (
        portfolio text NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        msisdn text,
        bsuid text,
        parent_bsuid text,
        msisdn_at timestamptz,
        bsuid_at timestamptz,
        parent_bsuid_at timestamptz,
        msisdn_strength text,
        bsuid_strength text,
        parent_bsuid_strength text,
        external_id text,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        last_inbound_at timestamptz,
        last_outbound_at timestamptz,
        invalid_at timestamptz,
        merged_into uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_pkey PRIMARY KEY (portfolio, id),
        CONSTRAINT contact_strength_check CHECK (
          msisdn_strength IN ('attested', 'claimed') AND bsuid_strength IN ('attested', 'claimed')
          AND parent_bsuid_strength IN ('attested', 'claimed')),
        CONSTRAINT contact_portfolio_msisdn_key UNIQUE (portfolio, msisdn) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT contact_portfolio_bsuid_key UNIQUE (portfolio, bsuid) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT contact_portfolio_parent_bsuid_key UNIQUE (portfolio, parent_bsuid) DEFERRABLE INITIALLY DEFERRED
      ) WITH (fillfactor = 70)`);
    await queryRunner.query(`CREATE INDEX contact_merged_into_idx ON contact (portfolio, merged_into) WHERE merged_into IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE contact_exchange (
        portfolio text NOT NULL,
        contact_id uuid NOT NULL,
        business_number text NOT NULL,
        last_inbound_at timestamptz,
        last_outbound_at timestamptz,
        CONSTRAINT contact_exchange_pkey PRIMARY KEY (portfolio, contact_id, business_number)
      )`);
    await queryRunner.query(`
      CREATE TABLE link_history (
        portfolio text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        contact_id uuid NOT NULL,
        action text NOT NULL,
        field text,
        from_value text,
        to_value text,
        other_contact_id uuid,
        snapshot jsonb,
        strength text NOT NULL,
        evidence jsonb NOT NULL,
        event_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT link_history_pkey PRIMARY KEY (portfolio, id)
      )`);
    await queryRunner.query(`CREATE INDEX link_history_contact_idx ON link_history (portfolio, contact_id, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE link_conflict (
        portfolio text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        contact_id uuid NOT NULL,
        field text NOT NULL,
        existing_value text,
        claimed_value text NOT NULL,
        other_contact_id uuid,
        strength text NOT NULL,
        evidence jsonb NOT NULL,
        event_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT link_conflict_pkey PRIMARY KEY (portfolio, id)
      )`);
    await queryRunner.query(`CREATE INDEX link_conflict_contact_idx ON link_conflict (portfolio, contact_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE link_conflict`);
    await queryRunner.query(`DROP TABLE link_history`);
    await queryRunner.query(`DROP TABLE contact_exchange`);
    await queryRunner.query(`DROP TABLE contact`);
  }
}
