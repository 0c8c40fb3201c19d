// Dead letters: both DLQs, each entry's reason and what it carries, a choice of entries, and their redrive (chosen or all) after a
// confirm step. Reasons are the gateway's failure text, shown as text only.

import { admin, reason } from './admin.js';
import { el, replace, shown, time } from './ui.js';

const QUEUES = [
  { name: 'requests', title: 'Requests (the agent stage)', back: 'the requests queue: the agent is asked again' },
  { name: 'deliveries', title: 'Deliveries (the webhook stage)', back: 'the deliveries queue: the answer is delivered again' },
];
const LIST_MAX = 100;

// What a dead letter carries (the listing's `message`): its event and target, its source, the start of its question
function carries(content) {
  if (!content || content.kind === 'unreadable') {
    return content ? `not the gateway's JSON (${content.bytes} bytes)` : '—';
  }
  const where = [content.event_type, content.target ? `to ${content.target}` : null].filter(Boolean).join(' ');
  const from = [content.source_system, content.source_process].filter(Boolean).join('/');
  return el('span', {},
    where ? el('span', { class: 'op-carries-where' }, where) : null,
    from ? el('span', { class: 'op-carries-from' }, ` from ${from}`) : null,
    content.question ? el('q', { class: 'op-carries-question' }, content.question) : null);
}

