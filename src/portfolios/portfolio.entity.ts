import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { BusinessNumber } from './business-number.entity';

export const UNKNOWN_TEMPLATES_POLICIES = ['phone-or-reject', 'send'] as const;
export type UnknownTemplatesPolicy = (typeof UNKNOWN_TEMPLATES_POLICIES)[number];

@Entity('portfolio')
@Check('portfolio_unknown_templates_check', `unknown_templates IN ('phone-or-reject', 'send')`)
@Index('portfolio_group_idx', ['group'], { where: 'group_key IS NOT NULL' })
// Unique on (platform_id, coalesce(platform_partner_id, '')) WHERE platform_id IS NOT NULL: @Index cannot say an expression.
@Index('portfolio_platform_key', { synchronize: false })
export class Portfolio {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'portfolio_pkey' })
  key!: string;

  @Column({ name: 'platform_id', type: 'text', nullable: true })
  platformId!: string | null;

  @Column({ name: 'platform_partner_id', type: 'text', nullable: true })
  platformPartnerId!: string | null;

  @Column({ name: 'group_key', type: 'text', nullable: true })
  group!: string | null;

  /** Region for phone numbers written in local form; null falls back to the business number's or DEFAULT_REGION. */
  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ name: 'link_username', type: 'text', nullable: true })
  linkUsername!: string | null;

  @Column({ name: 'link_password', type: 'text', nullable: true })
  linkPassword!: string | null;

  /** Send policies applied when a request does not say (DESIGN: Dedupe and enforcement). */
  @Column({ name: 'enforce_care_window', type: 'boolean', default: false })
  enforceCareWindow!: boolean;

  @Column({ name: 'skip_invalid_contacts', type: 'boolean', default: false })
  skipInvalidContacts!: boolean;

  /** A marketing template skips users who stopped marketing messages (Meta would not deliver it; it may still be billed). Off unless turned on. */
  @Column({ name: 'skip_marketing_opt_out', type: 'boolean', default: false })
  skipMarketingOptOut!: boolean;

  /** A template the registry does not know, even after a refresh from LINK: `phone-or-reject` keeps it off BSUIDs, `send` sends it as addressed. */
  @Column({ name: 'unknown_templates', type: 'text', default: 'phone-or-reject' })
  unknownTemplates!: UnknownTemplatesPolicy;

  /** Meta's webhook handshake (`hub.verify_token`) and the app secret its POSTs are signed with. */
  @Column({ name: 'meta_verify_token', type: 'text', nullable: true })
  metaVerifyToken!: string | null;

  @Column({ name: 'meta_app_secret', type: 'text', nullable: true })
  metaAppSecret!: string | null;

  @OneToMany(() => BusinessNumber, (number) => number.owner, { cascade: true })
  businessNumbers!: BusinessNumber[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
