import type { Directory, KnownContact } from '../../contacts/domain/directory';
import { identifierKey } from '../../identifiers/domain/identifier';
import { planDestinations, PlanOptions } from './destination-plan';

const M = '+46701234567';
const M2 = '+46709999999';
const B = 'SE.13491208655302741918';
const B_OLD = 'SE.11111111111111111111';
const P = 'SE.ENT.11815799212886844830';
const FOREIGN = 'SE.99999999999999999999';
const FOREIGN_P = 'SE.ENT.99999999999999999999';
const B_ONLY = 'SE.22222222222222222222';
const NOW = new Date('2026-06-10T12:00:00Z');

const person: KnownContact = {
  id: 'c1',
  msisdn: M,
  bsuid: B,
  parentBsuid: P,
  invalid: false,
  careWindowOpenUntil: new Date('2026-06-10T18:00:00Z'),
};
const bsuidOnly: KnownContact = { id: 'c2', msisdn: null, bsuid: B_ONLY, parentBsuid: null, invalid: false, careWindowOpenUntil: null };
const invalid: KnownContact = { id: 'c3', msisdn: M2, bsuid: null, parentBsuid: null, invalid: true, careWindowOpenUntil: null };
const M3 = '+46705550000';
const optedOut: KnownContact = {
  id: 'c4',
  msisdn: M3,
  bsuid: null,
  parentBsuid: null,
  invalid: false,
  careWindowOpenUntil: null,
  marketingOptedOut: true,
};

const directory: Directory = {
  contacts: new Map([
    [identifierKey({ kind: 'msisdn', value: M }), person],
    [identifierKey({ kind: 'bsuid', value: B }), person],
    [identifierKey({ kind: 'bsuid', value: B_OLD }), person], // an older BSUID of the same contact, still in history
    [identifierKey({ kind: 'parentBsuid', value: P }), person],
    [identifierKey({ kind: 'bsuid', value: B_ONLY }), bsuidOnly],
    [identifierKey({ kind: 'msisdn', value: M2 }), invalid],
    [identifierKey({ kind: 'msisdn', value: M3 }), optedOut],
  ]),
  foreign: new Set([FOREIGN, FOREIGN_P]),
};

const options = (changes: Partial<PlanOptions> = {}): PlanOptions => ({
  region: 'SE',
  prefer: 'msisdn',
  authentication: false,
  unknownTemplate: false,
  freeForm: false,
  careWindowPolicy: false,
  skipInvalidPolicy: false,
  skipMarketingOptOut: false,
  now: NOW,
  ...changes,
});

/** [input, action, sendAs, duplicateOf, code] of each report entry. */
function summary(inputs: unknown[], changes: Partial<PlanOptions> = {}) {
  const plan = planDestinations(inputs, directory, options(changes));
  return {
    destinations: plan.destinations,
    report: plan.report.map((entry) => [entry.input, entry.action, entry.sendAs ?? null, entry.duplicateOf ?? null, entry.code ?? null]),
    positions: plan.positions,
  };
}

