import { portfolioApi } from '../api.js';
import { confirmAction } from '../confirm.js';
import { isFuture, shortId, timeLeft, when } from '../format.js';
import { identifier, revealButton } from '../identifiers.js';
import { html, nothing } from '../lit.js';
import { mask } from '../mask.js';
import { href, isAdmin, navigateWithNotice, notify, refresh, state } from '../state.js';
import { timeline } from './timeline.js';

/** @type {{ contact: object | null, activity: object[], history: object[], nextCursor: string | null, failure: string }} */
let data = { contact: null, activity: [], history: [], nextCursor: null, failure: '' };

export async function enter(route) {
  data = { contact: null, activity: [], history: [], nextCursor: null, failure: '' };
  refresh();
  const api = portfolioApi(route.portfolio);
  try {
    const contact = await api.contact(route.id);
    // A merged-away id answers with the survivor: show the survivor under its own id.
    if (contact.id !== route.id) return location.replace(href('person', route.portfolio, contact.id));
    const [activity, history] = await Promise.all([api.activity(contact.id), isAdmin() ? api.history(contact.id) : null]);
    data = { ...data, contact, activity: activity.businessNumbers, history: history?.items ?? [], nextCursor: history?.nextCursor ?? null };
  } catch (error) {
    data.failure = error.status === 404 ? 'No one is known by this id in this portfolio (erased, or never seen).' : error.message;
  }
}

async function loadOlder() {
  const page = await portfolioApi(state.route.portfolio).history(data.contact.id, data.nextCursor);
  data = { ...data, history: [...data.history, ...page.items], nextCursor: page.nextCursor };
  refresh();
}

/** BSUIDs this person held before (Meta issues a new one when a user changes number), from the history's unlinks. */
function pastBsuids(contact, history) {
  const past = history.filter((item) => item.field === 'bsuid' && item.action === 'unlinked' && item.from && item.from !== contact.bsuid);
  return [...new Set(past.map((item) => item.from))];
}

/** Contacts merged into this one, as far as the loaded history names them. */
function mergedContacts(contact, history) {
  return [...new Set(history.map((item) => item.contactId).filter((id) => id !== contact.id))];
}

async function split(item) {
  const { contact } = data;
  const mergedId = item.contactId === contact.id ? item.otherContactId : item.contactId;
  const brought = data.history.filter((row) => row.action === 'linked' && row.otherContactId === mergedId && row.eventAt === item.eventAt);
  const yes = await confirmAction({
    title: 'Split this merge?',
    confirmLabel: 'Split the merge',
    lines: [
      html`Undoes history row <code>#${item.id}</code>, the merge of contact <code>${mergedId}</code> into this contact on
        ${when(item.eventAt)}.`,
      html`Contact <code>${shortId(mergedId)}</code> comes back as its own person with the identifiers it brought
        (${brought.length ? brought.map((row, index) => html`${index ? ', ' : ''}${row.field} ${identifier(row.to, contact.id)}`) : 'none'}),
        its own history and activity; an identifier later evidence gave to a third contact stays there.`,
      html`This contact keeps everything else. The split is written to both histories with your key's name.`,
    ],
  });
  if (!yes) return;
  try {
    const result = await portfolioApi(state.route.portfolio).split(contact.id, item.id);
    notify(
      'ok',
      `Split done: contact ${shortId(result.restored.id)} is back with its ${result.restoredIdentifiers.join(', ') || 'history only'}.`,
    );
    await enter(state.route);
    refresh();
  } catch (error) {
    notify('error', `Split refused: ${error.message}`);
  }
}

async function erase() {
  const { contact } = data;
  const merged = mergedContacts(contact, data.history);
  const held = ['msisdn', 'bsuid', 'parentBsuid'].filter((field) => contact[field]).map((field) => `${field} ${mask(contact[field])}`);
  const yes = await confirmAction({
    title: 'Erase this person?',
    confirmLabel: 'Erase for good',
    lines: [
      html`Deletes contact <code>${contact.id}</code>${merged.length ? html` and the ${merged.length} contact(s) merged into it` : ''}.`,
      html`Removes its identifiers: ${held.join(', ') || 'none'}${contact.externalId ? `, and external id ${contact.externalId}` : ''}.`,
      html`Deletes its history, conflicts, exchanges, the messages sent to it through the proxy and the contact-book entries of its phones;
      other people's history keeps the events without the values.`,
      html`This cannot be undone. A later webhook may learn the person again, as a new contact.`,
    ],
  });
  if (!yes) return;
  try {
    const report = await portfolioApi(state.route.portfolio).erase(contact.id);
    state.revealed.delete(contact.id);
    navigateWithNotice(
      href('contacts', state.route.portfolio),
      'ok',
      `Erased ${report.contactIds.length} contact(s): ${report.identifiers.map((item) => `${item.field} ${item.value}`).join(', ') || 'no identifiers'}; ` +
        `${report.historyRows} history rows, ${report.conflicts} conflicts, ${report.exchanges} exchanges.`,
    );
  } catch (error) {
    notify('error', `Erasure refused: ${error.message}`);
  }
}

