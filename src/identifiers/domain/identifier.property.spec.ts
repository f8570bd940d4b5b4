import fc from 'fast-check';
import { tryParseIdentifier } from './identifier';

const CANONICAL = /^(\+[1-9][0-9]{6,14}|[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128})$/;
/** Swedish mobile numbers as a CRM or a person may write them. */
const swedishMobile = fc.integer({ min: 0, max: 9_999_999 }).map((n) => `+4670${String(n).padStart(7, '0')}`);
const writtenForms = (e164: string) => [
  e164,
  `00${e164.slice(1)}`,
  e164.slice(1),
  `0${e164.slice(3)}`,
  `+46 ${e164.slice(3, 5)}-${e164.slice(5, 8)} ${e164.slice(8)}`,
];

describe('identifier parsing, for any input', () => {
  it('never throws, and answers either a canonical identifier or a reason', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = tryParseIdentifier(input, 'SE');
        if (result.ok) expect(result.identifier.value).toMatch(CANONICAL);
        else expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads its own canonical form back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        const first = tryParseIdentifier(input, 'SE');
        if (!first.ok) return;
        expect(tryParseIdentifier(first.identifier.value, 'SE')).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every written form of one number as the same number', () => {
    fc.assert(
      fc.property(swedishMobile, (e164) => {
        for (const form of writtenForms(e164))
          expect(tryParseIdentifier(form, 'SE')).toEqual({ ok: true, identifier: { kind: 'msisdn', value: e164 } });
      }),
    );
  });
});
