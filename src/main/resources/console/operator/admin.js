// The admin API of this management port, as the operator pages call it, through the consoles' shared client
// (shared/api.js): the admin token lives in this tab's sessionStorage only and goes out as a bearer token, never in a URL.

import { Api, ApiError } from './shared/api.js';

export { ApiError };

const api = new Api('gateway.operator.token');

/** The call that tells whether the token (or none) is let in. */
export const PROBE = '/admin/callers';

export function token() {
  return api.credential() || null;
}

export function setToken(value) {
  if (value) {
    api.setCredential(value);
  } else {
    api.clearCredential();
  }
}

/**
 * A call of the admin API: its JSON answer, or an ApiError with the status and the gateway's error text. A 401 (the
 * token no longer accepted) also tells the page, which asks for the token again.
 */
export async function call(method, path, { params, body } = {}) {
  try {
    return await api.request(method, path, { params, body });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && path !== PROBE) {
      window.dispatchEvent(new CustomEvent('operator:unauthorized'));
    }
    throw e;
  }
}

/** An error's message as part of a sentence (without its final full stop). */
export function reason(e) {
  return String((e && e.message) || e).replace(/\.+$/, '');
}

const QUEUES = ['requests', 'deliveries'];

function queue(name) {
  if (!QUEUES.includes(name)) {
    throw new Error(`unknown queue ${name}`);
  }
  return name;
}

export const admin = {
  overview: () => call('GET', '/admin/overview'),
  callers: () => call('GET', PROBE),
  endpoints: () => call('GET', '/admin/endpoints'),
  deadLetters: (name, max = 100) => call('GET', `/admin/dlq/${queue(name)}`, { params: { max } }),
  /** Redrives the chosen dead letters (their DLQ message ids), or every one (up to max) when ids is null. */
  redrive: (name, ids, max = 500) => {
    if (ids && ids.length === 0) {
      throw new Error('no dead letter chosen'); // an empty choice must never become "all"
    }
    return call('POST', `/admin/dlq/${queue(name)}/redrive`, { params: { max, message_id: ids || [] } });
  },
  endpointAction: (caller, name, action, body) => call('POST',
    `/admin/endpoints/${encodeURIComponent(caller)}/${encodeURIComponent(name)}/${action}`, { body }),
};
