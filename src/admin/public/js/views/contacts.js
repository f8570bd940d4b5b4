import { portfolioApi } from '../api.js';
import { shortId, timeLeft, when } from '../format.js';
import { identifier } from '../identifiers.js';
import { html, nothing } from '../lit.js';
import { mask } from '../mask.js';
import { href, notify, refresh, state } from '../state.js';

/** The list's filters as the API names them; the page keeps them in its URL, so a filtered list can be bookmarked. */
const FILTERS = [
  'hasPhone',
  'bsuidOnly',
  'status',
  'inConflict',
  'careWindowOpen',
  'phoneVisibilityEndsWithinDays',
  'country',
  'limit',
  'cursor',
];

let page = { items: [], nextCursor: null };
let loading = false;
let failure = '';

export async function enter(route) {
  loading = true;
  failure = '';
  refresh();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, route.params.get(name)]));
  try {
    page = await portfolioApi(route.portfolio).list({ ...filters, limit: filters.limit ?? 50 });
  } catch (error) {
    page = { items: [], nextCursor: null };
    failure = error.message;
  } finally {
    loading = false;
  }
}

/** Finds one person by anything the API's look-up takes, and opens their page. */
async function search(event) {
  event.preventDefault();
  const input = String(new FormData(event.target).get('identifier')).trim();
  if (!input) return;
  const { portfolio } = state.route;
  try {
    const contact = await portfolioApi(portfolio).contact(input);
    location.hash = href('person', portfolio, contact.id);
  } catch (error) {
    notify('error', error.status === 404 ? `No one in ${portfolio} is known by ${mask(input)}.` : error.message);
  }
}

function applyFilters(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.get(name);
    if (value) params.set(name, String(value));
  }
  location.hash = href('contacts', state.route.portfolio, null, params);
}

function pageAfter(cursor) {
  const params = new URLSearchParams(state.route.params);
  if (cursor) params.set('cursor', cursor);
  else params.delete('cursor');
  return href('contacts', state.route.portfolio, null, params);
}

function filterForm(params) {
  const checked = (name, value = 'true') => params.get(name) === value;
  const selectOption = (name, value, label) =>
    html`<option value=${value} ?selected=${(params.get(name) ?? '') === value}>${label}</option>`;
  return html`<form class="filters" @submit=${applyFilters} aria-label="Filters">
    <span class="field"
      ><label for="filter-has-phone">Phone number</label>
      <select id="filter-has-phone" name="hasPhone">
        ${selectOption('hasPhone', '', 'any')} ${selectOption('hasPhone', 'true', 'has a phone')}
        ${selectOption('hasPhone', 'false', 'no phone')}
      </select></span
    >
    <label class="check"><input type="checkbox" name="bsuidOnly" value="true" ?checked=${checked('bsuidOnly')} /> BSUID only</label>
    <label class="check"><input type="checkbox" name="status" value="invalid" ?checked=${checked('status', 'invalid')} /> Invalid</label>
    <label class="check"><input type="checkbox" name="inConflict" value="true" ?checked=${checked('inConflict')} /> In conflict</label>
    <label class="check"
      ><input type="checkbox" name="careWindowOpen" value="true" ?checked=${checked('careWindowOpen')} /> Care window open</label
    >
    <label
      >Phone visibility ends within (days)
      <input
        name="phoneVisibilityEndsWithinDays"
        type="number"
        min="0"
        max="30"
        inputmode="numeric"
        .value=${params.get('phoneVisibilityEndsWithinDays') ?? ''}
    /></label>
    <label
      >Country <input name="country" size="3" maxlength="2" pattern="[A-Za-z]{2}" placeholder="SE" .value=${params.get('country') ?? ''}
    /></label>
    <span class="field"
      ><label for="filter-limit">Per page</label>
      <select id="filter-limit" name="limit">
        ${['25', '50', '100', '500'].map((size) => html`<option value=${size} ?selected=${(params.get('limit') ?? '50') === size}>${size}</option>`)}
      </select></span
    >
    <button type="submit">Apply filters</button>
    <a class="button secondary" href=${href('contacts', state.route.portfolio)}>Clear</a>
  </form>`;
}

function row(contact) {
  return html`<tr>
    <td><a href=${href('person', contact.portfolio, contact.id)} title=${contact.id}>${shortId(contact.id)}</a></td>
    <td>${identifier(contact.msisdn, contact.id)}</td>
    <td>${identifier(contact.bsuid, contact.id)}</td>
    <td>${contact.status}</td>
    <td>${contact.sendToKind ?? '—'}</td>
    <td>${contact.careWindowOpenUntil ? timeLeft(contact.careWindowOpenUntil) : '—'}</td>
    <td>${when(contact.updatedAt)}</td>
  </tr>`;
}

export function view(route) {
  const { params } = route;
  return html`<h1 id="page-title" tabindex="-1">People in ${route.portfolio}</h1>
    <form class="search" role="search" @submit=${search}>
      <label for="identifier">Find a person by phone number (any written form), BSUID, parent BSUID or contact id</label>
      <div class="row">
        <input id="identifier" name="identifier" type="search" autocomplete="off" spellcheck="false" placeholder="0046 70 123 45 67" />
        <button type="submit">Find</button>
      </div>
    </form>
    ${filterForm(params)} ${failure ? html`<p class="notice error" role="alert">${failure}</p>` : nothing}
    <div class="table-wrap">
      <table aria-busy=${loading ? 'true' : 'false'}>
        <caption>
          ${loading ? 'Loading…' : `${page.items.length} people on this page${params.get('cursor') ? '' : ' (first page)'}`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Phone</th>
            <th scope="col">BSUID</th>
            <th scope="col">Status</th>
            <th scope="col">Send to</th>
            <th scope="col">Care window</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          ${page.items.map(row)}
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      ${params.get('cursor') ? html`<a class="button secondary" href=${pageAfter(null)}>First page</a>` : nothing}
      ${page.nextCursor ? html`<a class="button" href=${pageAfter(page.nextCursor)}>Next page</a>` : nothing}
    </nav>`;
}
