import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The phone numbers an exchange by phone, on or after Meta's contact-book launch
 * (CONTACT_BOOK_SINCE), logged into a business number's contact book, and when it first did. Kept
 * by phone number, not by contact: the entry is Meta's, about the number, so it follows the number
 * through merges and splits. Exchanges before this migration were not told apart by identifier:
 * their contacts wait for their next exchange by phone.
 */
export class ContactBook1764100010000 implements MigrationInterface {
  name = 'ContactBook1764100010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contact_book_entry (
        portfolio text NOT NULL,
        msisdn text NOT NULL,
        business_number text NOT NULL,
        entered_at timestamptz NOT NULL,
        CONSTRAINT contact_book_entry_pkey PRIMARY KEY (portfolio, msisdn, business_number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE contact_book_entry`);
  }
}
