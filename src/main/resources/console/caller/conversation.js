// One conversation: the question, its answer (markdown, rendered inert), its session's thread, a timeline fed live by
// the question's event stream (GET /webhook/{id}/events over fetch), every delivery with every attempt, and the
// actions resend, cancel (while open) and ask a follow-up in the same session.

import {renderMarkdown} from './shared/markdown.js';
import {h, replace, time} from './shared/dom.js';
import {announce, api, badge, errorText, notice, onLeave, page} from './ui.js';
import {row, table} from './conversations.js';

const OPEN = new Set(['queued', 'processing']);
const SETTLED = new Set(['delivered', 'dead_lettered', 'cancelled']);
const FINAL_EVENTS = new Set(['query.answered', 'query.failed', 'query.cancelled']);

/** The status; a 404 is asked again for a few seconds (a question's record is written just after its 202). */
async function fetchStatus(id) {
  for (let tries = 1; ; tries++) {
    try {
      return await fetchStatusOnce(id);
    } catch (error) {
      if (error.status !== 404 || tries >= 8) {
        throw error;
      }
      await new Promise((resolve) => window.setTimeout(resolve, 500));
    }
  }
}

async function fetchStatusOnce(id) {
  try {
    return {status: await api.get(`/webhook/${encodeURIComponent(id)}`, {include: 'content'}), content: true};
  } catch (error) {
    if (error.status === 403 || error.status === 400) {
      // the operator turned include=content off (STATUS_CONTENT_ON_REQUEST=false): the status without the texts
      return {status: await api.get(`/webhook/${encodeURIComponent(id)}`), content: false};
    }
    throw error;
  }
}

