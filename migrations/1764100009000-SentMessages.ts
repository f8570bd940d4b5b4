import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the proxy sent, by LINK's messageId, so that a DLR is attributed to its send (portfolio,
 * business number, contact, identifier sent as) rather than to its platform fields. Rows and
 * webhook receipts are kept for RETENTION_DAYS: both get an index on their time for the prune.
 */
export class SentMessages1764100009000 implements MigrationInterface {
  name = 'SentMessages1764100009000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sent_message (
        message_id text NOT NULL,
        portfolio text NOT NULL,
        business_number text NOT NULL,
        contact_id uuid,
        sent_as_kind text NOT NULL,
        sent_as text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sent_message_pkey PRIMARY KEY (message_id),
        CONSTRAINT sent_message_sent_as_kind_check CHECK (sent_as_kind IN ('msisdn', 'bsuid', 'parentBsuid'))
      )`);
    await queryRunner.query(`CREATE INDEX sent_message_sent_at_idx ON sent_message (sent_at)`);
    // Erasure finds a person's rows by contact and by the identifiers they were sent to.
    await queryRunner.query(`CREATE INDEX sent_message_contact_idx ON sent_message (portfolio, contact_id) WHERE contact_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX sent_message_sent_as_idx ON sent_message (portfolio, sent_as)`);
    await queryRunner.query(`CREATE INDEX webhook_receipt_received_at_idx ON webhook_receipt (received_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX webhook_receipt_received_at_idx`);
    await queryRunner.query(`DROP TABLE sent_message`);
  }
}
