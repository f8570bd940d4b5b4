import { mask } from './mask';

describe(mask.name, () => {
  it.each([
    ['+46701234567', '+4670*****67'],
    ['SE.13491208655302741918', 'SE.13****************18'],
    ['+4612', '+4***'],
  ])('masks %s as %s', (input, expected) => {
    expect(mask(input)).toBe(expected);
  });

  it('never returns the whole value', () => {
    expect(mask('SE.ENT.11815799212886844830')).not.toContain('11815799212886844830');
  });
});
