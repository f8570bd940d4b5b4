import { call } from './api.js';
import { html, nothing, render } from './lit.js';
import { forgetCredentials, storedCredentials } from './session.js';
import { href, isAdmin, refresh, setRenderer, state } from './state.js';
import * as conflicts from './views/conflicts.js';
import * as contacts from './views/contacts.js';
import * as person from './views/person.js';
import * as signIn from './views/sign-in.js';
import * as stats from './views/stats.js';

/** The pages, by the name in `#/p/{portfolio}/{page}`: each loads its data on `enter` and draws it in `view`. */
const PAGES = { contacts, person, conflicts, stats };

const root = document.getElementById('app');

function readRoute() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const [, scope, portfolio, page, id] = path.split('/');
  if (scope !== 'p' || !portfolio || !(page in PAGES)) return { page: 'home', portfolio: null, id: null, params: new URLSearchParams() };
  return { page, portfolio: decodeURIComponent(portfolio), id: id ? decodeURIComponent(id) : null, params: new URLSearchParams(search) };
}

async function onRouteChange() {
  state.route = readRoute();
  state.notice = state.nextNotice;
  state.nextNotice = null;
  const { page, portfolio } = state.route;
  if (!state.key) return refresh();
  if (page === 'home' || !state.key.portfolios.includes(portfolio)) {
    const first = state.key.portfolios[0];
    if (first) location.replace(href('contacts', first));
    else refresh();
    return;
  }
  refresh();
  // Move focus to the new page's heading, as a screen reader expects after navigation.
  document.getElementById('page-title')?.focus();
  await PAGES[page].enter(state.route);
  refresh();
}

function signOut() {
  forgetCredentials();
  state.key = null;
  state.revealed.clear();
  location.hash = '#/';
  refresh();
}

function portfolioPicker() {
  const { portfolio, page } = state.route;
  const choose = (event) => (location.hash = href(page === 'person' ? 'contacts' : page, event.target.value));
  return html`<label class="picker"
    >Portfolio
    <select @change=${choose}>
      ${state.key.portfolios.map((key) => html`<option .value=${key} ?selected=${key === portfolio}>${key}</option>`)}
    </select></label
  >`;
}

function navigation() {
  const { portfolio, page } = state.route;
  const link = (target, label) =>
    html`<a
      href=${href(target, portfolio)}
      aria-current=${page === target || (target === 'contacts' && page === 'person') ? 'page' : 'false'}
      >${label}</a
    >`;
  return html`<nav aria-label="Sections">
    ${link('contacts', 'People')} ${isAdmin() ? link('conflicts', 'Conflicts') : nothing} ${link('stats', 'Stats')}
  </nav>`;
}

function shell() {
  if (!state.key) return signIn.view();
  const { page, portfolio } = state.route;
  const content =
    page in PAGES && portfolio
      ? PAGES[page].view(state.route)
      : html`<h1 id="page-title" tabindex="-1">No portfolio</h1>
          <p>This key reaches no portfolio yet.</p>`;
  return html`<header class="top">
      <span class="brand">Contact Book</span>
      ${portfolio ? portfolioPicker() : nothing} ${portfolio ? navigation() : nothing}
      <span class="who">Signed in as <strong>${state.key.name}</strong> (${state.key.roles.join(', ')})</span>
      <button type="button" class="secondary" @click=${signOut}>Sign out</button>
    </header>
    <div class="notice-area" role="status" aria-live="polite">
      ${state.notice ? html`<p class="notice ${state.notice.kind}">${state.notice.text}</p>` : nothing}
    </div>
    <main id="content">${content}</main>`;
}

setRenderer(() => render(shell(), root));
signIn.onSignedIn(() => onRouteChange());
window.addEventListener('hashchange', () => void onRouteChange());

/** A tab that signed in before (a reload) asks the service again what its key may do. */
async function start() {
  if (storedCredentials()) {
    try {
      state.key = await call('GET', '/v1/key');
    } catch {
      forgetCredentials();
    }
  }
  await onRouteChange();
}

void start();
