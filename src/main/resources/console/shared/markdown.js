// Markdown to DOM for the agent's answers, which are hostile text: every piece ends up as a text node inside elements
// this module makes itself (never innerHTML), so HTML in an answer shows as the characters it is. Links keep their href
// only when it is http: or https:; any other (javascript:, data:, relative) shows as plain text. Covers what answers
// use: ATX headings, paragraphs, bullet and numbered lists (nested by indentation), block quotes, fenced code, thematic
// breaks, GFM tables, and inline code, **strong**, *emphasis*, ~~strike~~, [links](url), <autolinks> and hard breaks.

import {h, safeUrl, text} from './dom.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_SEPARATOR = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** The answer's markdown as a DocumentFragment (empty for null or empty text). */
export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  if (typeof source !== 'string' || source === '') {
    return fragment;
  }
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  blocks(lines, fragment, 0);
  return fragment;
}

function blocks(lines, parent, depth) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    let match;
    if ((match = FENCE.exec(line))) {
      const fence = match[1];
      const language = match[2];
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence)) {
        body.push(lines[i]);
        i++;
      }
      i++; // the closing fence (or the end)
      const code = h('code', language ? {'data-language': language.slice(0, 40)} : {}, body.join('\n'));
      parent.appendChild(h('pre', {tabindex: '0'}, code));
      continue;
    }
    if ((match = HEADING.exec(line))) {
      const level = Math.min(6, match[1].length + 2); // the page's own h1/h2 come first
      parent.appendChild(h(`h${level}`, {class: 'md-heading'}, inline(match[2] || '')));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      parent.appendChild(h('hr', {}));
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && (match = QUOTE.exec(lines[i]))) {
        body.push(match[1]);
        i++;
      }
      const quote = h('blockquote', {});
      if (depth < 8) {
        blocks(body, quote, depth + 1);
      } else {
        quote.appendChild(text(body.join('\n')));
      }
      parent.appendChild(quote);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      i = table(lines, i, parent);
      continue;
    }
    if (ITEM.test(line)) {
      i = list(lines, i, parent, depth);
      continue;
    }
    const paragraph = [];
    while (i < lines.length && lines[i].trim() !== '' && !startsBlock(lines, i)) {
      paragraph.push(lines[i]);
      i++;
    }
    if (paragraph.length === 0) {
      paragraph.push(lines[i]);
      i++;
    }
    parent.appendChild(h('p', {}, paragraphInline(paragraph)));
  }
}

function startsBlock(lines, i) {
  const line = lines[i];
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line)
      || (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-'));
}

/** A paragraph's lines: joined by spaces, or by a <br> where a line ends in two spaces or a backslash. */
function paragraphInline(lines) {
  const nodes = [];
  lines.forEach((line, index) => {
    const hard = / {2,}$/.test(line) || /\\$/.test(line);
    const content = hard ? line.replace(/( {2,}|\\)$/, '') : line;
    nodes.push(...inline(content.trim()));
    if (index < lines.length - 1) {
      nodes.push(hard ? h('br', {}) : text(' '));
    }
  });
  return nodes;
}

