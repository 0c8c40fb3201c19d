// The admin API of this management port, as the operator pages call it. The admin token lives in this tab's
// sessionStorage only and goes out as a bearer token; it is never put in a URL.

const TOKEN_KEY = 'gateway.console.operator.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** A call of the admin API: its JSON answer, or an ApiError with the status and the gateway's error text. */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, 'the gateway cannot be reached');
  }
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401 && path !== PROBE) {
      window.dispatchEvent(new CustomEvent('operator:unauthorized'));
    }
    const retry = response.headers.get('Retry-After');
    const said = json && typeof json.error === 'string' ? json.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, retry && response.status === 429 ? `${said}` : said);
  }
  return json;
}

/** The call that tells whether the token (or none) is let in. */
export const PROBE = '/admin/callers';

const QUEUES = ['requests', 'deliveries'];

function queue(name) {
  if (!QUEUES.includes(name)) {
    throw new Error(`unknown queue ${name}`);
  }
  return name;
}

export const admin = {
  overview: () => call('GET', '/admin/overview'),
  callers: () => call('GET', '/admin/callers'),
  endpoints: () => call('GET', '/admin/endpoints'),
  deadLetters: (name, max = 100) => call('GET', `/admin/dlq/${queue(name)}?max=${max}`),
  /** Redrives the chosen dead letters (their DLQ message ids), or every one (up to max) when ids is null. */
  redrive: (name, ids, max = 500) => {
    if (ids && ids.length === 0) {
      throw new Error('no dead letter chosen'); // an empty choice must never become "all"
    }
    const query = new URLSearchParams({ max: String(max) });
    for (const id of ids || []) {
      query.append('message_id', id);
    }
    return call('POST', `/admin/dlq/${queue(name)}/redrive?${query}`);
  },
  endpointAction: (caller, name, action, body) => call('POST',
    `/admin/endpoints/${encodeURIComponent(caller)}/${encodeURIComponent(name)}/${action}`, body),
};
