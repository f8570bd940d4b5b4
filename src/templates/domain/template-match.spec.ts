import { matchTemplates } from './template-match';

const REGISTRY = [
  { name: 'otp_one', language: 'en', category: 'AUTHENTICATION' as const },
  { name: 'welcome', language: 'en', category: 'MARKETING' as const },
  { name: 'welcome', language: 'sv', category: 'UTILITY' as const },
  { name: 'mixed', language: 'en', category: 'UTILITY' as const },
  { name: 'mixed', language: 'de', category: 'AUTHENTICATION' as const },
];

describe(matchTemplates.name, () => {
  it.each([
    ['the exact name and language', 'otp_one', 'en', true, 'AUTHENTICATION'],
    ['an authentication name in another language', 'otp_one', 'sv', true, 'AUTHENTICATION'],
    ['an authentication name in a regional variant', 'otp_one', 'en_US', true, 'AUTHENTICATION'],
    ['a name with a leading space', ' otp_one', 'en', true, 'AUTHENTICATION'],
    ['a name and language with stray spaces', ' otp_one\t', ' sv ', true, 'AUTHENTICATION'],
    ['a name authentication in one language only, sent in another', 'mixed', 'en', true, 'AUTHENTICATION'],
    ["a name's category in its own language", 'welcome', 'sv', true, 'UTILITY'],
    ['a name in a language the registry lacks', 'welcome', 'fr', true, 'MARKETING'],
    ['a name the registry lacks', 'otp_two', 'en', false, null],
    ['a blank name', '  ', 'en', false, null],
    ['a name that differs in case', 'OTP_ONE', 'en', false, null],
  ])('reads %s', (_, name, language, known, category) => {
    expect(matchTemplates(REGISTRY, [{ name, language }])).toEqual([{ name: name.trim(), language: language.trim(), known, category }]);
  });

  it('answers every reference in order, against an empty registry too', () => {
    const refs = [
      { name: 'welcome', language: 'en' },
      { name: 'nope', language: 'en' },
    ];
    expect(matchTemplates(REGISTRY, refs).map((match) => match.known)).toEqual([true, false]);
    expect(matchTemplates([], refs).map((match) => match.known)).toEqual([false, false]);
  });
});
