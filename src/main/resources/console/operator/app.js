// The operator console: sign-in with the admin token (or none on an open gateway), then three pages on hash routes.

import { ApiError, PROBE, call, reason, setToken, token } from './admin.js';
import { showDeadLetters } from './deadletters.js';
import { showEndpoints } from './endpoints.js';
import { showOverview } from './overview.js';
import { announce } from './ui.js';

const ROUTES = {
  overview: { title: 'Overview', show: showOverview },
  'dead-letters': { title: 'Dead letters', show: showDeadLetters },
  endpoints: { title: 'Callers and endpoints', show: showEndpoints },
};

const nav = document.getElementById('nav');
const view = document.getElementById('view');
const signIn = document.getElementById('sign-in');
const form = document.getElementById('sign-in-form');
const tokenInput = document.getElementById('admin-token');
const signInError = document.getElementById('sign-in-error');
const sessionState = document.getElementById('session-state');
const signOut = document.getElementById('sign-out');

let inside = false;
/** The route on the page now (null before the first). */
let shownRoute = null;
let stopPage = () => {};

function routeName() {
  const hash = window.location.hash || '';
  const name = hash.startsWith('#/') ? hash.slice(2) : '';
  return ROUTES[name] ? name : 'overview';
}

function show() {
  if (!inside) {
    return;
  }
  stopPage();
  const name = routeName();
  const route = ROUTES[name];
  shownRoute = name;
  document.title = `${route.title} · Operator console · AI Webhook Gateway`;
  nav.querySelectorAll('a[data-route]').forEach((a) => {
    if (a.dataset.route === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  stopPage = route.show(view) || (() => {});
  const heading = view.querySelector('h1');
  if (heading && document.activeElement !== tokenInput) {
    heading.focus();
  }
}

function enter(open) {
  inside = true;
  signIn.hidden = true;
  nav.hidden = false;
  signOut.hidden = open;
  sessionState.textContent = open
    ? 'Open gateway: its admin API needs no token here (local profile), so no sign-in.'
    : 'Signed in with the admin token (kept in this tab only).';
  announce(open ? 'Open gateway: no admin token needed.' : 'Signed in.');
  show();
}

function leave(message) {
  inside = false;
  stopPage();
  stopPage = () => {};
  view.replaceChildren();
  nav.hidden = true;
  signOut.hidden = true;
  sessionState.textContent = 'Not signed in.';
  signIn.hidden = false;
  signInError.textContent = message || '';
  tokenInput.value = '';
  tokenInput.focus();
}

/** Whether the gateway lets this tab in: 'in', 'refused' (401), or a message to show. */
async function probe() {
  try {
    await call('GET', PROBE);
    return 'in';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      return 'refused';
    }
    if (e instanceof ApiError && e.status === 403) {
      return 'Admin operations are disabled on this gateway: it has no ADMIN_TOKEN.';
    }
    return `The gateway did not answer as expected: ${reason(e)}.`;
  }
}

async function start() {
  const had = token();
  const answer = await probe();
  if (answer === 'in') {
    enter(!had);
  } else if (answer === 'refused') {
    setToken(null);
    leave(had ? 'The saved admin token is no longer accepted: sign in again.' : '');
  } else {
    leave(answer);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = tokenInput.value.trim();
  if (!value) {
    signInError.textContent = 'Enter the admin token.';
    tokenInput.focus();
    return;
  }
  setToken(value);
  signInError.textContent = 'Checking…';
  const answer = await probe();
  if (answer === 'in') {
    tokenInput.value = '';
    signInError.textContent = '';
    enter(false);
  } else {
    setToken(null);
    signInError.textContent = answer === 'refused' ? 'That admin token was refused.' : answer;
    tokenInput.select();
  }
});

signOut.addEventListener('click', () => {
  setToken(null);
  leave('Signed out.');
});

window.addEventListener('operator:unauthorized', () => {
  if (inside && token()) {
    setToken(null);
    leave('The admin token was refused: sign in again.');
  }
});

window.addEventListener('hashchange', () => {
  const hash = window.location.hash || '';
  if (!hash.startsWith('#/')) {
    // an in-page link (the skip link to #main): the page stays, its route back in the address
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (shownRoute) {
      window.history.replaceState(null, '', `#/${shownRoute}`);
    }
    if (target) {
      target.focus();
    }
    return;
  }
  show();
});
start();
