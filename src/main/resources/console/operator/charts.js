// Charts drawn as SVG with DOM calls (no library, no style attribute: colours come from classes in operator.css).
// Each chart carries its text alternative: the SVG's <title> and <desc> (a summary), and its data as a table.

import { el, svg } from './ui.js';

const WIDTH = 480;
const HEIGHT = 200;
const LEFT = 48;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;

let charts = 0;

/** A point's time: hours and minutes, with seconds when the points are less than a minute apart. */
function hhmm(iso, step) {
  const at = new Date(iso);
  const parts = step && step < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return Number.isNaN(at.getTime()) ? String(iso) : at.toLocaleTimeString([], parts);
}

function number(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return 'no data';
  }
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return unit ? `${rounded} ${unit}` : String(rounded);
}

/** A round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above the value (at least 1). */
function niceCeiling(value) {
  if (!(value > 1)) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

function finite(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * A line chart of per-minute points.
 * @param {{title: string, unit?: string, points: object[], series: {name: string, value: function(object): ?number}[],
 *          note?: string}} spec
 */
export function lineChart(spec) {
  const n = ++charts;
  const ids = { caption: `chart-${n}-caption`, title: `chart-${n}-title`, desc: `chart-${n}-desc` };
  const { points, series, unit } = spec;
  const values = series.map((s) => points.map((p) => {
    const v = s.value(p);
    return finite(v) ? v : null;
  }));
  const all = values.flat().filter((v) => v !== null);
  const top = niceCeiling(Math.max(0, ...all));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (i) => LEFT + (points.length <= 1 ? plotW : (i * plotW) / (points.length - 1));
  const y = (v) => TOP + plotH - (v / top) * plotH;

  const summary = series.map((s, k) => {
    const seen = values[k].filter((v) => v !== null);
    if (seen.length === 0) {
      return `${s.name}: no data`;
    }
    return `${s.name}: latest ${number(seen[seen.length - 1], unit)}, highest ${number(Math.max(...seen), unit)}`;
  }).join('. ');
  const span = points.length === 0 ? 'No data yet.'
    : `${points.length} point(s), ${hhmm(points[0].at, spec.step)} to ${hhmm(points[points.length - 1].at, spec.step)}.`;

  const grid = [0, top / 2, top].map((v) => svg('g', { class: 'op-grid' },
    svg('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(v), y2: y(v) }),
    svg('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end' }, number(v, ''))));
  const ticks = points.length === 0 ? [] : [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])]
    .map((i) => svg('text', { class: 'op-tick', x: x(i), y: HEIGHT - 8,
      'text-anchor': i === 0 && points.length > 1 ? 'start' : i === points.length - 1 ? 'end' : 'middle' },
    hhmm(points[i].at, spec.step)));
  const lines = series.map((s, k) => {
    let d = '';
    let pen = false;
    const dots = [];
    values[k].forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      const prev = i > 0 ? values[k][i - 1] : null;
      const next = i < values[k].length - 1 ? values[k][i + 1] : null;
      if (prev === null && next === null) {
        dots.push(svg('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3 }));
      }
      pen = true;
    });
    return svg('g', { class: `op-series op-s${k}`, 'data-series': s.name },
      d ? svg('path', { d: d.trim() }) : null, dots);
  });

  const chart = svg('svg', {
    class: 'op-chart-svg', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'aria-labelledby': `${ids.title} ${ids.desc}`, focusable: 'false',
  },
  svg('title', { id: ids.title }, spec.title),
  svg('desc', { id: ids.desc }, `${span} ${summary}.`),
  grid, svg('line', { class: 'op-axis', x1: LEFT, x2: LEFT, y1: TOP, y2: TOP + plotH }), ticks, lines);

  const legend = el('ul', { class: 'op-legend' }, series.map((s, k) => {
    const seen = values[k].filter((v) => v !== null);
    return el('li', {}, el('span', { class: `op-swatch op-s${k}`, 'aria-hidden': 'true' }),
      `${s.name}: ${seen.length ? number(seen[seen.length - 1], unit) : 'no data'}`);
  }));

  const table = el('table', { class: 'op-table op-data' },
    el('caption', {}, `${spec.title}, point by point`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Time'),
      series.map((s) => el('th', { scope: 'col' }, unit ? `${s.name} (${unit})` : s.name)))),
    el('tbody', {}, points.map((p, i) => el('tr', {},
      el('th', { scope: 'row' }, el('time', { datetime: p.at }, hhmm(p.at, spec.step))),
      series.map((s, k) => el('td', {}, values[k][i] === null ? '—' : number(values[k][i], '')))))));

  return el('figure', { class: 'op-chart', 'aria-labelledby': ids.caption, 'data-chart': spec.key || spec.title },
    el('figcaption', { id: ids.caption }, el('h2', {}, spec.title), spec.note ? el('p', { class: 'op-muted' }, spec.note) : null),
    chart, legend,
    el('details', {}, el('summary', {}, `${spec.title}: the data as a table`), table));
}

