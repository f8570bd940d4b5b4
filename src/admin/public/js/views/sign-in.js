import { call } from '../api.js';
import { html } from '../lit.js';
import { storeCredentials } from '../session.js';
import { refresh, state } from '../state.js';

let error = '';
let busy = false;
let signedIn = () => undefined;

/** @param {() => void} callback what follows a successful sign-in (the route is read again) */
export function onSignedIn(callback) {
  signedIn = callback;
}

async function submit(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const credentials = { name: String(form.get('name')).trim(), secret: String(form.get('secret')) };
  busy = true;
  error = '';
  refresh();
  try {
    // The service says what this key is and reaches; the console offers no more than that.
    state.key = await call('GET', '/v1/key', { credentials });
    storeCredentials(credentials);
    signedIn();
  } catch (failure) {
    error = failure.status === 401 ? 'No key with this name and secret.' : failure.message;
  } finally {
    busy = false;
    refresh();
  }
}

export function view() {
  return html`<main id="content" class="sign-in">
    <h1 id="page-title" tabindex="-1">Contact Book admin</h1>
    <p>
      Sign in with an API key. The key is kept only for this browser tab, and the console can see and do exactly what the key may do through
      the API.
    </p>
    <form @submit=${submit}>
      <label>Key name <input name="name" autocomplete="username" required /></label>
      <label>Secret <input name="secret" type="password" autocomplete="current-password" required /></label>
      <button type="submit" ?disabled=${busy}>Sign in</button>
      ${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
    </form>
  </main>`;
}
