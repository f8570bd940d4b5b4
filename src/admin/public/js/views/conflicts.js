import { portfolioApi } from '../api.js';
import { shortId, when } from '../format.js';
import { identifier, revealButton } from '../identifiers.js';
import { html, nothing } from '../lit.js';
import { href, isAdmin, notify, refresh, state } from '../state.js';

const STATUSES = ['open', 'kept', 'accepted', 'withdrawn'];
const FIELDS = { msisdn: 'phone', bsuid: 'BSUID', parentBsuid: 'parent BSUID' };

let data = { items: [], nextCursor: null, failure: '', loading: false };

export async function enter(route) {
  data = { items: [], nextCursor: null, failure: '', loading: true };
  refresh();
  try {
    const page = await portfolioApi(route.portfolio).conflicts(statusOf(route), route.params.get('cursor'));
    data = { ...data, ...page };
  } catch (error) {
    data.failure = error.message;
  } finally {
    data.loading = false;
  }
}

const statusOf = (route) => (STATUSES.includes(route.params.get('status')) ? route.params.get('status') : 'open');

async function settle(conflict, resolution) {
  try {
    const settled = await portfolioApi(state.route.portfolio).settle(conflict.id, resolution);
    data.items = data.items.map((item) => (item.id === settled.id ? settled : item));
    notify('ok', `Conflict #${settled.id} ${settled.status === 'kept' ? 'kept the existing link' : 'accepted the claim'}.`);
  } catch (error) {
    notify('error', `Conflict #${conflict.id} not settled: ${error.message}`);
  }
}

/**
 * One side of a conflict: the value, the contact holding it now, and where it came from. Both sides
 * are revealed together, with the contact the conflict is about.
 */
function side(revealKey, title, value, contact, details) {
  return html`<div class="side">
    <h3>${title}</h3>
    <p class="value">${value ? identifier(value, revealKey) : html`<span class="none">nothing</span>`}</p>
    ${
      contact
        ? html`<p>
            Held by <a href=${href('person', contact.portfolio, contact.id)} title=${contact.id}>contact ${shortId(contact.id)}</a>: phone
            ${identifier(contact.msisdn, revealKey)}, BSUID ${identifier(contact.bsuid, revealKey)}
          </p>`
        : html`<p class="none">No other contact holds it.</p>`
    }
    ${details}
  </div>`;
}

function evidence(conflict) {
  const { evidence: e } = conflict;
  return html`<dl class="evidence">
    <dt>Kind</dt>
    <dd>${e.kind}</dd>
    ${
      e.messageId
        ? html`<dt>Message id</dt>
            <dd><code>${e.messageId}</code></dd>`
        : nothing
    }
    ${
      e.importBatch
        ? html`<dt>Import batch</dt>
            <dd><code>${e.importBatch}</code></dd>`
        : nothing
    }
    ${
      e.admin
        ? html`<dt>Admin key</dt>
            <dd>${e.admin}</dd>`
        : nothing
    }
    <dt>Strength</dt>
    <dd>${conflict.strength}</dd>
    <dt>Event time</dt>
    <dd>${when(conflict.eventAt)}</dd>
  </dl>`;
}

function card(conflict) {
  const field = FIELDS[conflict.field] ?? conflict.field;
  const revealKey = conflict.contact?.id ?? `conflict-${conflict.id}`;
  const outcome =
    conflict.status === 'open'
      ? nothing
      : html`<p class="outcome" role="note">
          <strong>${conflict.status}</strong
          >${conflict.settledBy ? ` by ${conflict.settledBy}` : ''}${conflict.settledAt ? ` on ${when(conflict.settledAt)}` : ''}
        </p>`;
  return html`<article class="conflict" aria-labelledby="conflict-${conflict.id}" data-conflict=${conflict.id}>
    <h2 id="conflict-${conflict.id}">Conflict #${conflict.id}: ${field}</h2>
    <div class="toolbar">${revealButton(revealKey)}</div>
    <div class="sides">
      ${side(revealKey, `Existing ${field}`, conflict.existingValue, conflict.contact, html`<p class="why">What the contact held when the claim came.</p>`)}
      ${side(revealKey, `Claimed ${field}`, conflict.claimedValue, conflict.otherContact, evidence(conflict))}
    </div>
    ${outcome}
    ${
      conflict.status === 'open' && isAdmin()
        ? html`<div class="actions">
            <button type="button" class="secondary" @click=${() => settle(conflict, 'keep')}>Keep the existing link</button>
            <button type="button" @click=${() => settle(conflict, 'accept')}>Accept the claim</button>
          </div>`
        : nothing
    }
  </article>`;
}

export function view(route) {
  const status = statusOf(route);
  const tab = (value) =>
    html`<a
      href=${href('conflicts', route.portfolio, null, new URLSearchParams({ status: value }))}
      aria-current=${value === status ? 'page' : 'false'}
      >${value}</a
    >`;
  const next = data.nextCursor ? new URLSearchParams({ status, cursor: data.nextCursor }) : null;
  return html`<h1 id="page-title" tabindex="-1">Conflicts in ${route.portfolio}</h1>
    <nav class="tabs" aria-label="Conflict status">${STATUSES.map(tab)}</nav>
    ${data.failure ? html`<p class="notice error" role="alert">${data.failure}</p>` : nothing}
    ${data.loading ? html`<p aria-busy="true">Loading…</p>` : nothing}
    ${!data.loading && !data.failure && data.items.length === 0 ? html`<p class="none">No ${status} conflicts.</p>` : nothing}
    ${data.items.map(card)}
    ${next ? html`<nav class="pager" aria-label="Pages"><a class="button" href=${href('conflicts', route.portfolio, null, next)}>Older conflicts</a></nav>` : nothing}`;
}
