import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template registry: which templates a portfolio has, and which are authentication templates
 * (those never go to a BSUID; DESIGN: Dedupe and enforcement). Entered by an admin or pulled from
 * LINK's List Templates (`source`). Keyed by portfolio first, like every table.
 */
export class Templates1764100004000 implements MigrationInterface {
  name = 'Templates1764100004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE template (
        portfolio text NOT NULL,
        name text NOT NULL,
        language text NOT NULL,
        category text NOT NULL,
        otp_type text,
        status text,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT template_pkey PRIMARY KEY (portfolio, name, language),
        CONSTRAINT template_category_check CHECK (category IN ('AUTHENTICATION', 'MARKETING', 'UTILITY')),
        CONSTRAINT template_otp_type_check CHECK (otp_type IN ('ONE_TAP', 'ZERO_TAP', 'COPY_CODE')),
        -- Only authentication templates have an OTP kind; a synced one may come without a readable one.
        CONSTRAINT template_otp_type_authentication_check CHECK (category = 'AUTHENTICATION' OR otp_type IS NULL),
        CONSTRAINT template_source_check CHECK (source IN ('admin', 'sync'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE template`);
  }
}
