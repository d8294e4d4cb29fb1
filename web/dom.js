// Building the page from data without ever parsing data as HTML: every string from the API
// (report contents are written by whoever sends a report) becomes a text node.

// h('td', {class: 'num'}, 'text', child, ...): an element with attributes and children.
// Attribute values are set with setAttribute (never as markup); `on*` attributes are refused,
// event handlers are attached with addEventListener by the caller. Children that are strings
// or numbers become text nodes; null, undefined and false are skipped; arrays are flattened.
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') || name === 'style') {
      throw new Error(`h(): attribute ${name} is not allowed`);
    }
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
  return node;
}

// Replaces the children of `node` with `children`.
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no element #${id}`);
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

// A table with a header row and one row per item. `columns`: [{title, cell(row) -> node or
// string, num: true for right-aligned figures}]. `caption` is for screen readers and the eye.
// `stack`: on a phone, show each row as a block of "title: value" lines instead of a table that
// scrolls sideways (for tables of many columns).
export function table(columns, rows, { caption, empty = 'Nothing in this period.', rowClass, stack = false } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)));
  const body = rows.map((row) =>
    h(
      'tr',
      { class: rowClass ? rowClass(row) : null },
      columns.map((c) => h('td', { class: c.num ? 'num' : null, 'data-label': c.title }, h('span', {}, c.cell(row)))),
    ),
  );
  return h(
    'div',
    { class: stack ? 'table-wrap stack' : 'table-wrap' },
    h('table', {}, caption ? h('caption', {}, caption) : null, h('thead', {}, head), h('tbody', {}, body)),
  );
}

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatCount(n) {
  return typeof n === 'number' ? integer.format(n) : '–';
}

// "12.5 %" of failed / (successful + failed), "–" when there were no sessions.
export function formatRate(successful, failed) {
  const total = (successful || 0) + (failed || 0);
  if (!total) return '–';
  const rate = (100 * (failed || 0)) / total;
  const digits = rate === 0 || rate >= 10 ? 1 : rate >= 1 ? 2 : 3;
  return `${rate.toFixed(digits)} %`;
}

// "2024-09-15 00:00 UTC" from an RFC 3339 time; the text as given when it does not parse.
export function formatTime(text) {
  if (typeof text !== 'string') return '–';
  const t = Date.parse(text);
  if (Number.isNaN(t)) return text;
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function formatDay(text) {
  if (typeof text !== 'string') return '–';
  const t = Date.parse(text);
  if (Number.isNaN(t)) return text;
  return new Date(t).toISOString().slice(0, 10);
}

export function formatBytes(n) {
  if (typeof n !== 'number') return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// Empty keys of the summary ("" for no MX name, no IP, no policy domain) shown as such.
export function orNone(text) {
  return text === '' || text === null || text === undefined ? h('span', { class: 'none' }, '(none)') : text;
}