function list(lines, start, parent, depth) {
  const first = ITEM.exec(lines[start]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const element = h(ordered ? 'ol' : 'ul', {});
  if (ordered) {
    const number = parseInt(first[2], 10);
    if (number !== 1) {
      element.setAttribute('start', String(number));
    }
  }
  let i = start;
  while (i < lines.length) {
    const match = ITEM.exec(lines[i]);
    if (!match || match[1].length !== indent || /\d/.test(match[2]) !== ordered) {
      break;
    }
    const body = [match[3]];
    i++;
    // the item's own lines: more indented than its marker (nested lists included), or a lazy continuation
    while (i < lines.length && lines[i].trim() !== '') {
      const next = ITEM.exec(lines[i]);
      const lineIndent = lines[i].length - lines[i].trimStart().length;
      if (next && next[1].length <= indent) {
        break;
      }
      if (!next && lineIndent <= indent && startsBlock(lines, i)) {
        break;
      }
      body.push(lineIndent > indent ? lines[i].slice(Math.min(lineIndent, indent + 2)) : lines[i]);
      i++;
    }
    const item = h('li', {});
    const nested = body.findIndex((l, n) => n > 0 && ITEM.test(l));
    const own = nested < 0 ? body : body.slice(0, nested);
    item.appendChild(paragraphFragment(own));
    if (nested >= 0) {
      if (depth < 8) {
        blocks(body.slice(nested).map((l) => l.replace(/^ {1,4}/, '')), item, depth + 1);
      } else {
        item.appendChild(text(body.slice(nested).join('\n')));
      }
    }
    element.appendChild(item);
    // a blank line between items keeps the list going
    if (i < lines.length && lines[i].trim() === '' && i + 1 < lines.length) {
      const after = ITEM.exec(lines[i + 1]);
      if (after && after[1].length === indent && /\d/.test(after[2]) === ordered) {
        i++;
      }
    }
  }
  parent.appendChild(element);
  return i;
}

function paragraphFragment(lines) {
  const fragment = document.createDocumentFragment();
  for (const node of paragraphInline(lines)) {
    fragment.appendChild(node);
  }
  return fragment;
}

function cells(line) {
  let row = line.trim();
  if (row.startsWith('|')) {
    row = row.slice(1);
  }
  if (row.endsWith('|') && !row.endsWith('\\|')) {
    row = row.slice(0, -1);
  }
  const result = [];
  let current = '';
  for (let k = 0; k < row.length; k++) {
    if (row[k] === '\\' && row[k + 1] === '|') {
      current += '|';
      k++;
    } else if (row[k] === '|') {
      result.push(current.trim());
      current = '';
    } else {
      current += row[k];
    }
  }
  result.push(current.trim());
  return result;
}

function table(lines, start, parent) {
  const header = cells(lines[start]);
  const aligns = cells(lines[start + 1]).map((c) => {
    const left = c.startsWith(':');
    const right = c.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
  });
  const head = h('tr', {}, header.map((c, k) => h('th', {scope: 'col', class: aligns[k] ? `align-${aligns[k]}` : null},
      inline(c))));
  const body = h('tbody', {});
  let i = start + 2;
  while (i < lines.length && lines[i].trim() !== '' && lines[i].includes('|')) {
    const row = cells(lines[i]);
    body.appendChild(h('tr', {}, header.map((_, k) => h('td', {class: aligns[k] ? `align-${aligns[k]}` : null},
        inline(row[k] || '')))));
    i++;
  }
  parent.appendChild(h('div', {class: 'md-table', tabindex: '0'}, h('table', {}, h('thead', {}, head), body)));
  return i;
}

/** Inline markdown as nodes: code spans first (their content is literal), then links, emphasis and text. */
export function inline(source) {
  const nodes = [];
  let rest = source;
  let plain = '';
  const flush = () => {
    if (plain) {
      nodes.push(text(plain));
      plain = '';
    }
  };
  let guard = 0;
  while (rest.length > 0 && guard++ < 100000) {
    let match;
    if (rest[0] === '\\' && rest.length > 1 && /[\\`*_{}\[\]()#+\-.!|~<>]/.test(rest[1])) {
      plain += rest[1];
      rest = rest.slice(2);
      continue;
    }
    if ((match = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest))) {
      flush();
      nodes.push(h('code', {}, match[2].replace(/^ (.*) $/, '$1')));
      rest = rest.slice(match[0].length);
      continue;
    }
    if (rest[0] === '!' && rest[1] === '[') {
      // an image: shown as its alt text and its address (answers load nothing), through the link rule below
      plain += '!';
      rest = rest.slice(1);
      continue;
    }
    if (rest[0] === '[' && (match = linkAt(rest))) {
      flush();
      const url = safeUrl(match.href);
      const label = inline(match.label);
      if (url !== null && /^https?:/i.test(match.href.trim())) {
        nodes.push(h('a', {href: url, rel: 'noopener noreferrer', target: '_blank'}, label));
      } else {
        nodes.push(...label);
      }
      rest = rest.slice(match.length);
      continue;
    }
    if ((match = /^<(https?:\/\/[^\s<>]+)>/i.exec(rest))) {
      flush();
      const url = safeUrl(match[1]);
      nodes.push(url ? h('a', {href: url, rel: 'noopener noreferrer', target: '_blank'}, match[1]) : text(match[0]));
      rest = rest.slice(match[0].length);
      continue;
    }
    if ((match = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest))) {
      flush();
      nodes.push(h('strong', {}, inline(match[2])));
      rest = rest.slice(match[0].length);
      continue;
    }
    if ((match = /^~~(?=\S)([\s\S]*?\S)~~/.exec(rest))) {
      flush();
      nodes.push(h('del', {}, inline(match[1])));
      rest = rest.slice(match[0].length);
      continue;
    }
    if ((match = /^([*_])(?=[^\s*_])([\s\S]*?[^\s\\])\1(?![*_\w])/.exec(rest)) && (match[1] === '*' || !/\w$/.test(plain))) {
      flush();
      nodes.push(h('em', {}, inline(match[2])));
      rest = rest.slice(match[0].length);
      continue;
    }
    plain += rest[0];
    rest = rest.slice(1);
  }
  flush();
  return nodes;
}

/** [label](href "title") at the start of s: its parts and length, or null. Brackets and parentheses may nest once. */
function linkAt(s) {
  let depth = 0;
  let k = 0;
  for (; k < s.length; k++) {
    if (s[k] === '\\') {
      k++;
    } else if (s[k] === '[') {
      depth++;
    } else if (s[k] === ']') {
      depth--;
      if (depth === 0) {
        break;
      }
    }
  }
  if (depth !== 0 || s[k + 1] !== '(') {
    return null;
  }
  const label = s.slice(1, k);
  let j = k + 2;
  let parens = 0;
  for (; j < s.length; j++) {
    if (s[j] === '(') {
      parens++;
    } else if (s[j] === ')') {
      if (parens === 0) {
        break;
      }
      parens--;
    }
  }
  if (j >= s.length) {
    return null;
  }
  const target = s.slice(k + 2, j).trim();
  const href = target.replace(/\s+("[^"]*"|'[^']*')$/, '').replace(/^<(.*)>$/, '$1');
  return {label, href, length: j + 1};
}
