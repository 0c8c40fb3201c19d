// The operator pages' DOM helpers. Every piece of text from the gateway (reasons, URLs, names) goes in as a text node:
// nothing here parses HTML, so hostile content stays inert.

/**
 * An HTML element: props are attributes (strings, numbers, booleans; null/false leave them out) except `on*` functions
 * (event listeners) and `class`; children are nodes, strings (text nodes) or arrays of them; null children are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element, with the same props and children as {@link el}. */
export function svg(tag, props = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

function applyProps(node, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'style') {
      throw new Error('no style attributes: the CSP forbids them; use a class');
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Says something to screen readers (the page's polite live region) and returns it. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    // a fresh text node, a tick later, so the same words said twice are read twice
    setTimeout(() => { region.textContent = text; }, 50);
  }
  return text;
}

/** A timestamp as local date and time, the ISO text kept in the element's datetime. */
export function time(iso) {
  if (!iso) {
    return el('span', { class: 'op-muted' }, '—');
  }
  const at = new Date(iso);
  const shown = Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
  return el('time', { datetime: iso, title: iso }, shown);
}

/** A value or an em dash. */
export function text(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}