function deadline(iso, openLabel, closedLabel) {
  if (!iso) return html`<span class="none">${closedLabel}</span>`;
  return html`<span class=${isFuture(iso) ? 'open' : 'closed'}>${isFuture(iso) ? openLabel : closedLabel}, ${timeLeft(iso)}</span>
    <small>(${when(iso)})</small>`;
}

function visibility(row) {
  if (row.phoneVisibility === null) return html`<span class="none">no phone known</span>`;
  if (row.phoneVisibility === 'contactBook') return html`<span class="open">in the contact book since ${when(row.contactBookAt)}</span>`;
  if (row.phoneVisibility === 'none') return html`<span class="closed">no exchange seen: the phone may not arrive</span>`;
  return deadline(row.phoneVisibleUntil, 'arrives', 'stopped');
}

/** The user's latest choice from Meta's user_preferences: a marketing template skips them when the send policy says so. */
function marketing(choice) {
  if (!choice) return html`<span class="none">no choice received</span>`;
  if (choice.optedOut) return html`<span class="closed">opted out</span> <small>(${when(choice.at)})</small>`;
  return html`<span class="open">resumed</span> <small>(${when(choice.at)})</small>`;
}

function facts(contact, history) {
  const past = pastBsuids(contact, history);
  return html`<dl class="facts">
    <dt>Phone</dt>
    <dd>${identifier(contact.msisdn, contact.id)}</dd>
    <dt>BSUID</dt>
    <dd>${identifier(contact.bsuid, contact.id)}</dd>
    <dt>Parent BSUID</dt>
    <dd>${identifier(contact.parentBsuid, contact.id)}</dd>
    <dt>Past BSUIDs</dt>
    <dd>
      ${!isAdmin() ? html`<span class="none">needs the admin role (history)</span>` : past.length ? past.map((value) => html`${identifier(value, contact.id)} `) : html`<span class="none">none</span>`}
    </dd>
    <dt>Username</dt>
    <dd>${identifier(contact.username, contact.id)}</dd>
    <dt>Status</dt>
    <dd>${contact.status}</dd>
    <dt>Marketing</dt>
    <dd>${marketing(contact.marketing)}</dd>
    <dt>External id</dt>
    <dd>${contact.externalId ?? html`<span class="none">none</span>`}</dd>
    <dt>Send to</dt>
    <dd>
      ${contact.sendTo ? html`${contact.sendToKind} ${identifier(contact.sendTo, contact.id)}` : html`<span class="none">nothing</span>`}
      <p class="why">${contact.sendToReason}</p>
    </dd>
    <dt>Care window</dt>
    <dd>${deadline(contact.careWindowOpenUntil, 'open', 'closed')}</dd>
    <dt>Phone visibility</dt>
    <dd>${visibility(contact)}</dd>
    <dt>First seen</dt>
    <dd>${when(contact.firstSeenAt)}</dd>
    <dt>Updated</dt>
    <dd>${when(contact.updatedAt)}</dd>
  </dl>`;
}

function activityTable(rows) {
  if (rows.length === 0) return html`<p class="none">No exchange with any business number was seen.</p>`;
  return html`<div class="table-wrap">
    <table>
      <caption>
        Per business number
      </caption>
      <thead>
        <tr>
          <th scope="col">Business number</th>
          <th scope="col">Care window</th>
          <th scope="col">Phone visibility</th>
          <th scope="col">Last in / out</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr>
              <th scope="row"><code>${row.businessNumber}</code></th>
              <td>${deadline(row.careWindowOpenUntil, 'open', 'closed')}</td>
              <td>${visibility(row)}</td>
              <td>${when(row.lastInboundAt)} / ${when(row.lastOutboundAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function view(route) {
  const { contact, failure, history } = data;
  if (failure)
    return html`<h1 id="page-title" tabindex="-1">Person</h1>
      <p class="notice error" role="alert">${failure}</p>
      <p><a href=${href('contacts', route.portfolio)}>Back to the people of ${route.portfolio}</a></p>`;
  if (!contact)
    return html`<h1 id="page-title" tabindex="-1">Person</h1>
      <p aria-busy="true">Loading…</p>`;
  return html`<h1 id="page-title" tabindex="-1">Person <code title=${contact.id}>${shortId(contact.id)}</code></h1>
    <div class="toolbar">
      ${revealButton(contact.id)}
      ${isAdmin() ? html`<button type="button" class="danger" @click=${erase}>Erase this person…</button>` : nothing}
    </div>
    <div class="columns">
      <section aria-labelledby="facts-title">
        <h2 id="facts-title">Identifiers and state</h2>
        ${facts(contact, history)}
      </section>
      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Care window and phone visibility</h2>
        ${activityTable(data.activity)}
      </section>
    </div>
    <section aria-labelledby="history-title">
      <h2 id="history-title">History, newest first</h2>
      ${
        isAdmin()
          ? html`${timeline({ contactId: contact.id, items: history, onSplit: split })}
            ${data.nextCursor ? html`<button type="button" class="secondary" @click=${loadOlder}>Older changes</button>` : nothing}`
          : html`<p class="none">The history and its evidence need a key with the admin role.</p>`
      }
    </section>`;
}
