// The operator pages' DOM helpers, on top of the consoles' shared builder (shared/dom.js). Every piece of text from the
// gateway (reasons, URLs, names) goes in as a text node: nothing here parses HTML, so hostile content stays inert.

import { append, h, replace, time } from './shared/dom.js';

/** An HTML element, made by the shared builder (text as text nodes, no style attribute, no on* strings). */
export const el = h;
export { replace, time };

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An SVG element (the charts): attributes set with setAttribute (numbers and strings; null, undefined and false left
 * out; never a style or an on* attribute), children as {@link el} takes them.
 */
export function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    const lower = name.toLowerCase();
    if (value === null || value === undefined || value === false || lower === 'style' || lower.startsWith('on')
        || lower.endsWith('href')) {
      continue;
    }
    node.setAttribute(name, String(value));
  }
  return append(node, children);
}

/** Says something to screen readers (the page's polite live region) and returns it. */
export function announce(words) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    // set a moment later, so the same words said twice are read twice
    setTimeout(() => { region.textContent = words; }, 50);
  }
  return words;
}

/** A value as text, or an em dash when there is none. */
export function shown(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}
