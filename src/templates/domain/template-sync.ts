import { templateKey, TemplateRow } from './template-list';

/** `sync`: listed by LINK; `proxy`: created or updated through the pass-through, LINK's word too; `admin`: entered here. */
export type TemplateSource = 'admin' | 'sync' | 'proxy';

/** A template the registry holds, as far as a sync compares it. */
export interface KnownTemplate extends TemplateRow {
  source: TemplateSource;
  updatedAt?: Date;
}

export interface TemplateSyncPlan {
  /** Upstream templates the registry lacks. */
  add: TemplateRow[];
  /** Upstream templates the registry holds otherwise (or as entered by an admin: sync takes them over). */
  update: TemplateRow[];
  unchanged: number;
  /** Synced templates no longer listed upstream. Admin-entered ones are never removed by a sync. */
  remove: KnownTemplate[];
}

/**
 * Compares the registry with what LINK lists. Upstream is Meta's word, so it replaces what an admin
 * entered for the same name and language; an admin's template that Meta does not list stays (it may
 * live on a business account LINK does not list, or be entered ahead of its approval). `listedAt`
 * is when the lists were read.
 */
export function planTemplateSync(known: KnownTemplate[], upstream: TemplateRow[], listedAt?: Date): TemplateSyncPlan {
  const byKey = new Map(known.map((template) => [templateKey(template), template]));
  const listed = new Set(upstream.map(templateKey));
  const plan: TemplateSyncPlan = { add: [], update: [], unchanged: 0, remove: [] };
  for (const row of upstream) {
    const current = byKey.get(templateKey(row));
    if (!current) plan.add.push(row);
    else if (current.source !== 'sync' || !sameTemplate(current, row)) plan.update.push(row);
    else plan.unchanged += 1;
  }
  // A template LINK's word put here is removed when LINK no longer lists it, unless it came through
  // the pass-through after the lists were read: it exists, the lists are older than it.
  plan.remove = known.filter(
    (template) =>
      template.source !== 'admin' &&
      !listed.has(templateKey(template)) &&
      !(template.source === 'proxy' && listedAt && template.updatedAt && template.updatedAt >= listedAt),
  );
  return plan;
}

function sameTemplate(a: TemplateRow, b: TemplateRow): boolean {
  return (
    a.category === b.category &&
    a.otpType === b.otpType &&
    a.status === b.status &&
    a.templateId === b.templateId &&
    a.requestsContactInfo === b.requestsContactInfo
  );
}
