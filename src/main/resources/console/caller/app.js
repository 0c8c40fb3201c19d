// The caller console: one page, hash routes (#/conversations, #/conversations/<id>, #/endpoints, #/sign-in). The API
// key lives in this tab's sessionStorage only and goes out as Authorization: Bearer on each fetch; on an open gateway
// (an unauthenticated GET /endpoints answers 200) no key is asked for.

import {ApiError} from './shared/api.js';
import {h, replace} from './shared/dom.js';
import {announce, api, errorText, leave, notice, page, state} from './ui.js';
import {conversationsPage} from './conversations.js';
import {conversationPage} from './conversation.js';
import {endpointsPage} from './endpoints.js';

function signedIn() {
  return state.open || api.credential() !== '';
}

function header() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  nav.hidden = !signedIn();
  const route = (window.location.hash.split('/')[1] || '').split('?')[0];
  for (const link of nav.querySelectorAll('a[data-route]')) {
    if (link.dataset.route === route) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (!signedIn()) {
    replace(who);
  } else if (state.open) {
    replace(who, h('span', {}, 'Open gateway: no key needed'));
  } else {
    replace(who, h('span', {}, 'Signed in with an API key'),
        h('button', {type: 'button', class: 'secondary', id: 'sign-out', onclick: signOut}, 'Sign out'));
  }
}

function signOut() {
  api.clearCredential();
  announce('Signed out. The key is gone from this tab.');
  window.location.hash = '#/sign-in';
}

function signInPage(message) {
  const input = h('input', {id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true,
    spellcheck: 'false', 'aria-describedby': 'api-key-help'});
  const status = h('div', {id: 'sign-in-status'});
  const form = h('form', {class: 'panel', id: 'sign-in', novalidate: true},
      h('div', {class: 'field'},
          h('label', {for: 'api-key'}, 'API key'),
          input,
          h('p', {id: 'api-key-help', class: 'muted'},
              'Your caller key. It is kept in this browser tab only (session storage) and sent with each call; '
              + 'closing the tab or signing out forgets it.')),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Sign in')),
      status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      replace(status, notice('error', 'Enter your API key.'));
      input.focus();
      return;
    }
    api.setCredential(key);
    try {
      await api.get('/endpoints');
      input.value = '';
      announce('Signed in.');
      window.location.hash = '#/conversations';
    } catch (error) {
      api.clearCredential();
      replace(status, notice('error', error.status === 401 ? 'That key is not accepted: check it and try again.'
          : errorText(error)));
      input.focus();
    }
  });
  page('Sign in', message ? notice('success', message) : null, form);
  input.focus();
}

async function route() {
  leave();
  const hash = window.location.hash || '#/conversations';
  const [path, query] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean);
  header();
  if (!signedIn() || parts[0] === 'sign-in') {
    if (signedIn()) {
      window.location.hash = '#/conversations';
      return;
    }
    signInPage(null);
    return;
  }
  const params = new URLSearchParams(query || '');
  try {
    if (parts[0] === 'conversations' && parts[1]) {
      await conversationPage(decodeURIComponent(parts[1]));
    } else if (parts[0] === 'endpoints') {
      await endpointsPage();
    } else {
      await conversationsPage(params);
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      api.clearCredential();
      header();
      signInPage(null);
      replace(document.getElementById('sign-in-status'), notice('error', 'Your key was refused: sign in again.'));
      return;
    }
    page('Something went wrong', notice('error', errorText(error)));
  }
}

async function start() {
  if (api.credential() === '') {
    try {
      await api.get('/endpoints', null, {anonymous: true});
      state.open = true;
    } catch (error) {
      state.open = false;
    }
  }
  if (state.open && (!window.location.hash || window.location.hash === '#/sign-in')) {
    window.history.replaceState(null, '', '#/conversations');
  }
  window.addEventListener('hashchange', route);
  await route();
  if (state.open) {
    announce('This gateway is open: no key is needed.');
  }
}

start();
