// Conversations: the caller's questions, newest first (GET /webhook), filtered and paged with next_cursor.

import {h, replace, time} from './shared/dom.js';
import {announce, api, badge, errorText, notice, page} from './ui.js';

const STATES = ['queued', 'processing', 'answered', 'failed', 'delivering', 'delivered', 'dead_lettered', 'cancelled'];
const OUTCOMES = ['answered', 'failed', 'cancelled', 'open'];
const PAGE = 20;
let firstListDrawn = false;

/** A datetime-local value (the reader's local time) as an ISO instant, or '' */
function instant(local) {
  if (!local) {
    return '';
  }
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

function select(id, label, options, value) {
  return h('div', {class: 'field'},
      h('label', {for: id}, label),
      h('select', {id, name: id},
          h('option', {value: ''}, 'Any'),
          options.map((o) => h('option', {value: o, selected: o === value}, o.replace(/_/g, ' ')))));
}

function input(id, label, type, value, extra) {
  return h('div', {class: 'field'},
      h('label', {for: id}, label),
      h('input', {id, name: id, type, value: value || '', ...(extra || {})}));
}

/** The list's row for one question. */
export function row(question, current) {
  const text = question.question || '(no text)';
  return h('tr', {},
      h('td', {}, time(question.queued_at)),
      h('td', {class: 'question-cell'},
          h('a', {href: `#/conversations/${encodeURIComponent(question.tracking_id)}`,
            'aria-current': current ? 'page' : null}, text.length > 120 ? `${text.slice(0, 120)}…` : text)),
      h('td', {}, badge(question.status)),
      h('td', {}, badge(question.outcome)),
      h('td', {class: 'mono'}, question.session_id || '—'),
      h('td', {}, [question.source_system, question.source_process].filter(Boolean).join(' / ') || '—'));
}

export function table(caption, rows) {
  return h('div', {class: 'table-wrap'},
      h('table', {},
          h('caption', {class: 'visually-hidden'}, caption),
          h('thead', {}, h('tr', {},
              ['Queued', 'Question', 'Status', 'Outcome', 'Session', 'Source'].map((c) => h('th', {scope: 'col'}, c)))),
          rows));
}

export async function conversationsPage(params) {
  const filters = {
    outcome: params.get('outcome') || '',
    status: params.get('status') || '',
    session_id: params.get('session_id') || '',
    since: params.get('since') || '',
    until: params.get('until') || '',
    q: params.get('q') || '',
  };
  const form = h('form', {class: 'filters', id: 'filters', role: 'search', 'aria-label': 'Filter conversations'},
      select('outcome', 'Outcome', OUTCOMES, filters.outcome),
      select('status', 'Status', STATES, filters.status),
      input('session_id', 'Session', 'text', filters.session_id, {autocomplete: 'off'}),
      input('since', 'Queued from', 'datetime-local', params.get('since_local') || ''),
      input('until', 'Queued until', 'datetime-local', params.get('until_local') || ''),
      input('q', 'Question text', 'search', filters.q, {autocomplete: 'off'}),
      h('div', {class: 'actions'},
          h('button', {type: 'submit'}, 'Apply filters'),
          h('button', {type: 'button', class: 'secondary', id: 'clear-filters',
            onclick: () => { window.location.hash = '#/conversations'; }}, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of ['outcome', 'status', 'session_id', 'q']) {
      const value = String(data.get(name) || '').trim();
      if (value) {
        next.set(name, value);
      }
    }
    for (const name of ['since', 'until']) {
      const local = String(data.get(name) || '');
      if (local && instant(local)) {
        next.set(name, instant(local));
        next.set(`${name}_local`, local);
      }
    }
    const hash = `#/conversations${next.toString() ? `?${next}` : ''}`;
    if (window.location.hash === hash) {
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      window.location.hash = hash;
    }
  });

  const status = h('div', {id: 'list-status', role: 'status', 'aria-live': 'polite'});
  const body = h('tbody', {id: 'conversation-rows'});
  const more = h('button', {type: 'button', class: 'secondary', id: 'load-more', hidden: true}, 'Load more');
  page('Conversations', form, status, h('section', {id: 'conversations', 'aria-labelledby': 'page-title'},
      table('Your questions, newest first', body)), h('div', {class: 'actions'}, more));

  let cursor = null;
  const query = {...filters, limit: PAGE};
  async function load() {
    more.disabled = true;
    try {
      const answer = await api.get('/webhook', {...query, cursor});
      for (const question of answer.questions || []) {
        body.appendChild(row(question, false));
      }
      cursor = answer.next_cursor || null;
      more.hidden = cursor === null;
      const count = body.children.length;
      replace(status, count === 0 ? h('p', {class: 'muted'}, 'No question matches.')
          : h('p', {class: 'muted'}, `${count} question${count === 1 ? '' : 's'} shown${cursor ? ', more to load' : ''}.`));
      if (!firstListDrawn) {
        firstListDrawn = true;
        performance.mark('console:first-list');
      }
      return answer.questions ? answer.questions.length : 0;
    } catch (error) {
      replace(status, notice('error', errorText(error)));
      return 0;
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', async () => {
    const before = body.children.length;
    const added = await load();
    if (added > 0) {
      announce(`${added} more loaded.`);
      const link = body.children[before] && body.children[before].querySelector('a');
      if (link) {
        link.focus();
      }
    }
  });
  await load();
}
