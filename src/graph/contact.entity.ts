import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Strength } from './domain/observation';
import { CONTACT_BOOK_AT } from './phone-visibility.sql';
import { CONTACT_MARKETING, CONTACT_USERNAME } from './user-profile.sql';

/** Every column of a contact, named as the entity's fields, for raw queries mapped by `toContactView`. */
export const CONTACT_COLUMNS = `c.portfolio, c.id, c.msisdn, c.bsuid, c.parent_bsuid AS "parentBsuid", c.external_id AS "externalId",
  c.first_seen_at AS "firstSeenAt", c.last_seen_at AS "lastSeenAt", c.last_inbound_at AS "lastInboundAt",
  c.last_outbound_at AS "lastOutboundAt", c.invalid_at AS "invalidAt", c.merged_into AS "mergedInto",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", ${CONTACT_BOOK_AT} AS "contactBookAt",
  ${CONTACT_USERNAME} AS "username", ${CONTACT_MARKETING} AS "marketing"`;

/** A contact as `CONTACT_COLUMNS` answers it: the row, its contact-book entry, and what the user told Meta. */
export type ContactRead = Contact & {
  contactBookAt: Date | null;
  username?: string | null;
  marketing?: { optedOut: boolean; at: string } | null;
};

/** Invalid while the latest 112404 is newer than any exchange (as `isInvalid`, in SQL over `contact c`). */
export const IS_INVALID = `(c.invalid_at IS NOT NULL AND (greatest(c.last_inbound_at, c.last_outbound_at) IS NULL
  OR c.invalid_at >= greatest(c.last_inbound_at, c.last_outbound_at)))`;

/**
 * One person inside one portfolio. Written by `graph.repository.ts` in set-based batches.
 * The table's fillfactor (70, for HOT updates) is a storage parameter TypeORM neither sets nor reads.
 */
@Entity('contact')
@Check(
  'contact_strength_check',
  `msisdn_strength IN ('attested', 'claimed') AND bsuid_strength IN ('attested', 'claimed') AND parent_bsuid_strength IN ('attested', 'claimed')`,
)
// Checked at commit: a batch may move an identifier between two contacts in any row order.
@Unique('contact_portfolio_msisdn_key', ['portfolio', 'msisdn'], { deferrable: 'INITIALLY DEFERRED' })
// Led by the value, so that a BSUID is found across portfolios by the same index (ContactsRepository.foreign).
@Unique('contact_bsuid_portfolio_key', ['bsuid', 'portfolio'], { deferrable: 'INITIALLY DEFERRED' })
@Unique('contact_parent_bsuid_portfolio_key', ['parentBsuid', 'portfolio'], { deferrable: 'INITIALLY DEFERRED' })
@Index('contact_merged_into_idx', ['portfolio', 'mergedInto'], { where: 'merged_into IS NOT NULL' })
@Index('contact_external_id_idx', ['portfolio', 'externalId'], { where: 'external_id IS NOT NULL' })
export class Contact {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contact_pkey' })
  portfolio!: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contact_pkey' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  msisdn!: string | null;

  @Column({ type: 'text', nullable: true })
  bsuid!: string | null;

  @Column({ name: 'parent_bsuid', type: 'text', nullable: true })
  parentBsuid!: string | null;

  @Column({ name: 'msisdn_at', type: 'timestamptz', nullable: true })
  msisdnAt!: Date | null;

  @Column({ name: 'bsuid_at', type: 'timestamptz', nullable: true })
  bsuidAt!: Date | null;

  @Column({ name: 'parent_bsuid_at', type: 'timestamptz', nullable: true })
  parentBsuidAt!: Date | null;

  @Column({ name: 'msisdn_strength', type: 'text', nullable: true })
  msisdnStrength!: Strength | null;

  @Column({ name: 'bsuid_strength', type: 'text', nullable: true })
  bsuidStrength!: Strength | null;

  @Column({ name: 'parent_bsuid_strength', type: 'text', nullable: true })
  parentBsuidStrength!: Strength | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  @Column({ name: 'last_outbound_at', type: 'timestamptz', nullable: true })
  lastOutboundAt!: Date | null;

  @Column({ name: 'invalid_at', type: 'timestamptz', nullable: true })
  invalidAt!: Date | null;

  /** Set when this contact was merged into another: its id still resolves to the survivor. */
  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  /** The order key of the latest observation that touched this contact: an older one arriving later replays (rule 5). */
  @Column({ name: 'last_event_key', type: 'text', collation: 'C', nullable: true })
  lastEventKey!: string | null;

  /** Every observation that shaped this contact is in the log: false before the log, and after an admin's correction. */
  @Column({ name: 'has_full_log', type: 'boolean', default: true })
  hasFullLog!: boolean;

  /** The order of the latest identity-change event about this contact (identity_event.tx): a later one never sorts before it. */
  @Column({ name: 'event_tx', type: 'bigint', nullable: true })
  eventTx!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
