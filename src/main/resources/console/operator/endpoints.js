// Callers and endpoints: the callers in force, the callers file's last reload or refusal, every endpoint's health
// (paused ones first and marked), and pause, resume and recover of any endpoint.

import { admin, reason } from './admin.js';
import { el, replace, shown, time } from './ui.js';

const STATE_WORDS = {
  healthy: 'Healthy', failing: 'Failing', paused: 'Paused', resuming: 'Resuming',
};

/** Whether the refusal came after the load of the callers in force (so the file's latest version is not in force). */
function refusedSinceLoad(refusal, loadedAt) {
  const refused = Date.parse(refusal.at);
  const loaded = Date.parse(loadedAt);
  return Number.isNaN(refused) || Number.isNaN(loaded) || refused >= loaded;
}

function reloadView(data) {
  // contract 5: "reload": {loaded_at, source, callers, last_refusal: {at, reason} | null}; older gateways: loaded_at, refused
  const reload = data.reload || null;
  const loadedAt = reload ? reload.loaded_at : data.loaded_at;
  const refusal = reload ? reload.last_refusal : (data.refused ? { at: data.refused.at, reason: data.refused.error } : null);
  const rows = [
    ['Callers file', data.file ? el('code', {}, data.file) : 'none (CALLERS_FILE is not set)'],
    ['Last loaded', time(loadedAt)],
  ];
  if (reload && reload.source && reload.source !== data.file) {
    rows.push(['Loaded from', shown(reload.source)]);
  }
  rows.push(['Callers in force', String(reload && Number.isFinite(reload.callers) ? reload.callers
    : (Array.isArray(data.callers) ? data.callers.length : 0))]);
  return el('div', {},
    el('dl', { class: 'op-facts' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    refusal
      ? el('div', { class: 'op-warning', id: 'callers-refusal' },
        refusedSinceLoad(refusal, loadedAt)
          ? el('p', {}, el('strong', {}, 'The latest version of the callers file was refused'), ' at ', time(refusal.at),
            '; the version loaded at ', time(loadedAt), ' stays in force.')
          : el('p', {}, el('strong', {}, 'A version of the callers file was refused'), ' at ', time(refusal.at),
            ', before the version in force was loaded.'),
        el('p', {}, 'Why: ', el('span', { class: 'op-reason' }, shown(refusal.reason))))
      : el('p', { id: 'callers-refusal', class: 'op-ok-text' }, data.file
        ? 'No refusal: the file in force is the latest one seen.' : 'No refusal (there is no callers file).'));
}

function callersTable(callers) {
  if (!callers.length) {
    return el('p', { class: 'op-empty' }, 'No callers with keys: no GATEWAY_API_KEYS and no CALLERS_FILE callers.');
  }
  return el('table', { class: 'op-table', id: 'callers-table' },
    el('caption', {}, `${callers.length} caller(s) in force`),
    el('thead', {}, el('tr', {}, ['Caller', 'From', 'API keys', 'Signing secrets', 'Delivers to', 'Callback URLs']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, callers.map((c) => el('tr', { 'data-caller': c.name },
      el('th', { scope: 'row' }, shown(c.name)),
      el('td', {}, shown(c.source)),
      el('td', {}, shown(c.api_keys)),
      el('td', {}, shown(c.signing_secrets)),
      el('td', {}, c.delivers_to ? el('code', {}, c.delivers_to)
        : Array.isArray(c.webhooks) && c.webhooks.length ? el('ul', { class: 'op-plain' }, c.webhooks.map((w) => el('li', {},
          el('strong', {}, shown(w.name)), ' ', el('span', { class: 'op-mono' }, shown(w.url)),
          Array.isArray(w.events) && w.events.length ? ` (${w.events.join(', ')})` : ''))) : '—'),
      el('td', {}, Array.isArray(c.callback_urls) && c.callback_urls.length
        ? el('ul', { class: 'op-plain op-mono' }, c.callback_urls.map((u) => el('li', {}, u))) : '—')))));
}

function hoursAgoLocal(hours) {
  const at = new Date(Date.now() - hours * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function showEndpoints(view) {
  const callersBox = el('div', { id: 'callers' }, el('p', { class: 'op-status' }, 'Loading…'));
  const endpointsBox = el('div', { id: 'endpoints' }, el('p', { class: 'op-status' }, 'Loading…'));
  const summary = el('p', { class: 'op-status', id: 'endpoints-summary' });
  const result = el('div', { class: 'op-result', id: 'endpoints-result', role: 'status' });
  const reloadBtn = el('button', { type: 'button', class: 'secondary', id: 'endpoints-reload' }, 'Refresh');
  let stopped = false;

  async function loadCallers() {
    try {
      const data = await admin.callers();
      replace(callersBox, reloadView(data), callersTable(Array.isArray(data.callers) ? data.callers : []));
    } catch (e) {
      replace(callersBox, el('p', { class: 'op-error' }, `The callers could not be read: ${reason(e)}.`));
    }
  }

  async function act(endpoint, action, body, button) {
    const who = `${endpoint.caller}/${endpoint.name}`;
    button.disabled = true;
    try {
      const done = await admin.endpointAction(endpoint.caller, endpoint.name, action, body);
      let said;
      if (action === 'recover') {
        said = `Recover of ${who} since ${done.since}: ${done.recovered} delivery(ies) sent again, `
          + `${done.already_delivered} already delivered, ${done.parked} parked${done.more ? ', more to come' : ''}; now ${done.state}.`;
      } else {
        const state = done.endpoint ? done.endpoint.state : '?';
        said = `${action === 'pause' ? 'Paused' : 'Resumed'} ${who}: now ${state}.`;
      }
      replace(result, el('p', {}, said));
    } catch (e) {
      replace(result, el('p', { class: 'op-error' }, `The ${action} of ${who} failed: ${reason(e)}.`));
    }
    await loadEndpoints({ who, action });
  }

  function row(e, i) {
    const who = `${e.caller}/${e.name}`;
    const paused = e.state === 'paused';
    const toggle = paused
      ? el('button', { type: 'button', 'data-action': 'resume', 'aria-label': `Resume ${who}` }, 'Resume')
      : el('button', { type: 'button', 'data-action': 'pause', 'aria-label': `Pause ${who}` }, 'Pause');
    toggle.addEventListener('click', () => act(e, paused ? 'resume' : 'pause', undefined, toggle));
    const sinceId = `recover-since-${i}`;
    const since = el('input', { type: 'datetime-local', id: sinceId, value: hoursAgoLocal(24), step: 60 });
    const recover = el('button', { type: 'button', 'data-action': 'recover', 'aria-label': `Recover ${who}` }, 'Recover');
    recover.addEventListener('click', () => {
      const at = new Date(since.value);
      if (Number.isNaN(at.getTime())) {
        replace(result, el('p', { class: 'op-error' }, `Give a time to recover ${who} since.`));
        since.focus();
        return;
      }
      act(e, 'recover', { since: at.toISOString() }, recover);
    });
    return el('tr', { class: paused ? 'op-paused' : `op-state-${e.state}`, 'data-endpoint': who, 'data-state': e.state },
      el('th', { scope: 'row' }, el('span', { class: 'op-mono' }, who)),
      el('td', { class: 'op-mono op-url' }, shown(e.url)),
      el('td', {}, el('span', { class: `op-badge op-badge-${e.state}` }, STATE_WORDS[e.state] || shown(e.state)),
        e.paused_by ? el('span', { class: 'op-muted' }, ` by ${e.paused_by}`) : null),
      el('td', { class: 'op-reason' }, shown(e.reason), e.last_error && e.last_error !== e.reason
        ? el('span', { class: 'op-muted' }, ` (last error: ${e.last_error})`) : null),
      el('td', {}, String(e.consecutive_failures ?? 0)),
      el('td', {}, time(e.last_success_at)),
      el('td', {}, time(e.last_failure_at)),
      el('td', {}, String(e.parked_deliveries ?? 0)),
      el('td', { class: 'op-actions' }, toggle,
        el('span', { class: 'op-recover' }, el('label', { for: sinceId }, `Recover ${who} since`), since, recover)));
  }

  /** Reads every endpoint again; after an action, the focus goes to the same endpoint's next action. */
  async function loadEndpoints(after) {
    try {
      const data = await admin.endpoints();
      if (stopped) {
        return;
      }
      const list = Array.isArray(data.endpoints) ? data.endpoints : [];
      // paused first, then failing, then the rest, each in the gateway's order
      const rank = { paused: 0, failing: 1, resuming: 2 };
      const sorted = list.map((e, i) => ({ e, i }))
        .sort((a, b) => ((rank[a.e.state] ?? 3) - (rank[b.e.state] ?? 3)) || a.i - b.i).map((x) => x.e);
      const paused = list.filter((e) => e.state === 'paused').length;
      const failing = list.filter((e) => e.state === 'failing').length;
      summary.textContent = `${list.length} endpoint(s): ${paused} paused, ${failing} failing.`;
      replace(endpointsBox, list.length === 0 ? el('p', { class: 'op-empty' }, 'No endpoints.')
        : el('table', { class: 'op-table op-endpoints', id: 'endpoints-table' },
          el('caption', {}, 'Every endpoint, paused ones first'),
          el('thead', {}, el('tr', {}, ['Caller / endpoint', 'URL', 'State', 'Reason', 'Failures in a row', 'Last success',
            'Last failure', 'Parked', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, sorted.map(row))));
      if (after) {
        const tr = [...endpointsBox.querySelectorAll('tr[data-endpoint]')].find((r) => r.dataset.endpoint === after.who);
        const next = { pause: 'resume', resume: 'pause', recover: 'recover' }[after.action];
        const button = tr && tr.querySelector(`button[data-action=${next}]`);
        if (button) {
          button.focus();
        }
      }
    } catch (e) {
      replace(endpointsBox, el('p', { class: 'op-error' }, `The endpoints could not be read: ${reason(e)}.`));
    }
  }

  reloadBtn.addEventListener('click', () => {
    loadCallers();
    loadEndpoints();
  });
  replace(view,
    el('h1', { tabindex: '-1' }, 'Callers and endpoints'),
    el('div', { class: 'op-toolbar' }, reloadBtn),
    el('section', { class: 'op-section', 'aria-labelledby': 'endpoints-title' },
      el('h2', { id: 'endpoints-title' }, 'Endpoints'),
      el('p', { class: 'op-note' }, 'Pausing sends nothing to an endpoint, not even a probe, and parks its deliveries in order; ',
        'resuming sends them first. Recover sends again the deliveries to it that ended in the DLQ since the time given.'),
      summary, result, endpointsBox),
    el('section', { class: 'op-section', 'aria-labelledby': 'callers-title' },
      el('h2', { id: 'callers-title' }, 'Callers'),
      callersBox));
  loadCallers();
  loadEndpoints();
  return () => { stopped = true; };
}
