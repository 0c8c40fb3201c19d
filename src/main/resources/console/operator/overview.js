// Overview: this instance's last hour from GET /admin/overview, redrawn every REFRESH_MS while the page is shown.

import { admin, ApiError, reason } from './admin.js';
import { deliveryChart, lineChart } from './charts.js';
import { el, replace } from './ui.js';

const REFRESH_MS = 20000;

function q(p, name) {
  return p.queues ? p.queues[name] : null;
}

/** 'minute' for the usual 60 s step, else '10 s' and the like. */
function stepWord(step) {
  return !step || step === 60 ? 'minute' : `${step} s`;
}

function charts(points, step) {
  const per = stepWord(step);
  const options = { step };
  return [
    lineChart({ ...options, key: 'flow', title: `Questions, answers and failures per ${per}`, points, series: [
      { name: 'Questions', value: (p) => p.questions },
      { name: 'Answers', value: (p) => p.answers },
      { name: 'Failures', value: (p) => p.failures },
    ] }),
    lineChart({ ...options, key: 'in-flight', title: 'Agent calls in flight', points,
      note: `The value at the end of each ${per}.`, series: [
        { name: 'In flight', value: (p) => p.agent_in_flight },
      ] }),
    lineChart({ ...options, key: 'latency', title: 'Agent latency', unit: 'ms', points,
      note: `Over the calls that ended in each ${per}.`, series: [
      { name: 'p50', value: (p) => p.agent_p50_ms },
      { name: 'p95', value: (p) => p.agent_p95_ms },
    ] }),
    lineChart({ ...options, key: 'queues', title: 'Queue depths', points,
      note: `Messages waiting or in flight, at the end of each ${per}.`,
      series: [
        { name: 'Requests', value: (p) => q(p, 'requests') },
        { name: 'Deliveries', value: (p) => q(p, 'deliveries') },
      ] }),
    lineChart({ ...options, key: 'dlq', title: 'Dead-letter queue depths', points, series: [
      { name: 'Requests DLQ', value: (p) => q(p, 'requests_dlq') },
      { name: 'Deliveries DLQ', value: (p) => q(p, 'deliveries_dlq') },
    ] }),
    deliveryChart({ key: 'delivery', title: 'Delivery success by caller', points,
      note: 'Over every point shown.' }),
  ];
}

/** Draws the overview into view; returns the function that stops its refresh. */
export function showOverview(view) {
  const status = el('p', { class: 'op-status', id: 'overview-status' }, 'Loading…');
  const instance = el('span', { id: 'overview-instance' }, 'this instance');
  const span = el('span', { id: 'overview-span' }, 'the last hour (one point a minute)');
  const grid = el('div', { class: 'op-charts', id: 'overview-charts', 'aria-busy': 'true' });
  const refresh = el('button', { type: 'button', class: 'secondary', id: 'overview-refresh' }, 'Refresh now');
  replace(view,
    el('h1', { tabindex: '-1' }, 'Overview'),
    el('p', { class: 'op-note', id: 'overview-scope' }, 'These charts show ', instance,
      ' only, from the metrics it keeps in memory for ', span, '; a restart starts them afresh. ',
      'With several replicas, each has its own: the view over all of them is the Prometheus dashboard in ',
      el('code', {}, 'k8s/monitoring/'), '.'),
    el('div', { class: 'op-toolbar' }, refresh, status),
    grid);

  let stopped = false;
  let running = false;
  async function load() {
    if (running || stopped) {
      return;
    }
    running = true;
    grid.setAttribute('aria-busy', 'true');
    try {
      const data = await admin.overview();
      if (stopped) {
        return;
      }
      const points = Array.isArray(data.points) ? data.points : [];
      instance.textContent = data.instance ? `this instance (${data.instance})` : 'this instance';
      const step = Number.isFinite(data.step_seconds) ? data.step_seconds : 60;
      span.textContent = step === 60 ? 'the last hour (one point a minute)'
        : `its last ${points.length || 60} points (one every ${step} s)`;
      replace(grid, charts(points, step));
      status.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshes every ${REFRESH_MS / 1000} s.`;
    } catch (e) {
      if (!stopped) {
        status.textContent = e instanceof ApiError && e.status === 404
          ? 'This gateway has no overview (GET /admin/overview): it is older than this console.'
          : `The overview could not be loaded: ${reason(e)}.`;
      }
    } finally {
      grid.setAttribute('aria-busy', 'false');
      running = false;
    }
  }
  refresh.addEventListener('click', load);
  load();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') {
      load();
    }
  }, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
