import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The send pipeline rejects a BSUID that another portfolio learned, and a parent BSUID known only
 * outside the group: that asks "who holds this BSUID, in any portfolio", which the unique
 * (portfolio, bsuid) indexes cannot answer without a probe per portfolio.
 */
export class ForeignBsuids1764100007000 implements MigrationInterface {
  name = 'ForeignBsuids1764100007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX contact_bsuid_idx ON contact (bsuid) WHERE bsuid IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX contact_parent_bsuid_idx ON contact (parent_bsuid) WHERE parent_bsuid IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX contact_parent_bsuid_idx`);
    await queryRunner.query(`DROP INDEX contact_bsuid_idx`);
  }
}
