// The consoles' only way to put things in the page: elements made with createElement, text with text nodes
// (textContent), attributes with setAttribute. Never innerHTML: whatever an agent, a caller or a receiver wrote stays text.

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href']);

/** The URL when it is http: or https: (absolute, or relative to the page), else null. */
export function safeUrl(value) {
  if (typeof value !== 'string') {
    return null;
  }
  let url;
  try {
    url = new URL(value.trim(), window.location.href);
  } catch (e) {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/**
 * An element: h('a', {href: '#/x', class: 'row', onclick: fn}, 'text', child, [more, children]).
 * Attributes whose value is a function become event listeners (onclick -> click); other "on..." attributes are refused;
 * URL attributes must be http(s) (or a same-page #fragment), else they are left out. Children: nodes, strings (as text),
 * numbers, arrays; null, undefined and false are skipped.
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    const lower = name.toLowerCase();
    if (typeof value === 'function') {
      if (lower.startsWith('on')) {
        element.addEventListener(lower.slice(2), value);
      }
      continue;
    }
    if (lower.startsWith('on') || lower === 'style' || lower === 'srcdoc') {
      continue;
    }
    if (URL_ATTRIBUTES.has(lower)) {
      const text = String(value);
      const url = text.startsWith('#') ? text : safeUrl(text);
      if (url !== null) {
        element.setAttribute(name, url);
      }
      continue;
    }
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (as h does) to parent; returns parent. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of parent with these. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A text node. */
export function text(value) {
  return document.createTextNode(value === null || value === undefined ? '' : String(value));
}

/** An external link: http(s) only (else the text alone), opened without giving the page away. */
export function link(href, label) {
  const url = safeUrl(href);
  if (url === null) {
    return text(label);
  }
  return h('a', {href: url, rel: 'noopener noreferrer', target: '_blank'}, label);
}

/** An instant as the reader's local time (and the ISO text as its title); '—' when absent. */
export function time(iso) {
  if (!iso) {
    return h('span', {}, '—');
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return h('span', {}, String(iso));
  }
  return h('time', {datetime: date.toISOString(), title: date.toISOString()}, date.toLocaleString());
}
