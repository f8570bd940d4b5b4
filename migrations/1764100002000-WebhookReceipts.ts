import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per webhook applied, so that a redelivery changes nothing and adds no history (rule 6). */
export class WebhookReceipts1764100002000 implements MigrationInterface {
  name = 'WebhookReceipts1764100002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_receipt (
        portfolio text NOT NULL,
        key text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_receipt_pkey PRIMARY KEY (portfolio, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_receipt`);
  }
}
