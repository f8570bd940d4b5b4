import type { TestApp } from './test-app';

/** The identifiers the import specs write: two phones, two BSUIDs and a parent BSUID, all of acme's country. */
export const PHONE = '+46701234567';
export const PHONE2 = '+46709876543';
export const B = 'SE.13491208655302741918';
export const B2 = 'SE.24681357924681357924';
export const P = 'SE.ENT.11815799212886844830';

/** A contact row as the import left it, with the strength of each link. */
export interface StoredContact {
  id: string;
  msisdn: string | null;
  bsuid: string | null;
  parent_bsuid: string | null;
  msisdn_strength: string | null;
  bsuid_strength: string | null;
  parent_bsuid_strength: string | null;
  external_id: string | null;
  merged_into: string | null;
}

/** A report with nothing in it: each test names the counts it expects. */
export const report = (
  counts: Partial<Record<'rows' | 'created' | 'updated' | 'unchanged' | 'conflicts' | 'invalid', number>>,
  problems: unknown[] = [],
) => ({
  batchId: expect.any(String),
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  conflicts: 0,
  invalid: 0,
  ...counts,
  problems,
});

/** The whole view of a contact known only from an import: no activity, so no windows. */
export const imported = (fields: Partial<Record<'id' | 'msisdn' | 'bsuid' | 'parentBsuid' | 'externalId', string | null>>) => {
  const view = { msisdn: null, bsuid: null, parentBsuid: null, externalId: null, ...fields };
  const kind = view.msisdn ? 'msisdn' : view.bsuid ? 'bsuid' : 'parentBsuid';
  return {
    id: expect.any(String),
    portfolio: 'acme',
    ...view,
    status: 'active',
    firstSeenAt: expect.any(String),
    updatedAt: expect.any(String),
    lastInboundAt: null,
    lastOutboundAt: null,
    careWindowOpenUntil: null,
    phoneVisibleUntil: null,
    // No exchange with an imported phone was seen: nothing keeps it arriving.
    phoneVisibility: view.msisdn ? 'none' : null,
    contactBookAt: null,
    username: null,
    marketing: null,
    sendTo: view[kind],
    sendToKind: kind,
    sendToReason: expect.any(String),
  };
};

/**
 * What an import wrote, read straight from the database. Takes a getter because specs create their
 * TestApp in `beforeAll`, after these helpers are defined.
 */
export function importedRows(app: () => TestApp) {
  const stored = (): Promise<StoredContact[]> =>
    app().dataSource.query(
      `SELECT id, msisdn, bsuid, parent_bsuid, msisdn_strength, bsuid_strength, parent_bsuid_strength, external_id, merged_into
       FROM contact WHERE portfolio = 'acme' ORDER BY first_seen_at, id`,
    );
  /** Every column of every contact but updated_at, which has a test of its own (see "updatedAt" in import.e2e-spec.ts). */
  const contactRows = async (): Promise<Record<string, unknown>[]> =>
    (await app().dataSource.query('SELECT * FROM contact ORDER BY id')).map(({ updated_at: _, ...row }: Record<string, unknown>) => row);
  const everything = async () => ({
    contacts: await contactRows(),
    history: await app().dataSource.query('SELECT * FROM link_history ORDER BY id'),
    conflicts: await app().dataSource.query('SELECT * FROM link_conflict ORDER BY id'),
  });
  return { stored, contactRows, everything };
}