function queueSection(queue) {
  const headingId = `dlq-${queue.name}-title`;
  const status = el('p', { class: 'op-status', id: `dlq-${queue.name}-status` }, 'Loading…');
  const body = el('div', { id: `dlq-${queue.name}-list` });
  const confirmBox = el('div', { class: 'op-confirm', id: `dlq-${queue.name}-confirm`, hidden: true });
  const result = el('div', { class: 'op-result', id: `dlq-${queue.name}-result`, role: 'status' });
  const chosenBtn = el('button', { type: 'button', id: `dlq-${queue.name}-redrive-chosen`, disabled: true },
    'Redrive chosen');
  const allBtn = el('button', { type: 'button', id: `dlq-${queue.name}-redrive-all`, disabled: true }, 'Redrive all');
  const reloadBtn = el('button', { type: 'button', class: 'secondary', id: `dlq-${queue.name}-reload` }, 'Refresh');
  let messages = [];

  function chosen() {
    return [...body.querySelectorAll('input[type=checkbox][data-message-id]')]
      .filter((box) => box.checked).map((box) => box.dataset.messageId);
  }

  function updateButtons() {
    const n = chosen().length;
    chosenBtn.disabled = n === 0;
    chosenBtn.textContent = n === 0 ? 'Redrive chosen' : `Redrive chosen (${n})`;
    allBtn.disabled = messages.length === 0;
  }

  function table() {
    if (messages.length === 0) {
      return el('p', { class: 'op-empty' }, 'No dead letters.');
    }
    const all = el('input', { type: 'checkbox', id: `dlq-${queue.name}-all`, 'aria-label': `Choose every dead letter of ${queue.name}` });
    all.addEventListener('change', () => {
      body.querySelectorAll('input[type=checkbox][data-message-id]').forEach((box) => { box.checked = all.checked; });
      updateButtons();
    });
    return el('table', { class: 'op-table op-dlq' },
      el('caption', {}, `${messages.length} dead letter(s) seen on ${queue.name}`),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, all),
        ['Tracking id', 'Stage', 'Reason', 'Carries', 'HTTP status', 'Attempts', 'Failed at', 'Dead-lettered by', 'Message id']
          .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, messages.map((m, i) => {
        const boxId = `dlq-${queue.name}-choose-${i}`;
        const box = el('input', { type: 'checkbox', id: boxId, 'data-message-id': m.message_id });
        box.addEventListener('change', updateButtons);
        return el('tr', { 'data-message-id': m.message_id, 'data-tracking-id': m.tracking_id || '' },
          el('td', {}, box, el('label', { for: boxId, class: 'visually-hidden' },
            `Choose the dead letter of ${m.tracking_id || m.message_id}`)),
          el('td', { class: 'op-mono' }, shown(m.tracking_id)),
          el('td', {}, shown(m.stage)),
          el('td', { class: 'op-reason' }, shown(m.reason)),
          el('td', { class: 'op-carries' }, carries(m.message)),
          el('td', {}, shown(m.http_status)),
          el('td', {}, shown(m.attempts)),
          el('td', {}, time(m.failed_at)),
          el('td', {}, m.dead_lettered_by === 'sqs-redrive-policy' ? 'SQS (its receives ran out)' : shown(m.dead_lettered_by)),
          el('td', { class: 'op-mono' }, shown(m.message_id)));
      })));
  }

  async function load() {
    status.textContent = 'Loading…';
    try {
      const data = await admin.deadLetters(queue.name, LIST_MAX);
      messages = Array.isArray(data.messages) ? data.messages : [];
      replace(body, table());
      status.textContent = `${messages.length === 0 ? 'Empty' : `${messages.length} seen`}${messages.length >= LIST_MAX
        ? ` (the first ${LIST_MAX}; more may wait)` : ''} · DLQ ${shown(data.dead_letter_queue)} of ${shown(data.queue)} · listed ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      messages = [];
      replace(body);
      status.textContent = `The dead letters could not be listed: ${reason(e)}.`;
    }
    updateButtons();
  }

  function ask(ids) {
    const what = ids ? `${ids.length} chosen dead letter(s)` : `every dead letter (up to 500)`;
    const yes = el('button', { type: 'button', class: 'danger', id: `dlq-${queue.name}-confirm-yes` }, 'Yes, redrive');
    const no = el('button', { type: 'button', class: 'secondary', id: `dlq-${queue.name}-confirm-no` }, 'Cancel');
    replace(confirmBox,
      el('p', { id: `dlq-${queue.name}-confirm-text` }, `Redrive ${what} of ${queue.name} back to ${queue.back}?`),
      yes, ' ', no);
    confirmBox.setAttribute('role', 'group');
    confirmBox.setAttribute('aria-labelledby', `dlq-${queue.name}-confirm-text`);
    confirmBox.hidden = false;
    confirmBox.onkeydown = (event) => {
      if (event.key === 'Escape' && !no.disabled) {
        event.preventDefault();
        no.click();
      }
    };
    no.addEventListener('click', () => {
      confirmBox.hidden = true;
      replace(confirmBox);
      replace(result, el('p', {}, 'Redrive cancelled: nothing was moved.'));
      (ids ? chosenBtn : allBtn).focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        const done = await admin.redrive(queue.name, ids);
        const moved = Array.isArray(done.message_ids) ? done.message_ids : [];
        const missing = Array.isArray(done.not_found) ? done.not_found : [];
        const said = `Redriven from ${queue.name}: ${done.redriven} dead letter(s)${ids && done.redriven < ids.length
          ? ` of ${ids.length} chosen` : ''}.`;
        replace(result, el('p', {}, said),
          moved.length ? el('ul', { class: 'op-plain op-mono', 'aria-label': 'Redriven message ids' },
            moved.map((id) => el('li', {}, id))) : null,
          missing.length ? el('p', { class: 'op-error' }, `Not found, so not moved (gone already, or hidden a moment by `
            + `another listing): ${missing.join(', ')}.`) : null);
      } catch (e) {
        const said = `The redrive from ${queue.name} failed: ${reason(e)}.`;
        replace(result, el('p', { class: 'op-error' }, said));
      }
      confirmBox.hidden = true;
      replace(confirmBox);
      await load();
      reloadBtn.focus();
    });
    yes.focus();
  }

  chosenBtn.addEventListener('click', () => {
    const ids = chosen();
    if (ids.length) {
      ask(ids);
    }
  });
  allBtn.addEventListener('click', () => ask(null));
  reloadBtn.addEventListener('click', load);

  const section = el('section', { class: 'op-section', 'aria-labelledby': headingId, 'data-queue': queue.name },
    el('h2', { id: headingId }, queue.title),
    el('div', { class: 'op-toolbar' }, reloadBtn, chosenBtn, allBtn),
    status, confirmBox, result, body);
  return { section, load };
}

export function showDeadLetters(view) {
  const parts = QUEUES.map(queueSection);
  replace(view,
    el('h1', { tabindex: '-1' }, 'Dead letters'),
    el('p', { class: 'op-note' }, 'Listing leaves each dead letter on its DLQ. A redrive sends it back to its work queue with ',
      'a redrive count; a cancelled question is never asked again.'),
    parts.map((p) => p.section));
  parts.forEach((p) => p.load());
  return () => {};
}
