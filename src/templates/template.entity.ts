import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OtpType, TemplateCategory } from './domain/template-list';
import type { TemplateSource } from './domain/template-sync';

@Entity('template')
@Check('template_category_check', `category IN ('AUTHENTICATION', 'MARKETING', 'UTILITY')`)
@Check('template_otp_type_check', `otp_type IN ('ONE_TAP', 'ZERO_TAP', 'COPY_CODE')`)
@Check('template_otp_type_authentication_check', `category = 'AUTHENTICATION' OR otp_type IS NULL`)
@Check('template_source_check', `source IN ('admin', 'sync', 'proxy')`)
export class Template {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'template_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'template_pkey' })
  name!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'template_pkey' })
  language!: string;

  @Column({ type: 'text' })
  category!: TemplateCategory;

  /** Set for authentication templates only (a database check holds it). */
  @Column({ name: 'otp_type', type: 'text', nullable: true })
  otpType!: OtpType | null;

  /** Meta's review status (APPROVED, PENDING, REJECTED, PAUSED…), known from a sync. */
  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ type: 'text' })
  source!: TemplateSource;

  /** Meta's id of the template (from a sync, or from its creation through the pass-through): what LINK's update and delete name. */
  @Column({ name: 'template_id', type: 'text', nullable: true })
  templateId!: string | null;

  /** It carries a REQUEST_CONTACT_INFO button: a contacts card replying to it is the sender's own number. */
  @Column({ name: 'requests_contact_info', type: 'boolean', default: false })
  requestsContactInfo!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
