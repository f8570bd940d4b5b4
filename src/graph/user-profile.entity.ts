import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a user told Meta about themselves: the username they chose to show, and whether they stopped
 * marketing messages, each the latest by event time. Kept by the user's BSUID and parent BSUID (by
 * the phone only when Meta sent neither): a phone number can pass to somebody else, a BSUID cannot.
 * A contact reads the rows of the identifiers it holds, so the facts follow merges and splits
 * without moving; a BSUID change copies the previous BSUID's and parent's rows to the new ones
 * (`user-profiles.service.ts`, after the graph's commit). The contact JSON reads it through `CONTACT_COLUMNS`.
 */
@Entity('user_profile')
@Check('user_profile_kind_check', `kind IN ('msisdn', 'bsuid', 'parentBsuid')`)
export class UserProfile {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'user_profile_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'user_profile_pkey' })
  kind!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'user_profile_pkey' })
  value!: string;

  @Column({ type: 'text', nullable: true })
  username!: string | null;

  @Column({ name: 'username_at', type: 'timestamptz', nullable: true })
  usernameAt!: Date | null;

  @Column({ name: 'marketing_opted_out', type: 'boolean', nullable: true })
  marketingOptedOut!: boolean | null;

  @Column({ name: 'marketing_at', type: 'timestamptz', nullable: true })
  marketingAt!: Date | null;
}
