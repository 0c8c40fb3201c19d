// What the caller console's pages share: the API (the key in sessionStorage), the page frame, notices and announcements.

import {Api, ApiError} from './shared/api.js';
import {h, replace} from './shared/dom.js';

export const api = new Api('gateway.caller.key');

export const state = {open: false, leave: null};

/** Says something to screen readers (the page's polite live region). */
export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = message;
  }, 30);
}

/** An error box for a failed call (the API's own message), or a success note. */
export function notice(kind, message) {
  return h('div', {class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, message);
}

export function errorText(error) {
  return error instanceof ApiError ? error.message : 'Something went wrong in the console.';
}

function main() {
  return document.getElementById('main');
}

/** A new page: the previous page's streams and timers stop, the heading takes the focus. */
export function page(title, ...content) {
  const heading = h('h1', {tabindex: '-1', id: 'page-title'}, title);
  replace(main(), heading, ...content);
  document.title = `${title} — AI Webhook Gateway console`;
  if (document.activeElement !== document.body || window.location.hash) {
    heading.focus({preventScroll: false});
  }
  return heading;
}

/** Whoever runs until the page is left (a stream's AbortController, a timer) registers its stop here. */
export function onLeave(stop) {
  const previous = state.leave;
  state.leave = () => {
    if (previous) {
      previous();
    }
    stop();
  };
}

export function leave() {
  if (state.leave) {
    const stop = state.leave;
    state.leave = null;
    stop();
  }
}

/** A status, as a badge: its word, coloured by what it means. */
export function badge(value) {
  const kind = {
    answered: 'ok', delivered: 'ok', healthy: 'ok',
    failed: 'bad', dead_lettered: 'bad', paused: 'bad', unhealthy: 'bad',
    cancelled: 'warn', degraded: 'warn', resuming: 'warn', parked: 'warn',
  }[value] || 'info';
  return h('span', {class: `badge ${kind}`}, value === null || value === undefined ? '—' : String(value).replace(/_/g, ' '));
}
