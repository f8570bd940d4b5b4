import { AppError } from '../../common/errors/app-error';
import { parseIdentifier, tryParseIdentifier } from './identifier';

describe(tryParseIdentifier.name, () => {
  it.each([
    ['+46735555555', 'msisdn', '+46735555555'],
    ['0046735555555', 'msisdn', '+46735555555'],
    ['+46 73-555 55 55', 'msisdn', '+46735555555'],
    ['46735555555', 'msisdn', '+46735555555'],
    ['0735555555', 'msisdn', '+46735555555'], // local form, region SE
    ['(073) 555 55 55', 'msisdn', '+46735555555'],
    [' +46735555555 ', 'msisdn', '+46735555555'],
    ['+460000000001', 'msisdn', '+460000000001'], // the document's own example: digits kept as written
    ['+46000000001', 'msisdn', '+46000000001'],
    ['+4600000002', 'msisdn', '+4600000002'],
    ['+123456789', 'msisdn', '+123456789'],
    ['+1 (650) 555-1234', 'msisdn', '+16505551234'],
    ['+46 (0)70 123 45 67', 'msisdn', '+46701234567'],
    ['+46 0701234567', 'msisdn', '+46701234567'],
    ['+39 06 1234 5678', 'msisdn', '+390612345678'], // Italy keeps its leading 0
    ['SE.ENT1', 'bsuid', 'SE.ENT1'],
    ['SE.13491208655302741918', 'bsuid', 'SE.13491208655302741918'],
    ['US.abcDEF123', 'bsuid', 'US.abcDEF123'],
    ['SE.ENT.11815799212886844830', 'parentBsuid', 'SE.ENT.11815799212886844830'],
    [`SE.${'a'.repeat(128)}`, 'bsuid', `SE.${'a'.repeat(128)}`],
  ])('reads %j as %s %s', (input, kind, value) => {
    expect(tryParseIdentifier(input, 'SE')).toEqual({ ok: true, identifier: { kind, value } });
  });

  it('reads a local number in the region it is given', () => {
    expect(tryParseIdentifier('0612345678', 'NL')).toEqual({ ok: true, identifier: { kind: 'msisdn', value: '+31612345678' } });
  });

  it.each([
    ['', 'is blank'],
    ['   ', 'is blank'],
    ['null', 'placeholder'],
    ['NULL', 'placeholder'],
    ['undefined', 'placeholder'],
    ['hello', 'neither a phone number nor a BSUID'],
    ['+46 73 555 55 5x', 'neither a phone number nor a BSUID'],
    ['0000000000', 'all zeros'],
    ['+46000000000', 'all zeros'],
    ['+0046735555555', 'not a phone number'],
    ['+12', 'not a phone number'],
    ['+1234567890123456', 'not a phone number'],
    ['SE.', 'not a BSUID'],
    ['se.13491208655302741918', 'not a BSUID'],
    ['SE.1349-1208', 'not a BSUID'],
    ['SE.ÅÄÖ', 'not a BSUID'],
    [`SE.${'a'.repeat(129)}`, 'not a BSUID'],
    ['SE.ENT.', 'not a parent BSUID'],
    ['SE.ENT.1181 5799', 'not a parent BSUID'],
    ['SE.0000', 'all zeros'],
    ['SE.ENT', 'not a parent BSUID'],
    ['XX.12345', 'ISO country code'],
    ['SE.ENT.000', 'all zeros'],
  ])('rejects %j (%s)', (input, reason) => {
    const result = tryParseIdentifier(input, 'SE');
    expect(result.ok).toBe(false);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each([null, undefined, 46735555555, {}, []])('rejects the non-string %j', (input) => {
    expect(tryParseIdentifier(input, 'SE')).toEqual({ ok: false, reason: 'is not a string' });
  });
});

describe(parseIdentifier.name, () => {
  it('throws a validation error naming the field and the masked input', () => {
    let caught: unknown;
    try {
      parseIdentifier('+46 73 555 55 5x', 'SE', 'source');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).fields).toEqual([{ field: 'source', message: '"+46 7*********5x" is neither a phone number nor a BSUID' }]);
  });
});
