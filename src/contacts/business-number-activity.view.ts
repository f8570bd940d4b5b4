import { phoneVisibility, PhoneVisibility } from '../graph/domain/phone-visibility';
import { careWindowOpenUntil } from '../graph/domain/time-rules';

/** What one business number of the portfolio exchanged with a contact, as stored (DESIGN: the 30 days count per business number). */
export interface BusinessNumberActivityRow {
  businessNumber: string;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /** When an exchange by phone logged the contact's phone into this number's contact book. */
  contactBookAt: Date | null;
}

export interface BusinessNumberActivityView {
  businessNumber: string;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  careWindowOpenUntil: string | null;
  phoneVisibility: PhoneVisibility | null;
  phoneVisibleUntil: string | null;
  contactBookAt: string | null;
}

export interface ContactActivityView {
  contactId: string;
  businessNumbers: BusinessNumberActivityView[];
}

/** The care window and phone visibility of one business number, by the same rules as the contact's own (which takes the latest). */
export function toBusinessNumberActivityView(row: BusinessNumberActivityRow, msisdn: string | null): BusinessNumberActivityView {
  const visibility = phoneVisibility({ msisdn, ...row });
  return {
    businessNumber: row.businessNumber,
    lastInboundAt: iso(row.lastInboundAt),
    lastOutboundAt: iso(row.lastOutboundAt),
    careWindowOpenUntil: iso(careWindowOpenUntil(row.lastInboundAt)),
    phoneVisibility: visibility.phoneVisibility,
    phoneVisibleUntil: iso(visibility.phoneVisibleUntil),
    contactBookAt: msisdn ? iso(row.contactBookAt) : null,
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
