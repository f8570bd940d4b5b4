import type { TemplateCategory } from './template-list';

/** A template a message names, as the send pipeline read it. */
export interface TemplateRef {
  name: string;
  language: string;
}

/** What the registry says of one template a message names. */
export interface TemplateMatch extends TemplateRef {
  /** The registry holds the name, in some language. */
  known: boolean;
  /** AUTHENTICATION when the name is one in any language; else the category in this language, else in another. */
  category: TemplateCategory | null;
}

/**
 * Matches the templates a request names against a portfolio's registry (DESIGN: Dedupe and
 * enforcement). Names are matched trimmed (LINK's own examples carry stray spaces), and a name
 * that is an authentication template in one language counts as one in every language: Meta
 * keeps a name's category per language, but a send pipeline that picks a language the registry
 * has not seen yet must not slip an OTP past the rule.
 */
export function matchTemplates(
  registry: Iterable<{ name: string; language: string; category: TemplateCategory }>,
  refs: TemplateRef[],
): TemplateMatch[] {
  const byName = new Map<string, Map<string, TemplateCategory>>();
  for (const template of registry) {
    const languages = byName.get(template.name) ?? new Map<string, TemplateCategory>();
    languages.set(template.language, template.category);
    byName.set(template.name, languages);
  }
  return refs.map((ref) => {
    const name = ref.name.trim();
    const language = ref.language.trim();
    const languages = byName.get(name);
    if (!languages) return { name, language, known: false, category: null };
    const authentication = [...languages.values()].includes('AUTHENTICATION');
    const category = authentication ? 'AUTHENTICATION' : (languages.get(language) ?? [...languages.values()][0]);
    return { name, language, known: true, category };
  });
}
