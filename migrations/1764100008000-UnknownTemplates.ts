import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the send pipeline does with a template the registry does not know, even after a refresh
 * from LINK (DESIGN: Dedupe and enforcement): by default it fails closed, to the phone or rejected.
 */
export class UnknownTemplates1764100008000 implements MigrationInterface {
  name = 'UnknownTemplates1764100008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE portfolio
        ADD COLUMN unknown_templates text NOT NULL DEFAULT 'phone-or-reject',
        ADD CONSTRAINT portfolio_unknown_templates_check CHECK (unknown_templates IN ('phone-or-reject', 'send'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE portfolio DROP CONSTRAINT portfolio_unknown_templates_check, DROP COLUMN unknown_templates`);
  }
}
