import { svg } from '../lit.js';

const SERIES = [
  { key: 'msisdn', label: 'phones' },
  { key: 'bsuid', label: 'BSUIDs' },
  { key: 'parentBsuid', label: 'parent BSUIDs' },
];
const WIDTH = 600;
const HEIGHT = 180;
const AXIS = 24;

/**
 * Identifiers learned per day as stacked bars, in SVG drawn from the counts (no chart library
 * needed for this). The figures are also in the table beside it, for screen readers.
 * @param {{ day: string, msisdn: number, bsuid: number, parentBsuid: number }[]} days
 */
export function learnedChart(days) {
  const totals = days.map((day) => SERIES.reduce((sum, series) => sum + day[series.key], 0));
  const top = Math.max(1, ...totals);
  const slot = (WIDTH - AXIS) / Math.max(days.length, 1);
  const bar = Math.max(slot - 2, 1);
  const scale = (value) => (value / top) * (HEIGHT - AXIS);
  return svg`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title">
    <title id="chart-title">Identifiers learned per day, ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}; at most ${top} a day</title>
    <line x1=${AXIS} y1=${HEIGHT - AXIS} x2=${WIDTH} y2=${HEIGHT - AXIS} class="axis" />
    <text x="0" y="12" class="label">${top}</text>
    <text x="0" y=${HEIGHT - AXIS} class="label">0</text>
    ${days.map((day, index) => {
      let y = HEIGHT - AXIS;
      return SERIES.map((series) => {
        const height = scale(day[series.key]);
        y -= height;
        return height > 0
          ? svg`<rect x=${AXIS + index * slot + 1} y=${y} width=${bar} height=${height} class="bar ${series.key}"><title>${day.day}: ${day[series.key]} ${series.label}</title></rect>`
          : null;
      });
    })}
    <text x=${AXIS} y=${HEIGHT - 6} class="label">${days[0]?.day ?? ''}</text>
    <text x=${WIDTH} y=${HEIGHT - 6} class="label" text-anchor="end">${days.at(-1)?.day ?? ''}</text>
  </svg>`;
}

export const CHART_SERIES = SERIES;
