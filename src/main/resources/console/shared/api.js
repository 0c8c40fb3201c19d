// The consoles' calls to the gateway: JSON over fetch, with the key or token kept in this tab's sessionStorage (never a
// URL, a cookie or the page), errors as the API's own message, and the event streams read over fetch (EventSource cannot
// send an Authorization header), resumed with Last-Event-ID.

/** An answer the API refused: its HTTP status and the message of its JSON error. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** The message of an error body: {"error":"..."} or {"error":{"message":"..."}}; else a line about the status. */
export function errorMessage(status, body) {
  const error = body && body.error;
  if (typeof error === 'string' && error) {
    return error;
  }
  if (error && typeof error.message === 'string' && error.message) {
    return error.message;
  }
  if (status === 0) {
    return 'The gateway cannot be reached.';
  }
  return `The gateway answered ${status}.`;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    for (const one of [value].flat()) {
      if (one !== null && one !== undefined && one !== '') {
        search.append(name, String(one));
      }
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class Api {
  /** @param storageKey the sessionStorage key of the credential (e.g. 'gateway.caller.key') */
  constructor(storageKey) {
    this.storageKey = storageKey;
  }

  credential() {
    try {
      return window.sessionStorage.getItem(this.storageKey) || '';
    } catch (e) {
      return '';
    }
  }

  setCredential(value) {
    window.sessionStorage.setItem(this.storageKey, value);
  }

  clearCredential() {
    window.sessionStorage.removeItem(this.storageKey);
  }

  headers(extra) {
    const headers = {Accept: 'application/json', ...(extra || {})};
    const credential = this.credential();
    if (credential) {
      headers.Authorization = `Bearer ${credential}`;
    }
    return headers;
  }

  /** A call: the parsed JSON of a 2xx answer, else an ApiError (status 0 when the gateway could not be reached). */
  async request(method, path, {params, body, signal, anonymous} = {}) {
    const headers = anonymous ? {Accept: 'application/json'} : this.headers();
    const init = {method, headers, signal, cache: 'no-store', credentials: 'omit'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path + query(params), init);
    } catch (e) {
      if (e && e.name === 'AbortError') {
        throw e;
      }
      throw new ApiError(0, errorMessage(0, null), null);
    }
    let json = null;
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      try {
        json = await response.json();
      } catch (e) {
        json = null;
      }
    }
    if (!response.ok) {
      let message = errorMessage(response.status, json);
      const retry = response.headers.get('Retry-After');
      if (response.status === 429 && retry && !message.includes('retry')) {
        message += ` (retry after ${retry} s)`;
      }
      throw new ApiError(response.status, message, json);
    }
    return json;
  }

  get(path, params, options) {
    return this.request('GET', path, {...(options || {}), params});
  }

  post(path, body, options) {
    return this.request('POST', path, {...(options || {}), body});
  }

  delete(path, options) {
    return this.request('DELETE', path, options || {});
  }

  /**
   * Reads a text/event-stream (GET path) until it ends or signal aborts: onEvent({id, event, data}) for each event
   * (data parsed as JSON when it is JSON). A dropped connection is opened again after retryMillis with the
   * Last-Event-ID of the last event seen, as EventSource does; an HTTP refusal (4xx) ends the reading with onError(ApiError).
   * Resolves when the server ends the stream (the question ended) or the reading is aborted.
   */
  async stream(path, {onEvent, onError, onOpen, signal, lastEventId = null, retryMillis = 2000} = {}) {
    let last = lastEventId;
    while (!(signal && signal.aborted)) {
      const headers = this.headers({Accept: 'text/event-stream'});
      if (last !== null && last !== undefined && last !== '') {
        headers['Last-Event-ID'] = String(last);
      }
      let response;
      try {
        response = await fetch(path, {headers, signal, cache: 'no-store', credentials: 'omit'});
      } catch (e) {
        if (signal && signal.aborted) {
          return;
        }
        await pause(retryMillis, signal);
        continue;
      }
      if (!response.ok) {
        let json = null;
        try {
          json = await response.json();
        } catch (e) {
          json = null;
        }
        const error = new ApiError(response.status, errorMessage(response.status, json), json);
        if (response.status >= 500 || response.status === 429) {
          if (onError) {
            onError(error);
          }
          await pause(retryMillis, signal);
          continue;
        }
        if (onError) {
          onError(error);
        }
        return;
      }
      if (onOpen) {
        onOpen();
      }
      try {
        await readEvents(response.body, (event) => {
          if (event.id !== null) {
            last = event.id;
          }
          if (onEvent) {
            onEvent(event);
          }
        });
        return; // the server ended the stream: the question has ended
      } catch (e) {
        if (signal && signal.aborted) {
          return;
        }
        await pause(retryMillis, signal);
      }
    }
  }
}

function pause(millis, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, millis);
    if (signal) {
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, {once: true});
    }
  });
}

/** Parses an event stream's bytes (the WHATWG rules: fields id, event, data; comments and retry ignored). */
async function readEvents(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let id = null;
  let type = '';
  let data = [];
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) {
          const raw = data.join('\n');
          let parsed = raw;
          try {
            parsed = JSON.parse(raw);
          } catch (e) {
            parsed = raw;
          }
          emit({id, event: type || 'message', data: parsed});
        }
        type = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'id') {
        id = value;
      } else if (field === 'event') {
        type = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
  }
}
