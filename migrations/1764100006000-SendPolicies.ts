import { MigrationInterface, QueryRunner } from 'typeorm';

/** A portfolio's default send policies (DESIGN: Dedupe and enforcement): both off unless set. */
export class SendPolicies1764100006000 implements MigrationInterface {
  name = 'SendPolicies1764100006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE portfolio
        ADD COLUMN enforce_care_window boolean NOT NULL DEFAULT false,
        ADD COLUMN skip_invalid_contacts boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE portfolio DROP COLUMN skip_invalid_contacts, DROP COLUMN enforce_care_window`);
  }
}
