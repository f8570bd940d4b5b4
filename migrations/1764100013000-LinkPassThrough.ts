import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the LINK pass-through teaches. Templates created through it are LINK's word (`proxy`), known
 * by Meta's template id so that an update or a delete through it finds them, and whether one carries
 * a REQUEST_CONTACT_INFO button. A message sent through the proxy that asks for the user's phone is
 * remembered, with the WhatsApp message id its DLRs give it: a contacts card replying to it is the
 * sender's own number (DESIGN: rule 8).
 */
export class LinkPassThrough1764100013000 implements MigrationInterface {
  name = 'LinkPassThrough1764100013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE template
        ADD COLUMN template_id text,
        ADD COLUMN requests_contact_info boolean NOT NULL DEFAULT false,
        DROP CONSTRAINT template_source_check,
        ADD CONSTRAINT template_source_check CHECK (source IN ('admin', 'sync', 'proxy'))`);
    await queryRunner.query(`
      ALTER TABLE sent_message
        ADD COLUMN requests_contact_info boolean NOT NULL DEFAULT false,
        ADD COLUMN wa_message_id text`);
    // A contacts reply names the message it answers by Meta's id, known only from that message's DLRs.
    await queryRunner.query(`CREATE INDEX sent_message_wa_message_id_idx ON sent_message (wa_message_id) WHERE wa_message_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sent_message_wa_message_id_idx`);
    await queryRunner.query(`ALTER TABLE sent_message DROP COLUMN wa_message_id, DROP COLUMN requests_contact_info`);
    await queryRunner.query(`DELETE FROM template WHERE source = 'proxy'`);
    await queryRunner.query(`
      ALTER TABLE template
        DROP CONSTRAINT template_source_check,
        ADD CONSTRAINT template_source_check CHECK (source IN ('admin', 'sync')),
        DROP COLUMN requests_contact_info,
        DROP COLUMN template_id`);
  }
}
