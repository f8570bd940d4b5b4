import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a user told Meta about themselves, kept by the identifier Meta sent it with (so that it
 * follows the person through merges, splits and BSUID changes without moving): the username they
 * chose to show, and whether they stopped marketing messages. Each is the latest by event time.
 * Written by `user-profiles.service.ts`; the contact JSON reads it through `CONTACT_COLUMNS`.
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
