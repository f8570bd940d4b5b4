import type { TemplateRow } from './template-list';
import { KnownTemplate, planTemplateSync } from './template-sync';

const row = (name: string, over: Partial<TemplateRow> = {}): TemplateRow => ({
  name,
  language: 'en',
  category: 'UTILITY',
  otpType: null,
  status: 'APPROVED',
  templateId: null,
  requestsContactInfo: false,
  ...over,
});
const known = (name: string, source: KnownTemplate['source'], over: Partial<KnownTemplate> = {}): KnownTemplate => ({
  ...row(name, over),
  source,
  ...(over.updatedAt ? { updatedAt: over.updatedAt } : {}),
});

describe(planTemplateSync.name, () => {
  it('adds what is new, updates what changed, counts what did not', () => {
    const plan = planTemplateSync(
      [known('same', 'sync'), known('paused', 'sync'), known('recategorised', 'sync')],
      [row('same'), row('paused', { status: 'PAUSED' }), row('recategorised', { category: 'MARKETING' }), row('fresh')],
    );
    expect(plan).toEqual({
      add: [row('fresh')],
      update: [row('paused', { status: 'PAUSED' }), row('recategorised', { category: 'MARKETING' })],
      unchanged: 1,
      remove: [],
    });
  });

  it("takes over an admin's template that LINK lists, even unchanged", () => {
    expect(planTemplateSync([known('a', 'admin')], [row('a')])).toEqual({ add: [], update: [row('a')], unchanged: 0, remove: [] });
  });

  it('removes synced templates LINK no longer lists, never admin-entered ones', () => {
    const plan = planTemplateSync([known('gone', 'sync'), known('mine', 'admin'), known('kept', 'sync')], [row('kept')]);
    expect(plan).toEqual({ add: [], update: [], unchanged: 1, remove: [known('gone', 'sync')] });
  });

  it('removes a template created through the pass-through that LINK no longer lists, unless it came after the lists were read', () => {
    const listedAt = new Date('2026-06-01T10:00:00Z');
    const before = known('gone', 'proxy', { updatedAt: new Date('2026-06-01T09:00:00Z') });
    const after = known('fresh', 'proxy', { updatedAt: new Date('2026-06-01T10:00:01Z') });
    expect(planTemplateSync([before, after], [], listedAt)).toEqual({ add: [], update: [], unchanged: 0, remove: [before] });
  });

  it('takes over a template created through the pass-through once LINK lists it, and learns its id', () => {
    const listed = row('a', { templateId: '42' });
    expect(planTemplateSync([known('a', 'proxy', { templateId: '42' })], [listed])).toEqual({
      add: [],
      update: [listed],
      unchanged: 0,
      remove: [],
    });
    expect(planTemplateSync([known('a', 'sync')], [listed]).update).toEqual([listed]);
  });

  it('tells languages apart', () => {
    const plan = planTemplateSync([known('a', 'sync', { language: 'sv' })], [row('a', { language: 'en' })]);
    expect(plan).toEqual({ add: [row('a')], update: [], unchanged: 0, remove: [known('a', 'sync', { language: 'sv' })] });
  });
});
