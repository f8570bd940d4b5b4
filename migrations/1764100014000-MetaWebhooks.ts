import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meta's own webhook format (WhatsApp Cloud API): a portfolio keeps the token of Meta's handshake
 * and the app secret its POSTs are signed with, and each business number its `phone_number_id`,
 * by which a webhook names the number it came through. What users tell Meta of themselves (the
 * username they show, a stop or resume of marketing messages) is kept by the identifier it came with,
 * and a marketing template may skip those who stopped them (a send policy, off by default).
 */
export class MetaWebhooks1764100014000 implements MigrationInterface {
  name = 'MetaWebhooks1764100014000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE portfolio
        ADD COLUMN meta_verify_token text,
        ADD COLUMN meta_app_secret text,
        ADD COLUMN skip_marketing_opt_out boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      ALTER TABLE business_number
        ADD COLUMN meta_phone_number_id text,
        ADD CONSTRAINT business_number_meta_phone_number_id_key UNIQUE (meta_phone_number_id)`);
    await queryRunner.query(`
      CREATE TABLE user_profile (
        portfolio text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        username text,
        username_at timestamptz,
        marketing_opted_out boolean,
        marketing_at timestamptz,
        CONSTRAINT user_profile_pkey PRIMARY KEY (portfolio, kind, value),
        CONSTRAINT user_profile_kind_check CHECK (kind IN ('msisdn', 'bsuid', 'parentBsuid'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE user_profile`);
    await queryRunner.query(`ALTER TABLE business_number DROP COLUMN meta_phone_number_id`);
    await queryRunner.query(
      `ALTER TABLE portfolio DROP COLUMN skip_marketing_opt_out, DROP COLUMN meta_app_secret, DROP COLUMN meta_verify_token`,
    );
  }
}
