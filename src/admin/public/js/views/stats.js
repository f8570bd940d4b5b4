import { portfolioApi } from '../api.js';
import { count } from '../format.js';
import { html, nothing } from '../lit.js';
import { href, refresh } from '../state.js';
import { CHART_SERIES, learnedChart } from './chart.js';

/** The counts of GET …/stats, labelled, each with the list filter that shows those people where there is one. */
const FIGURES = [
  ['contacts', 'People', {}],
  ['withPhone', 'With a phone', { hasPhone: 'true' }],
  ['withBsuid', 'With a BSUID', {}],
  ['bsuidOnly', 'BSUID only', { bsuidOnly: 'true' }],
  ['withParent', 'With a parent BSUID', {}],
  ['invalid', 'Invalid', { status: 'invalid' }],
  ['inConflict', 'In conflict', { inConflict: 'true' }],
  ['openConflicts', 'Open conflicts', null],
  ['inContactBook', 'In the contact book', {}],
  ['needsContactBookEntry', 'Need a contact-book entry', {}],
  ['phoneVisibilityAtRisk', 'Phone visibility at risk', null],
];

const DAYS = 30;
let data = { stats: null, learned: null, failure: '' };

export async function enter(route) {
  data = { stats: null, learned: null, failure: '' };
  refresh();
  const api = portfolioApi(route.portfolio);
  try {
    const [stats, learned] = await Promise.all([api.stats(7), api.learned(DAYS)]);
    data = { ...data, stats, learned };
  } catch (error) {
    data.failure = error.message;
  }
}

function figure([key, label, filter], stats, portfolio) {
  const value = html`<span class="figure-value">${count(stats[key])}</span>`;
  const link = filter && Object.keys(filter).length ? href('contacts', portfolio, null, new URLSearchParams(filter)) : null;
  return html`<div class="figure" data-figure=${key}>
    <span class="figure-label">${label}${key === 'phoneVisibilityAtRisk' ? ` (within ${stats.atRiskWithinDays} days)` : ''}</span>
    ${link ? html`<a href=${link}>${value}</a>` : value}
  </div>`;
}

function learnedTable(days) {
  const busy = days.filter((day) => CHART_SERIES.some((series) => day[series.key] > 0));
  return html`<details>
    <summary>The days with identifiers learned, as a table</summary>
    <table>
      <thead>
        <tr>
          <th scope="col">Day</th>
          ${CHART_SERIES.map((series) => html`<th scope="col">${series.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${busy.map(
          (day) =>
            html`<tr>
              <th scope="row">${day.day}</th>
              ${CHART_SERIES.map((series) => html`<td>${day[series.key]}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

export function view(route) {
  const { stats, learned, failure } = data;
  return html`<h1 id="page-title" tabindex="-1">Stats of ${route.portfolio}</h1>
    ${failure ? html`<p class="notice error" role="alert">${failure}</p>` : nothing}
    ${stats ? html`<section class="figures" aria-label="Counts">${FIGURES.map((item) => figure(item, stats, route.portfolio))}</section>` : nothing}
    ${
      learned
        ? html`<section aria-labelledby="learned-title">
            <h2 id="learned-title">Identifiers learned per day, last ${learned.days} days</h2>
            <p class="legend">${CHART_SERIES.map((series) => html`<span class="swatch ${series.key}"></span>${series.label} `)}</p>
            ${learnedChart(learned.items)} ${learnedTable(learned.items)}
          </section>`
        : nothing
    }
    ${!stats && !failure ? html`<p aria-busy="true">Loading…</p>` : nothing}`;
}
