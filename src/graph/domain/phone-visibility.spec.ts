import type { Observation } from './observation';
import { ContactBookEntryRow, contactBookEntries, phoneVisibility, PhoneFacts, UNKNOWN_BUSINESS_NUMBER } from './phone-visibility';

const at = (iso: string) => new Date(iso);
const PHONE = '+46701234567';

describe(phoneVisibility.name, () => {
  const facts = (changes: Partial<PhoneFacts>): PhoneFacts => ({
    msisdn: PHONE,
    lastInboundAt: null,
    lastOutboundAt: null,
    contactBookAt: null,
    ...changes,
  });

  it.each<[string, Partial<PhoneFacts>, ReturnType<typeof phoneVisibility>]>([
    ['no phone', { msisdn: null, lastInboundAt: at('2026-06-01T10:00:00Z') }, { phoneVisibility: null, phoneVisibleUntil: null }],
    [
      'no phone, even in the contact book',
      { msisdn: null, contactBookAt: at('2026-06-01T10:00:00Z') },
      { phoneVisibility: null, phoneVisibleUntil: null },
    ],
    ['a phone and no exchange', {}, { phoneVisibility: 'none', phoneVisibleUntil: null }],
    ['an MO', { lastInboundAt: at('2026-06-01T10:00:00Z') }, { phoneVisibility: 'window', phoneVisibleUntil: at('2026-07-01T10:00:00Z') }],
    [
      'the later of MO and MT',
      { lastInboundAt: at('2026-06-01T10:00:00Z'), lastOutboundAt: at('2026-06-05T10:00:00Z') },
      { phoneVisibility: 'window', phoneVisibleUntil: at('2026-07-05T10:00:00Z') },
    ],
    [
      'the contact book, whatever the last exchange',
      { lastInboundAt: at('2026-10-01T10:00:00Z'), contactBookAt: at('2026-04-02T00:00:00Z') },
      { phoneVisibility: 'contactBook', phoneVisibleUntil: null },
    ],
  ])('%s', (_, changes, expected) => {
    expect(phoneVisibility(facts(changes))).toEqual(expected);
  });
});

describe(contactBookEntries.name, () => {
  const since = at('2026-04-01T00:00:00Z');
  const NUMBER = '+46000000000';
  const obs = (changes: Partial<Observation>): Observation => ({
    portfolio: 'acme',
    msisdn: PHONE,
    eventAt: at('2026-06-01T10:00:00Z'),
    strength: 'attested',
    links: true,
    activity: 'inbound',
    byPhone: true,
    evidence: { kind: 'MO', businessNumber: NUMBER },
    ...changes,
  });
  const entry = (enteredAt: string, businessNumber = NUMBER) => ({
    portfolio: 'acme',
    msisdn: PHONE,
    businessNumber,
    enteredAt: at(enteredAt),
  });

  it.each<[string, Partial<Observation>, ContactBookEntryRow[]]>([
    ['an MO from the phone on the launch day', { eventAt: since }, [entry('2026-04-01T00:00:00Z')]],
    [
      'a send to the phone after it',
      { activity: 'outbound', evidence: { kind: 'SEND', businessNumber: NUMBER } },
      [entry('2026-06-01T10:00:00Z')],
    ],
    ['an exchange by phone a moment before it', { eventAt: at('2026-03-31T23:59:59.999Z') }, []],
    ['an MO from a BSUID that names the phone', { byPhone: false, bsuid: 'SE.1' }, []],
    ['an observation that says nothing of how it was sent', { byPhone: undefined }, []],
    ['a 112404 for the phone', { activity: 'invalid' }, []],
    ['a shared card naming the phone', { activity: undefined }, []],
    [
      'a sent DLR whose business number is not known',
      { activity: 'outbound', evidence: { kind: 'DLR' } },
      [entry('2026-06-01T10:00:00Z', UNKNOWN_BUSINESS_NUMBER)],
    ],
  ])('%s', (_, changes, expected) => {
    expect(contactBookEntries([obs(changes)], since)).toEqual(expected);
  });

  it('keeps the earliest entry per phone and business number, in any order', () => {
    const later = obs({ eventAt: at('2026-07-01T10:00:00Z') });
    const earlier = obs({ eventAt: at('2026-05-01T10:00:00Z'), activity: 'outbound' });
    const other = obs({ evidence: { kind: 'MO', businessNumber: '+46000000001' } });
    const expected = [entry('2026-05-01T10:00:00Z'), entry('2026-06-01T10:00:00Z', '+46000000001')];
    expect(contactBookEntries([later, earlier, other], since)).toEqual(expected);
    expect(contactBookEntries([other, earlier, later], since)).toEqual(expect.arrayContaining(expected));
  });
});