/**
 * Delivery success by caller over the points: one bar per caller, delivered and failed side by side in one track.
 * @param {{title: string, points: object[]}} spec
 */
export function deliveryChart(spec) {
  const n = ++charts;
  const ids = { caption: `chart-${n}-caption`, title: `chart-${n}-title`, desc: `chart-${n}-desc` };
  const totals = new Map();
  for (const p of spec.points) {
    for (const [caller, counts] of Object.entries(p.deliveries_by_caller || {})) {
      const t = totals.get(caller) || { delivered: 0, failed: 0 };
      t.delivered += finite(counts && counts.delivered) ? counts.delivered : 0;
      t.failed += finite(counts && counts.failed) ? counts.failed : 0;
      totals.set(caller, t);
    }
  }
  const rows = [...totals.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const rate = (t) => (t.delivered + t.failed === 0 ? null : Math.round((100 * t.delivered) / (t.delivered + t.failed)));
  const phrase = (caller, t) => {
    const r = rate(t);
    return r === null ? `${caller}: no deliveries` : `${caller}: ${r}% delivered (${t.delivered} delivered, ${t.failed} failed)`;
  };
  const ROW = 30;
  const height = Math.max(1, rows.length) * ROW + 8;
  const labelW = 130;
  const trackW = WIDTH - labelW - 90;
  const most = Math.max(1, ...rows.map(([, t]) => t.delivered + t.failed));
  const bars = rows.map(([caller, t], i) => {
    const yTop = 4 + i * ROW;
    const okW = (t.delivered / most) * trackW;
    const badW = (t.failed / most) * trackW;
    const r = rate(t);
    return svg('g', { class: 'op-bar', 'data-caller': caller },
      svg('text', { x: labelW - 8, y: yTop + 18, 'text-anchor': 'end' }, caller.length > 15 ? `${caller.slice(0, 14)}…` : caller),
      svg('rect', { class: 'op-track', x: labelW, y: yTop + 4, width: trackW, height: ROW - 10 }),
      svg('rect', { class: 'op-ok', x: labelW, y: yTop + 4, width: okW.toFixed(1), height: ROW - 10 }),
      svg('rect', { class: 'op-bad', x: (labelW + okW).toFixed(1), y: yTop + 4, width: badW.toFixed(1), height: ROW - 10 }),
      svg('text', { x: labelW + trackW + 8, y: yTop + 18 }, r === null ? 'none' : `${r}% of ${t.delivered + t.failed}`));
  });
  const chart = svg('svg', {
    class: 'op-chart-svg op-bars', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img',
    'aria-labelledby': `${ids.title} ${ids.desc}`, focusable: 'false',
  },
  svg('title', { id: ids.title }, spec.title),
  svg('desc', { id: ids.desc }, rows.length === 0 ? 'No deliveries in these points.'
    : `${rows.map(([c, t]) => phrase(c, t)).join('. ')}.`),
  rows.length === 0 ? svg('text', { x: 8, y: 22, class: 'op-tick' }, 'No deliveries yet') : bars);
  const table = el('table', { class: 'op-table op-data' },
    el('caption', {}, spec.title),
    el('thead', {}, el('tr', {}, ['Caller', 'Delivered', 'Failed', 'Success'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map(([caller, t]) => el('tr', {}, el('th', { scope: 'row' }, caller),
      el('td', {}, String(t.delivered)), el('td', {}, String(t.failed)),
      el('td', {}, rate(t) === null ? '—' : `${rate(t)}%`)))));
  return el('figure', { class: 'op-chart', 'aria-labelledby': ids.caption, 'data-chart': spec.key || spec.title },
    el('figcaption', { id: ids.caption }, el('h2', {}, spec.title), spec.note ? el('p', { class: 'op-muted' }, spec.note) : null),
    chart,
    el('ul', { class: 'op-legend' },
      el('li', {}, el('span', { class: 'op-swatch op-ok', 'aria-hidden': 'true' }), 'delivered'),
      el('li', {}, el('span', { class: 'op-swatch op-bad', 'aria-hidden': 'true' }), 'failed')),
    el('details', {}, el('summary', {}, `${spec.title}: the data as a table`), table));
}