function facts(status) {
  const pairs = [
    ['Tracking id', h('span', {class: 'mono'}, status.tracking_id)],
    ['Status', badge(status.status)],
    ['Outcome', badge(status.outcome || (OPEN.has(status.status) ? 'open' : null))],
    ['Queued', time(status.queued_at)],
    ['Answered', status.answered_at ? time(status.answered_at) : null],
    ['Failed', status.failed_at ? time(status.failed_at) : null],
    ['Session', h('a', {href: `#/conversations?session_id=${encodeURIComponent(status.session_id || '')}`},
        status.session_id || '—')],
    ['Source', [status.source_system, status.source_process].filter(Boolean).join(' / ') || '—'],
    ['Agent attempts', String(status.agent_attempts ?? 0)],
    ['Last error', status.last_error ? `${status.last_error.code}: ${status.last_error.message}` : null],
  ].filter(([, value]) => value !== null);
  return h('dl', {class: 'facts'}, pairs.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function answerBlock(status, content) {
  if (!content) {
    return h('p', {class: 'muted'}, 'The gateway does not show question and answer texts here (its operator turned it off).');
  }
  const answer = status.answer;
  if (!answer || (answer.response === null && answer.response_plain === null)) {
    return h('p', {class: 'muted', id: 'no-answer'}, OPEN.has(status.status) ? 'No answer yet: the agent is working on it.'
        : 'This question has no answer.');
  }
  const markdown = typeof answer.response === 'string' ? answer.response : String(answer.response_plain || '');
  return h('div', {class: 'answer', id: 'answer'}, renderMarkdown(markdown));
}

/** What the answer block shows, as one string: it is drawn again only when this changes. */
function answerKey(status) {
  const answer = status.answer;
  if (answer && (typeof answer.response === 'string' || typeof answer.response_plain === 'string')) {
    return `answer:${answer.response ?? ''}\u0000${answer.response_plain ?? ''}`;
  }
  return `none:${OPEN.has(status.status)}`;
}

function deliveriesBlock(status) {
  const deliveries = status.deliveries || [];
  if (deliveries.length === 0) {
    return h('p', {class: 'muted'}, 'No delivery yet.');
  }
  return deliveries.map((delivery) => h('article', {class: 'panel delivery'},
      h('h3', {}, delivery.target || delivery.url || 'Delivery', ' ', badge(delivery.status)),
      h('dl', {class: 'facts'},
          h('dt', {}, 'URL'), h('dd', {class: 'mono'}, delivery.url || '—'),
          h('dt', {}, 'Webhook id'), h('dd', {class: 'mono'}, delivery.webhook_id || '—'),
          delivery.next_attempt_at ? [h('dt', {}, 'Next attempt'), h('dd', {}, time(delivery.next_attempt_at))] : null),
      (delivery.attempts || []).length === 0 ? h('p', {class: 'muted'}, 'No attempt yet.')
          : h('div', {class: 'table-wrap'}, h('table', {},
              h('caption', {class: 'visually-hidden'}, `Attempts of ${delivery.target || delivery.url}`),
              h('thead', {}, h('tr', {}, ['#', 'Time', 'HTTP status', 'Duration', 'Error', 'Response excerpt']
                  .map((c) => h('th', {scope: 'col'}, c)))),
              h('tbody', {}, delivery.attempts.map((attempt, index) => h('tr', {},
                  h('td', {}, String(index + 1)),
                  h('td', {}, time(attempt.at)),
                  h('td', {}, attempt.http_status === null || attempt.http_status === undefined ? '—'
                      : String(attempt.http_status)),
                  h('td', {}, attempt.duration_ms === null || attempt.duration_ms === undefined ? '—'
                      : `${attempt.duration_ms} ms`),
                  h('td', {}, attempt.error ? `${attempt.error.code}: ${attempt.error.message}` : '—'),
                  h('td', {}, attempt.response_excerpt ? h('pre', {class: 'excerpt'}, attempt.response_excerpt) : '—'))))))));
}

function historyBlock(status) {
  return h('details', {},
      h('summary', {}, 'Status history'),
      h('ol', {}, (status.history || []).map((entry) => h('li', {},
          time(entry.at), ' ', badge(entry.status),
          entry.attempt ? ` attempt ${entry.attempt}` : '', entry.detail ? ` — ${entry.detail}` : ''))));
}

/** The live timeline: queued, then each agent attempt with its steps, then the outcome; fed by the event stream. */
class Timeline {
  constructor(status) {
    this.list = h('ol', {class: 'timeline', id: 'timeline'});
    this.attempts = new Map();
    this.seen = new Set();
    this.current = null;
    this.list.appendChild(h('li', {}, h('strong', {}, 'Queued'), ' ', time(status.queued_at)));
    this.live = h('p', {class: 'muted', id: 'stream-state', role: 'status', 'aria-live': 'polite'}, 'Connecting to the live events…');
  }

  attempt(number) {
    const key = number || (this.current ? this.current.number : 1);
    if (!this.attempts.has(key)) {
      const steps = h('ol', {class: 'steps', 'aria-live': 'polite', 'aria-relevant': 'additions'});
      const item = h('li', {class: 'attempt', 'data-attempt': String(key)},
          h('strong', {}, `Agent attempt ${key}`), h('span', {class: 'when'}), steps);
      this.list.appendChild(item);
      this.attempts.set(key, {number: key, item, steps});
    }
    this.current = this.attempts.get(key);
    return this.current;
  }

  add(event) {
    if (event.id !== null && this.seen.has(event.id)) {
      return;
    }
    if (event.id !== null) {
      this.seen.add(event.id);
    }
    const body = event.data && typeof event.data === 'object' ? event.data : {};
    const data = body.data || {};
    const type = body.type || event.event;
    if (type === 'query.started') {
      const attempt = this.attempt(data.attempt);
      replace(attempt.item.querySelector('.when'), ' started ', time(body.timestamp));
    } else if (type === 'query.progress') {
      const attempt = this.attempt(null);
      const label = data.text || [data.kind, data.name, data.api_path].filter(Boolean).join(' ') || 'a step';
      attempt.steps.appendChild(h('li', {class: 'step'}, time(body.timestamp), ' ', label));
    } else if (FINAL_EVENTS.has(type)) {
      const word = {'query.answered': 'Answered', 'query.failed': 'Failed', 'query.cancelled': 'Cancelled'}[type];
      const error = data.error ? ` — ${data.error.code || ''}${data.error.message ? `: ${data.error.message}` : ''}` : '';
      this.list.appendChild(h('li', {class: 'final'}, h('strong', {}, word), ' ',
          time(data.answered_at || data.failed_at || body.timestamp), error));
      announce(`The question is ${word.toLowerCase()}.`);
    }
  }
}

export async function conversationPage(id) {
  const {status, content} = await fetchStatus(id);
  const message = h('div', {id: 'action-status', role: 'status', 'aria-live': 'polite'});
  const summary = h('section', {'aria-labelledby': 'summary-title'}, h('h2', {id: 'summary-title', class: 'visually-hidden'},
      'Summary'), facts(status));
  const question = h('section', {'aria-labelledby': 'question-title'}, h('h2', {id: 'question-title'}, 'Question'),
      content ? h('p', {class: 'question-text', id: 'question'}, status.question || '') : h('p', {class: 'muted'}, 'Not shown.'));
  const answer = h('section', {'aria-labelledby': 'answer-title', id: 'answer-section'},
      h('h2', {id: 'answer-title'}, 'Answer'), answerBlock(status, content));
  const timeline = new Timeline(status);
  const timelineSection = h('section', {'aria-labelledby': 'timeline-title'}, h('h2', {id: 'timeline-title'}, 'Timeline'),
      timeline.live, timeline.list);
  const deliveries = h('section', {'aria-labelledby': 'deliveries-title', id: 'deliveries'},
      h('h2', {id: 'deliveries-title'}, 'Deliveries'), deliveriesBlock(status));
  const history = h('div', {id: 'history'}, historyBlock(status));
  const thread = h('section', {'aria-labelledby': 'thread-title', id: 'thread'}, h('h2', {id: 'thread-title'}, 'Session thread'),
      h('p', {class: 'muted'}, 'Loading the session…'));

  const resend = h('button', {type: 'button', id: 'resend'}, 'Resend the result');
  const cancel = h('button', {type: 'button', class: 'danger', id: 'cancel'}, 'Cancel the question');
  const followText = h('textarea', {id: 'follow-up', name: 'follow-up', required: true, rows: '3'});
  const followUp = h('form', {class: 'panel', id: 'follow-up-form', 'aria-labelledby': 'follow-up-title'},
      h('h2', {id: 'follow-up-title'}, 'Ask a follow-up'),
      h('label', {for: 'follow-up'}, 'Follow-up question (same session)'), followText,
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Ask')));

  let current = status;
  let shownAnswer = answerKey(status);
  function showActions() {
    cancel.hidden = !OPEN.has(current.status);
    resend.hidden = OPEN.has(current.status);
  }
  showActions();

  page('Conversation', h('p', {}, h('a', {href: '#/conversations'}, '← All conversations')),
      summary, h('div', {class: 'actions', role: 'group', 'aria-label': 'Actions'}, resend, cancel), message,
      question, answer, timelineSection, deliveries, history, thread, followUp);

  const controller = new AbortController();
  let poll = null;
  onLeave(() => {
    controller.abort();
    if (poll !== null) {
      window.clearTimeout(poll);
    }
  });

  async function refresh() {
    const next = await fetchStatus(id);
    current = next.status;
    replace(summary, h('h2', {id: 'summary-title', class: 'visually-hidden'}, 'Summary'), facts(current));
    // the answer is drawn again only when it changed (a reader may be in it)
    const text = answerKey(current);
    if (text !== shownAnswer) {
      shownAnswer = text;
      replace(answer, h('h2', {id: 'answer-title'}, 'Answer'), answerBlock(current, next.content));
    }
    replace(deliveries, h('h2', {id: 'deliveries-title'}, 'Deliveries'), deliveriesBlock(current));
    replace(history, historyBlock(current));
    showActions();
    loadThread();
  }

  /** Reads the status again every 2 s until its deliveries settle (at most 3 min): deliveries have no events. */
  function follow() {
    const until = Date.now() + 180000;
    if (poll !== null) {
      window.clearTimeout(poll);
    }
    const tick = async () => {
      poll = null;
      if (controller.signal.aborted) {
        return;
      }
      try {
        await refresh();
      } catch (error) {
        replace(message, notice('error', errorText(error)));
      }
      const answered = current.answer && (current.answer.response || current.answer.response_plain);
      if ((!SETTLED.has(current.status) || (current.outcome === 'answered' && !answered && content))
          && Date.now() < until && !controller.signal.aborted) {
        poll = window.setTimeout(tick, 2000);
      }
    };
    poll = window.setTimeout(tick, 500);
  }

  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      const result = await api.post(`/webhook/${encodeURIComponent(id)}/resend`);
      const count = typeof result.deliveries === 'number' ? result.deliveries : undefined;
      replace(message, notice('success', `Resent${count !== undefined ? `: ${count} deliver${count === 1 ? 'y' : 'ies'}` : ''}.`
          + ' The deliveries below update as they go.'));
      follow();
    } catch (error) {
      replace(message, notice('error', errorText(error)));
    } finally {
      resend.disabled = false;
    }
  });
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await api.delete(`/webhook/${encodeURIComponent(id)}`);
      replace(message, notice('success', 'Cancelled: the agent stops within moments and nothing is delivered after the '
          + 'cancellation webhook.'));
      follow();
      resend.focus();
    } catch (error) {
      replace(message, notice('error', errorText(error)));
    } finally {
      cancel.disabled = false;
    }
  });
  followUp.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = followText.value.trim();
    if (!text) {
      replace(message, notice('error', 'Write the follow-up question first.'));
      followText.focus();
      return;
    }
    try {
      const accepted = await api.post('/webhook', {
        query: text,
        timestamp: new Date().toISOString(),
        source_system: current.source_system || 'console',
        source_process: current.source_process || 'console',
        session_id: current.session_id || current.tracking_id,
      });
      announce('Follow-up asked.');
      window.location.hash = `#/conversations/${encodeURIComponent(accepted.tracking_id)}`;
    } catch (error) {
      replace(message, notice('error', errorText(error)));
      followText.focus();
    }
  });

  // the session's thread (the list API, filtered by session), once the question's session is known
  let threadOf = null;
  function loadThread() {
    const session = current.session_id;
    if (!session) {
      replace(thread, h('h2', {id: 'thread-title'}, 'Session thread'),
          h('p', {class: 'muted'}, 'The session shows once the gateway has recorded it.'));
      return;
    }
    if (threadOf === session) {
      return;
    }
    threadOf = session;
    api.get('/webhook', {session_id: session, limit: 50}).then((answer) => {
      const questions = answer.questions || [];
      replace(thread, h('h2', {id: 'thread-title'}, 'Session thread'),
          questions.length <= 1 ? h('p', {class: 'muted'}, 'This is the only question of its session.') : null,
          questions.length > 0 ? table(`Questions of session ${session}`,
              h('tbody', {}, questions.map((q) => row(q, q.tracking_id === id)))) : null);
    }, (error) => {
      threadOf = null;
      replace(thread, h('h2', {id: 'thread-title'}, 'Session thread'), notice('error', errorText(error)));
    });
  }
  loadThread();

  // the live events: every event so far, then each as it comes; the stream ends after the final event
  api.stream(`/webhook/${encodeURIComponent(id)}/events`, {
    signal: controller.signal,
    onOpen: () => replace(timeline.live, 'Live: new steps appear as the agent works.'),
    onEvent: (event) => {
      timeline.add(event);
      const type = event.data && event.data.type ? event.data.type : event.event;
      if (FINAL_EVENTS.has(type)) {
        follow();
      }
    },
    onError: (error) => replace(timeline.live, notice('error', `Live events unavailable: ${errorText(error)}`)),
  }).then(() => {
    if (!controller.signal.aborted) {
      replace(timeline.live, 'The question has ended: no more events.');
    }
  });
  if (!OPEN.has(current.status) && !SETTLED.has(current.status)) {
    follow();
  }
}
