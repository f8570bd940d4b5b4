import { html, render } from './lit.js';

/**
 * Asks before a change that cannot be taken back silently (a split, an erasure), naming exactly
 * what will change. A native modal <dialog>: it holds focus, and Escape cancels.
 * @param {{ title: string, lines: unknown[], confirmLabel: string }} question
 * @returns {Promise<boolean>}
 */
export function confirmAction({ title, lines, confirmLabel }) {
  const host = document.createElement('div');
  document.body.append(host);
  return new Promise((resolve) => {
    const answer = (yes) => {
      const dialog = host.querySelector('dialog');
      dialog?.close();
      host.remove();
      resolve(yes);
    };
    render(
      html`<dialog class="confirm" aria-labelledby="confirm-title" @cancel=${() => answer(false)}>
        <h2 id="confirm-title">${title}</h2>
        <ul>
          ${lines.map((line) => html`<li>${line}</li>`)}
        </ul>
        <div class="actions">
          <button type="button" class="secondary" autofocus @click=${() => answer(false)}>Cancel</button>
          <button type="button" class="danger" @click=${() => answer(true)}>${confirmLabel}</button>
        </div>
      </dialog>`,
      host,
    );
    host.querySelector('dialog').showModal();
  });
}
