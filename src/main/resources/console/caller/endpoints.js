// Endpoints: each of the caller's endpoints with its health, parked deliveries and last deliveries (its questions from
// GET /webhook?endpoint=<name>, loaded per endpoint); pause, resume, recover since a time, and send a test event
// (POST /endpoints/{name}/test) with what came of it.

import {h, replace, time} from './shared/dom.js';
import {announce, api, badge, errorText, notice, page} from './ui.js';

function path(name, action) {
  return `/endpoints/${encodeURIComponent(name)}/${action}`;
}

function slug(name) {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

function localNow(minusHours) {
  const date = new Date(Date.now() - minusHours * 3600000);
  date.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function testResult(result) {
  return h('div', {class: `notice ${result.delivered ? 'success' : 'error'}`, role: 'status'},
      h('p', {}, h('strong', {}, result.delivered ? 'Test event delivered' : 'Test event not delivered'),
          ` to ${result.endpoint}: HTTP ${result.http_status === null || result.http_status === undefined ? '—' : result.http_status}`
          + `, ${result.duration_ms} ms.`),
      result.error ? h('p', {}, `${result.error.code}: ${result.error.message}`) : null,
      result.response_excerpt ? [h('p', {}, 'Response excerpt:'), h('pre', {class: 'excerpt'}, result.response_excerpt)] : null,
      result.webhook_id ? h('p', {class: 'muted mono'}, `webhook-id ${result.webhook_id}`) : null);
}

const LAST = 5;

/** The endpoint's delivery of a question (as the list item has it), or null. */
function deliveryTo(question, name) {
  return (question.deliveries || []).find((d) => d.endpoint === name) || null;
}

/** The endpoint's last deliveries: its questions, newest first, each with this endpoint's delivery. */
async function loadLastDeliveries(name, into) {
  try {
    const answer = await api.get(`/webhook?endpoint=${encodeURIComponent(name)}&limit=${LAST}`);
    const rows = (answer.questions || []).map((question) => {
      const delivery = deliveryTo(question, name) || {};
      const text = question.question || question.tracking_id;
      return h('tr', {},
          h('td', {}, time(delivery.at || question.updated_at)),
          h('td', {class: 'question-cell'},
              h('a', {href: `#/conversations/${encodeURIComponent(question.tracking_id)}`},
                  text.length > 80 ? `${text.slice(0, 80)}…` : text)),
          h('td', {}, badge(delivery.status)),
          h('td', {}, delivery.http_status === null || delivery.http_status === undefined ? '—' : String(delivery.http_status)));
    });
    if (rows.length === 0) {
      replace(into, h('p', {class: 'muted empty'}, answer.next_cursor
          ? 'No delivery among your latest questions.' : 'No delivery to this endpoint yet.'));
      return;
    }
    replace(into, h('div', {class: 'table-wrap'},
        h('table', {},
            h('caption', {class: 'visually-hidden'}, `Last deliveries to ${name}, newest question first`),
            h('thead', {}, h('tr', {}, ['Last attempt', 'Question', 'Status', 'HTTP'].map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', {}, rows))),
        h('p', {class: 'muted'}, 'Your latest questions delivered here, newest question first; a conversation shows every attempt.'));
  } catch (error) {
    replace(into, notice('error', `Last deliveries: ${errorText(error)}`));
  }
}

function card(endpoint, reload) {
  const id = slug(endpoint.name);
  const status = h('div', {id: `endpoint-status-${id}`, role: 'status', 'aria-live': 'polite'});
  const paused = endpoint.state === 'paused';
  const toggle = h('button', {type: 'button', id: `${paused ? 'resume' : 'pause'}-${id}`, class: paused ? '' : 'secondary'},
      paused ? 'Resume' : 'Pause');
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      const result = await api.post(path(endpoint.name, paused ? 'resume' : 'pause'));
      announce(`${endpoint.name} is ${result.endpoint ? result.endpoint.state : (paused ? 'resuming' : 'paused')}.`);
      await reload(`${paused ? 'pause' : 'resume'}-${id}`);
    } catch (error) {
      replace(status, notice('error', errorText(error)));
      toggle.disabled = false;
    }
  });
  const since = h('input', {type: 'datetime-local', id: `since-${id}`, name: 'since', value: localNow(24), required: true});
  const recover = h('form', {class: 'actions recover'},
      h('div', {class: 'field'}, h('label', {for: `since-${id}`}, 'Recover deliveries since'), since),
      h('button', {type: 'submit', class: 'secondary', id: `recover-${id}`}, 'Recover'));
  recover.addEventListener('submit', async (event) => {
    event.preventDefault();
    const instant = new Date(since.value);
    if (Number.isNaN(instant.getTime())) {
      replace(status, notice('error', 'Choose the time to recover from.'));
      since.focus();
      return;
    }
    try {
      const result = await api.post(path(endpoint.name, 'recover'), {since: instant.toISOString()});
      replace(status, notice('success', `Recovered ${result.recovered} deliver${result.recovered === 1 ? 'y' : 'ies'} `
          + `(${result.already_delivered} already delivered, ${result.parked} parked${result.more ? ', more remain: recover again' : ''}).`));
    } catch (error) {
      replace(status, notice('error', errorText(error)));
    }
  });
  const test = h('button', {type: 'button', class: 'secondary', id: `test-${id}`}, 'Send a test event');
  test.addEventListener('click', async () => {
    test.disabled = true;
    replace(status, h('p', {class: 'muted'}, 'Sending a test event…'));
    try {
      replace(status, testResult(await api.post(path(endpoint.name, 'test'))));
    } catch (error) {
      replace(status, notice('error', errorText(error)));
    } finally {
      test.disabled = false;
    }
  });
  const last = h('div', {class: 'last-deliveries', id: `last-deliveries-${id}`, 'aria-live': 'polite'},
      h('p', {class: 'muted'}, 'Loading the last deliveries…'));
  loadLastDeliveries(endpoint.name, last);
  return h('article', {class: 'panel endpoint', id: `endpoint-${id}`, 'aria-labelledby': `endpoint-title-${id}`},
      h('h2', {id: `endpoint-title-${id}`}, endpoint.name, ' ', badge(endpoint.state)),
      h('dl', {class: 'facts'},
          h('dt', {}, 'URL'), h('dd', {class: 'mono'}, endpoint.url || '—'),
          endpoint.reason ? [h('dt', {}, 'Why'), h('dd', {}, endpoint.reason)] : null,
          h('dt', {}, 'Parked deliveries'), h('dd', {class: 'parked'}, String(endpoint.parked_deliveries ?? 0)),
          h('dt', {}, 'Consecutive failures'), h('dd', {}, String(endpoint.consecutive_failures ?? 0)),
          h('dt', {}, 'Last delivered'), h('dd', {}, time(endpoint.last_success_at)),
          h('dt', {}, 'Last failed'), h('dd', {}, time(endpoint.last_failure_at)),
          endpoint.last_error ? [h('dt', {}, 'Last error'), h('dd', {}, endpoint.last_error)] : null,
          endpoint.next_probe_at ? [h('dt', {}, 'Next probe'), h('dd', {}, time(endpoint.next_probe_at))] : null),
      h('h3', {id: `last-deliveries-title-${id}`}, 'Last deliveries'), last,
      h('div', {class: 'actions', role: 'group', 'aria-label': `Actions on ${endpoint.name}`}, toggle, test),
      recover, status);
}

export async function endpointsPage() {
  const list = h('div', {id: 'endpoints'});
  const refresh = h('button', {type: 'button', class: 'secondary', id: 'refresh-endpoints'}, 'Refresh');
  page('Endpoints', h('p', {class: 'muted'}, 'Your webhooks and the callback hosts you have delivered to, with their health.'),
      h('div', {class: 'actions'}, refresh), list);

  async function reload(focusId) {
    const answer = await api.get('/endpoints');
    const endpoints = answer.endpoints || [];
    replace(list, endpoints.length === 0 ? h('p', {class: 'muted'}, 'You have no endpoint of your own (deliveries go to '
        + 'the gateway\'s WEBHOOK_URL).') : endpoints.map((endpoint) => card(endpoint, reload)));
    if (focusId) {
      const target = document.getElementById(focusId);
      if (target) {
        target.focus();
      }
    }
  }
  refresh.addEventListener('click', () => reload('refresh-endpoints').then(() => announce('Endpoints refreshed.'),
      (error) => replace(list, notice('error', errorText(error)))));
  await reload(null);
}
