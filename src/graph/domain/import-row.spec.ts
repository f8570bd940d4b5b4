import fc from 'fast-check';
import { readImportRow } from './import-row';

const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';

describe(readImportRow.name, () => {
  it.each([
    [
      'every column',
      { msisdn: '+46 70-123 45 67', bsuid: B, parentBsuid: P, externalId: 'crm-1' },
      { msisdn: '+46701234567', bsuid: B, parentBsuid: P },
      'crm-1',
    ],
    ['a local number in the region', { msisdn: '0701234567' }, { msisdn: '+46701234567' }, undefined],
    ['empty cells as absent', { msisdn: '', bsuid: B, parentBsuid: null, externalId: '  ' }, { bsuid: B }, undefined],
    ['a numeric CRM id', { bsuid: B, externalId: 4711 }, { bsuid: B }, '4711'],
  ])('reads %s', (_, row, links, externalId) => {
    expect(readImportRow(row, 'SE')).toEqual(externalId === undefined ? { ok: true, links } : { ok: true, links, externalId });
  });

  it.each([
    ['no identifier', { externalId: 'crm-1' }, 'msisdn', 'the row has no msisdn, bsuid or parentBsuid'],
    ['a BSUID in the phone column', { msisdn: B }, 'msisdn', 'is a BSUID, not a phone number'],
    ['a parent in the BSUID column', { bsuid: P }, 'bsuid', 'is a parent BSUID, not a BSUID'],
    ['a malformed BSUID', { bsuid: 'SE.' }, 'bsuid', 'is not a BSUID'],
    ['a placeholder', { msisdn: 'null' }, 'msisdn', 'placeholder'],
    ['all zeros', { msisdn: '+460000000000' }, 'msisdn', 'all zeros'],
    ['a number as the phone', { msisdn: 46701234567 }, 'msisdn', 'is not a string'],
    ['an object as the CRM id', { bsuid: B, externalId: { id: 1 } }, 'externalId', 'must be a string'],
    ['a CRM id too long', { bsuid: B, externalId: 'x'.repeat(257) }, 'externalId', 'up to 256 characters'],
    ['a CRM id with a NUL', { bsuid: B, externalId: 'crm\u00001' }, 'externalId', 'control characters'],
    ['a CRM id with a line break', { bsuid: B, externalId: 'crm\n1' }, 'externalId', 'control characters'],
  ])('refuses %s', (_, row, field, reason) => {
    const read = readImportRow(row, 'SE');
    expect(read).toEqual({ ok: false, field, reason: expect.stringContaining(reason) });
  });
});

describe(`${readImportRow.name}, on arbitrary rows`, () => {
  it('reads any import row without throwing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('msisdn', 'bsuid', 'parentBsuid', 'externalId', 'other'), fc.anything()), (row) => {
        const read = readImportRow(row, 'SE');
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
