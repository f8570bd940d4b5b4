/**
 * What the console knows between renders: the signed-in key and what it may do, the route, and
 * which contacts the admin chose to see unmasked. Views change it and call `refresh()`.
 */
export const state = {
  /** @type {{ name: string, roles: string[], portfolios: string[] } | null} */
  key: null,
  /** @type {{ page: string, portfolio: string | null, id: string | null, params: URLSearchParams }} */
  route: { page: 'home', portfolio: null, id: null, params: new URLSearchParams() },
  /** Contact ids whose identifiers are shown in full on this tab until sign-out. */
  revealed: new Set(),
  /** @type {{ kind: 'ok' | 'error', text: string } | null} */
  notice: null,
  /** A notice for the page being navigated to (the outcome of an erasure, shown on the list it leads to). */
  /** @type {{ kind: 'ok' | 'error', text: string } | null} */
  nextNotice: null,
};

let renderer = () => undefined;

/** @param {() => void} render */
export function setRenderer(render) {
  renderer = render;
}

export function refresh() {
  renderer();
}

/** The API's admin role does everything; `read` may look people up, list and count. */
export const isAdmin = () => Boolean(state.key?.roles.includes('admin'));
export const mayRead = () => Boolean(state.key && (state.key.roles.includes('admin') || state.key.roles.includes('read')));

/**
 * @param {'ok' | 'error'} kind
 * @param {string} text
 */
export function notify(kind, text) {
  state.notice = { kind, text };
  refresh();
}

/**
 * Goes to another page of the console and tells the outcome there.
 * @param {string} target a link made by `href`
 * @param {'ok' | 'error'} kind
 * @param {string} text
 */
export function navigateWithNotice(target, kind, text) {
  state.nextNotice = { kind, text };
  location.hash = target;
}

/** A link inside the console (hash routes: the service serves one static page). */
export function href(page, portfolio, id, params) {
  const path = ['#', 'p', encodeURIComponent(portfolio), page, ...(id ? [encodeURIComponent(id)] : [])].join('/');
  const search = params && [...params].length ? `?${params}` : '';
  return `${path}${search}`;
}
