/**
 * The signed-in key, kept in sessionStorage: it lives as long as the browser tab and is never
 * written to disk by the page, nor shared with other tabs.
 */
const STORAGE_KEY = 'contact-book-admin-key';

/** @typedef {{ name: string, secret: string }} Credentials */

/** @returns {Credentials | null} */
export function storedCredentials() {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw);
    return typeof parsed?.name === 'string' && typeof parsed?.secret === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** @param {Credentials} credentials */
export function storeCredentials(credentials) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function forgetCredentials() {
  sessionStorage.removeItem(STORAGE_KEY);
}
