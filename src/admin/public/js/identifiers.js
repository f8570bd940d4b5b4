import { html } from './lit.js';
import { mask } from './mask.js';
import { mayRead, refresh, state } from './state.js';

/**
 * A phone number or BSUID as the logs show it, in full only once the admin revealed the contact.
 * @param {string | null} value
 * @param {string} contactId the contact whose reveal shows it
 */
export function identifier(value, contactId) {
  if (!value) return html`<span class="none">none</span>`;
  const revealed = state.revealed.has(contactId);
  return html`<code class="identifier" data-masked=${revealed ? 'false' : 'true'}>${revealed ? value : mask(value)}</code>`;
}

/**
 * The per-contact switch between masked and full identifiers, for the keys the API already answers
 * in full (read and admin): masking on screen guards against shoulder-surfing and screenshots, not against the key.
 * @param {string} contactId
 */
export function revealButton(contactId) {
  if (!mayRead()) return null;
  const revealed = state.revealed.has(contactId);
  const toggle = () => {
    if (revealed) state.revealed.delete(contactId);
    else state.revealed.add(contactId);
    refresh();
  };
  return html`<button type="button" class="secondary" aria-pressed=${revealed ? 'true' : 'false'} @click=${toggle}>
    ${revealed ? 'Mask identifiers' : 'Reveal identifiers'}
  </button>`;
}
