import type { IdentityEventView } from './domain/event-view';
import type { SubscriptionView } from './subscriptions.service';
import type { DeliveryView } from './deliveries.service';

export const EVENT_EXAMPLE: IdentityEventView = {
  id: 'evt_7731',
  type: 'contact.relinked',
  portfolio: 'acme',
  cursor: '1042.7731',
  contactId: '0b6f7c3e-2f1a-4c55-9d8e-2a41d0c9b001',
  otherContactId: '5d0c1f8a-7a2e-4b1b-8c7d-91e4f3a2b002',
  field: 'msisdn',
  value: '+46701234567',
  evidence: { kind: 'MO', messageId: 'a1b2c3d4-0000-4000-8000-000000000001', businessNumber: '+46000000000' },
  occurredAt: '2026-06-01T10:00:00.000Z',
  recordedAt: '2026-06-01T10:00:00.120Z',
};

export const SUBSCRIPTION_EXAMPLE: SubscriptionView = {
  portfolio: 'acme',
  name: 'crm',
  url: 'https://crm.example.com/hooks/contact-book',
  types: ['contact.created', 'contact.linked', 'contact.relinked', 'contact.merged', 'contact.erased'],
  identifiers: 'full',
  position: '1042.7731',
  createdAt: '2026-06-01T09:00:00.000Z',
  updatedAt: '2026-06-01T09:00:00.000Z',
};

export const DELIVERY_EXAMPLE: DeliveryView = {
  eventId: 'evt_7731',
  contactId: '0b6f7c3e-2f1a-4c55-9d8e-2a41d0c9b001',
  status: 'failed',
  attempts: 31,
  nextAttemptAt: '2026-06-02T10:00:00.000Z',
  lastStatus: 503,
  lastError: 'answered 503',
  queuedAt: '2026-06-01T10:00:01.000Z',
  finishedAt: '2026-06-02T10:00:01.000Z',
};
