import type { TemplateRow } from './template-list';
import { KnownTemplate, planTemplateSync } from './template-sync';

const row = (name: string, over: Partial<TemplateRow> = {}): TemplateRow => ({
  name,
  language: 'en',
  category: 'UTILITY',
  otpType: null,
  status: 'APPROVED',
  ...over,
});
const known = (name: string, source: 'admin' | 'sync', over: Partial<TemplateRow> = {}): KnownTemplate => ({ ...row(name, over), source });

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

  it('tells languages apart', () => {
    const plan = planTemplateSync([known('a', 'sync', { language: 'sv' })], [row('a', { language: 'en' })]);
    expect(plan).toEqual({ add: [row('a')], update: [], unchanged: 0, remove: [known('a', 'sync', { language: 'sv' })] });
  });
});