describe(planDestinations.name, () => {
  it.each([
    ['twins by format', [M, '0046 70-123 45 67', '0701234567'], 'msisdn', [M], [M, 'send', M, null, null], 0],
    [
      'twins by format, unknown to the book',
      ['+46 70 555 12 34', '0705551234'],
      'msisdn',
      ['+46705551234'],
      ['+46 70 555 12 34', 'send', '+46705551234', null, null],
      0,
    ],
    ['MSISDN and BSUID of one contact, prefer msisdn', [B, M], 'msisdn', [M], [B, 'duplicate', M, M, 'DUPLICATE'], 0],
    ['MSISDN and BSUID of one contact, prefer bsuid', [M, B], 'bsuid', [B], [M, 'duplicate', B, B, 'DUPLICATE'], 0],
    ['twins by parent BSUID', [P, M], 'msisdn', [M], [P, 'duplicate', M, M, 'DUPLICATE'], 0],
    ['twins by an old BSUID still in history', [B_OLD, M], 'msisdn', [M], [B_OLD, 'duplicate', M, M, 'DUPLICATE'], 0],
  ] as const)('dedupes %s', (_, inputs, prefer, destinations, first, position) => {
    const result = summary([...inputs], { prefer });
    expect(result.destinations).toEqual(destinations);
    expect(result.report[0]).toEqual(first);
    expect(result.positions).toEqual(inputs.map(() => position));
  });

  it.each([
    ['the phone listed first, the BSUID preferred', [M, B], 'bsuid', [[0, 1, 'destination 2']]],
    ['the BSUID listed first, the phone preferred', [B, M2, M], 'msisdn', [[0, 2, 'destination 3']]],
    [
      'twins by format, the earliest kept',
      [M, '0046 70-123 45 67', '0701234567'],
      'msisdn',
      [
        [1, 0, 'destination 1'],
        [2, 0, 'destination 1'],
      ],
    ],
    [
      'a phone between a parent BSUID and the preferred BSUID',
      [P, M, B],
      'bsuid',
      [
        [0, 2, 'destination 3'],
        [1, 2, 'destination 3'],
      ],
    ],
  ] as const)('says which destination a duplicate duplicates, by its place: %s', (_, inputs, prefer, duplicates) => {
    const report = planDestinations([...inputs], directory, options({ prefer })).report;
    const found = report.flatMap((entry, index) => (entry.action === 'duplicate' ? [[index, entry.duplicateOfIndex, entry.reason]] : []));
    expect(found).toEqual(duplicates.map(([index, of, named]) => [index, of, expect.stringContaining(`The same person as ${named}:`)]));
    for (const [index, of] of duplicates) expect(report[index].duplicateOf).toBe(inputs[of]);
  });

  it.each([
    ['alone', [B_OLD], 'msisdn', [[B_OLD, 'rewritten', M, null, 'BSUID_REPLACED']]],
    ['alone, the BSUID preferred', [B_OLD], 'bsuid', [[B_OLD, 'rewritten', B, null, 'BSUID_REPLACED']]],
    [
      'beside the current one, the BSUID preferred',
      [B_OLD, B],
      'bsuid',
      [
        [B_OLD, 'duplicate', B, B, 'DUPLICATE'],
        [B, 'send', B, null, null],
      ],
    ],
  ] as const)('sends an old BSUID of a contact to what it holds now: %s', (_, inputs, prefer, report) => {
    expect(summary([...inputs], { prefer }).report).toEqual(report);
  });

  it('keeps the order of first appearance, one destination per person', () => {
    const result = summary([M2, B, '+46705551234', M, B_ONLY, '0705551234']);
    expect(result.destinations).toEqual([M2, M, '+46705551234', B_ONLY]);
    expect(result.positions).toEqual([0, 1, 2, 1, 3, 2]);
    expect(result.report).toEqual([
      [M2, 'send', M2, null, null],
      [B, 'duplicate', M, M, 'DUPLICATE'],
      ['+46705551234', 'send', '+46705551234', null, null],
      [M, 'send', M, null, null],
      [B_ONLY, 'send', B_ONLY, null, null],
      ['0705551234', 'duplicate', '+46705551234', '+46705551234', 'DUPLICATE'],
    ]);
  });

  it('rewrites an authentication template to a BSUID to the phone number', () => {
    expect(summary([B], { authentication: true })).toEqual({
      destinations: [M],
      report: [[B, 'rewritten', M, null, 'BSUID_AUTH_TEMPLATE']],
      positions: [0],
    });
    expect(planDestinations([B, B_ONLY], directory, options()).sent).toEqual([
      { kind: 'bsuid', value: B },
      { kind: 'bsuid', value: B_ONLY },
    ]);
    expect(planDestinations([B], directory, options({ authentication: true })).sent).toEqual([{ kind: 'msisdn', value: M }]);
  });

  it('keeps the phone among twins for an authentication template, even when the BSUID is preferred', () => {
    expect(summary([B, M], { authentication: true, prefer: 'bsuid' }).report).toEqual([
      [B, 'duplicate', M, M, 'DUPLICATE'],
      [M, 'send', M, null, null],
    ]);
  });

  it.each([
    ['a BSUID without a known phone', B_ONLY],
    ['a BSUID unknown to the book', 'SE.33333333333333333333'],
    ['a parent BSUID unknown to the book', 'SE.ENT.33333333333333333333'],
  ])('rejects an authentication template to %s', (_, input) => {
    expect(summary([input, M2], { authentication: true })).toEqual({
      destinations: [M2],
      report: [
        [input, 'rejected', null, null, 'BSUID_AUTH_TEMPLATE'],
        [M2, 'send', M2, null, null],
      ],
      positions: [null, 0],
    });
  });

  it.each([
    ['a BSUID with a known phone', [B], [[B, 'rewritten', M, null, 'TEMPLATE_UNKNOWN']], [M]],
    ['a parent BSUID with a known phone', [P], [[P, 'rewritten', M, null, 'TEMPLATE_UNKNOWN']], [M]],
    ['an old BSUID with a known phone', [B_OLD], [[B_OLD, 'rewritten', M, null, 'TEMPLATE_UNKNOWN']], [M]],
    ['a BSUID without a known phone', [B_ONLY], [[B_ONLY, 'rejected', null, null, 'TEMPLATE_UNKNOWN']], []],
    [
      'a BSUID unknown to the book',
      ['SE.33333333333333333333'],
      [['SE.33333333333333333333', 'rejected', null, null, 'TEMPLATE_UNKNOWN']],
      [],
    ],
    ['a phone number, which carries every template', [M2], [[M2, 'send', M2, null, null]], [M2]],
    [
      'a BSUID and its twin phone, the BSUID preferred',
      [B, M],
      [
        [B, 'duplicate', M, M, 'DUPLICATE'],
        [M, 'send', M, null, null],
      ],
      [M],
    ],
  ] as const)('sends a template the registry does not know, to %s, only to a phone', (_, inputs, report, destinations) => {
    const result = summary([...inputs], { unknownTemplate: true, prefer: 'bsuid' });
    expect(result.report).toEqual(report);
    expect(result.destinations).toEqual(destinations);
  });

  it('names the authentication rule when a request holds an authentication template and an unknown one', () => {
    expect(summary([B, B_ONLY], { authentication: true, unknownTemplate: true }).report).toEqual([
      [B, 'rewritten', M, null, 'BSUID_AUTH_TEMPLATE'],
      [B_ONLY, 'rejected', null, null, 'BSUID_AUTH_TEMPLATE'],
    ]);
  });

  it('says why a template the registry does not know went to the phone, with the number masked', () => {
    const [rewritten] = planDestinations([B], directory, options({ unknownTemplate: true })).report;
    expect(rewritten.reason).toMatch(/does not know this template.*\+4670\*+67/);
    expect(rewritten.reason).not.toContain(M);
  });

  it.each([
    ['a BSUID known only in another portfolio', FOREIGN],
    ['a parent BSUID known only outside the group', FOREIGN_P],
  ])('rejects %s', (_, input) => {
    expect(summary([input]).report).toEqual([[input, 'rejected', null, null, 'BSUID_WRONG_PORTFOLIO']]);
  });

  it('sends a parent BSUID the book knows in this portfolio or its group, and a BSUID it does not know at all', () => {
    const unknown = 'SE.44444444444444444444';
    expect(summary([P, unknown], { prefer: 'bsuid' }).report).toEqual([
      [P, 'send', P, null, null],
      [unknown, 'send', unknown, null, null],
    ]);
  });

  it.each([
    ['text', 'hello'],
    ['a placeholder', 'null'],
    ['all zeros', '+460000000000'],
    ['not a string', 46701234567],
    ['a malformed BSUID', 'SE.'],
  ])('rejects an invalid destination: %s', (_, input) => {
    const plan = planDestinations([input], directory, options());
    expect(plan.report).toEqual([{ input, action: 'rejected', code: 'INVALID_DESTINATION', reason: expect.any(String) }]);
    expect(plan.destinations).toEqual([]);
  });

  it('skips contacts reported invalid only when the policy is on', () => {
    expect(summary([M2]).report).toEqual([[M2, 'send', M2, null, null]]);
    expect(summary([M2, '+46 70 999 99 99'], { skipInvalidPolicy: true }).report).toEqual([
      [M2, 'rejected', null, null, 'INVALID_CONTACT'],
      ['+46 70 999 99 99', 'rejected', null, null, 'INVALID_CONTACT'],
    ]);
  });

  it('skips users who stopped marketing messages only for a marketing template (MARKETING_OPT_OUT)', () => {
    expect(summary([M3, M]).report).toEqual([
      [M3, 'send', M3, null, null],
      [M, 'send', M, null, null],
    ]);
    expect(summary([M3, M], { skipMarketingOptOut: true }).report).toEqual([
      [M3, 'rejected', null, null, 'MARKETING_OPT_OUT'],
      [M, 'send', M, null, null],
    ]);
  });

  it.each([
    [
      'a free-form message outside the window',
      { freeForm: true, careWindowPolicy: true },
      [M, B_ONLY, '+46705551234'],
      ['send', 'rejected', 'rejected'],
    ],
    ['a free-form message with the policy off', { freeForm: true }, [M, B_ONLY], ['send', 'send']],
    ['a template with the policy on', { careWindowPolicy: true }, [M, B_ONLY], ['send', 'send']],
  ])('applies the care window to %s', (_, changes, inputs, actions) => {
    const report = planDestinations(inputs, directory, options(changes)).report;
    expect(report.map((entry) => entry.action)).toEqual(actions);
    for (const entry of report.filter((item) => item.action === 'rejected')) expect(entry.code).toBe('CARE_WINDOW_CLOSED');
  });

  it('answers an empty plan when every destination is rejected, with a reason for each', () => {
    const plan = planDestinations(['nope', FOREIGN], directory, options());
    expect(plan.destinations).toEqual([]);
    expect(plan.report.map((entry) => [entry.code, typeof entry.reason])).toEqual([
      ['INVALID_DESTINATION', 'string'],
      ['BSUID_WRONG_PORTFOLIO', 'string'],
    ]);
  });

  it('never writes a full phone number or BSUID into a reason', () => {
    const plan = planDestinations([B, 'SE.', M2], directory, options({ authentication: true }));
    for (const entry of plan.report) for (const value of [M, B, M2]) expect(entry.reason).not.toContain(value);
  });
});
