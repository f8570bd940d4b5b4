import { shortId, when } from '../format.js';
import { identifier } from '../identifiers.js';
import { html, nothing } from '../lit.js';

/** What each history action means, in an admin's words. */
const ACTIONS = {
  created: 'Contact created',
  linked: 'Linked',
  unlinked: 'Unlinked',
  confirmed: 'Confirmed',
  merged: 'Merged',
  stale: 'Ignored as older than the link it would undo',
  conflict: 'Conflict raised',
  split: 'Merge split',
  settled: 'Conflict settled',
};

const FIELDS = { msisdn: 'phone', bsuid: 'BSUID', parentBsuid: 'parent BSUID' };

/** The evidence of a change, each part the API gives: webhook kind and messageId, business number, import batch, admin key. */
function evidence(item) {
  const parts = [
    ['Kind', item.evidence.kind],
    ['Message id', item.evidence.messageId],
    ['Business number', item.evidence.businessNumber],
    ['Result code', item.evidence.resultCode],
    ['Import batch', item.evidence.importBatch],
    ['Admin key', item.evidence.admin],
    ['Conflict', item.evidence.conflictId],
    ['Merge row', item.evidence.mergeEntryId],
  ].filter(([, value]) => value !== undefined && value !== null);
  return html`<dl class="evidence">
    ${parts.map(
      ([label, value]) =>
        html`<dt>${label}</dt>
          <dd><code>${value}</code></dd>`,
    )}
    <dt>Strength</dt>
    <dd>${item.strength}</dd>
    <dt>Event time</dt>
    <dd>${when(item.eventAt)}</dd>
    <dt>Recorded</dt>
    <dd>${when(item.recordedAt)}</dd>
  </dl>`;
}

/** Merge rows already undone by a later split (its evidence names the merge row). */
export function splitMergeRows(items) {
  return new Set(items.filter((item) => item.action === 'split' && item.evidence.mergeEntryId).map((item) => item.evidence.mergeEntryId));
}

/**
 * The history newest first, as the API gives it; rows of contacts merged into this one are folded
 * in and marked with the contact they were written on.
 * @param {{ contactId: string, items: object[], onSplit?: (item: object) => void }} options
 */
export function timeline({ contactId, items, onSplit }) {
  const undone = splitMergeRows(items);
  return html`<ol class="timeline">
    ${items.map((item) => {
      const change =
        item.field !== null
          ? html`<span class="change"
              >${FIELDS[item.field] ?? item.field}: ${identifier(item.from, contactId)} → ${identifier(item.to, contactId)}</span
            >`
          : nothing;
      const folded =
        item.contactId !== contactId
          ? html`<span class="tag" title=${item.contactId}>merged contact ${shortId(item.contactId)}</span>`
          : nothing;
      const other = item.otherContactId
        ? html`<span class="tag" title=${item.otherContactId}>with contact ${shortId(item.otherContactId)}</span>`
        : nothing;
      const split =
        onSplit && item.action === 'merged' && !undone.has(item.id)
          ? html`<button type="button" class="danger small" @click=${() => onSplit(item)}>Split this merge…</button>`
          : nothing;
      return html`<li class="event ${item.action}" data-entry=${item.id}>
        <div class="head">
          <time datetime=${item.eventAt}>${when(item.eventAt)}</time>
          <strong>${ACTIONS[item.action] ?? item.action}</strong> ${change} ${folded} ${other} ${split}
        </div>
        ${evidence(item)}
      </li>`;
    })}
  </ol>`;
}
