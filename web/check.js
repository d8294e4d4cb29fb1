// The public check page at /check: asks GET /api/v1/check?domain=D (the `check --json` object of
// docs/check.md) and shows the verdict, each part with its findings, their explanation and the
// record to publish. What the check found (TXT records, policies, certificate names) is shown as
// text only: a domain's owner writes it. A user signed in to the dashboard also sees whether
// this server receives reports for the domain (GET /api/v1/reporters) and a live probe link for
// each MX host; the public API shows neither.
import { api, ApiError } from './api.js';
import { h, fill, append, byId, show, table, formatCount, formatTime } from './dom.js';
import { explanationOf, fixFor, fixKey } from './findings.js';
import { arrivingWords } from './explain.js';

const kVerdictWords = {
  pass: 'Pass: senders find everything in order',
  warn: 'Warnings: it works, but some senders may not behave as you expect',
  fail: 'Fail: senders will ignore a mechanism, or mail or reports will be lost',
  unknown: 'Unknown: a step could not be completed, try again later',
};

const kSeverityWords = { error: 'Error', warning: 'Warning', info: 'Note', unknown: 'Unknown' };

const kSeverityOrder = { error: 0, warning: 1, unknown: 2, info: 3 };

// "user@Example.COM", "https://example.com/x" and "example.com." all mean example.com.
export function domainFromInput(text) {
  let name = String(text || '').trim();
  const at = name.lastIndexOf('@');
  if (at >= 0) name = name.slice(at + 1);
  name = name.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  name = name.replace(/[/?#].*$/, '');
  return name.replace(/\.$/, '').toLowerCase();
}

function badge(status) {
  const value = typeof status === 'string' ? status : 'unknown';
  return h('span', { class: `badge ${value}` }, value);
}

function yesNo(value, yes, no, unknown) {
  if (value === true) return h('span', { class: 'badge pass' }, yes);
  if (value === false) return h('span', { class: 'badge fail' }, no);
  return h('span', { class: 'none' }, unknown);
}

let copyCounter = 0;

// A value with a button that copies it exactly.
function copyable(text, label) {
  const id = `copy-${++copyCounter}`;
  const pre = h('pre', { id }, text);
  const button = h('button', { type: 'button', class: 'secondary copy', 'aria-describedby': id, 'aria-label': `Copy ${label}` }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      // No clipboard (plain http, an old browser): select the text for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2500);
  });
  return h('div', { class: 'copyable' }, pre, button);
}

function zoneLine(step) {
  return `${step.name}. 3600 IN TXT "${step.value.replace(/["\\]/g, '\\$&')}"`;
}

function renderStep(step) {
  if (step.kind === 'record') {
    return h(
      'div',
      { class: 'step' },
      h('dl', { class: 'facts' }, h('div', {}, h('dt', {}, 'Name'), h('dd', {}, h('code', {}, step.name))), h('div', {}, h('dt', {}, 'Type'), h('dd', {}, 'TXT'))),
      h('p', { class: 'step-label' }, 'Value'),
      copyable(step.value, `the value of the TXT record at ${step.name}`),
      h('details', {}, h('summary', {}, 'As a zone file line'), copyable(zoneLine(step), `the zone file line for ${step.name}`)),
    );
  }
  if (step.kind === 'file') {
    return h('div', { class: 'step' }, h('p', { class: 'step-label' }, 'File ', h('code', { class: 'wrap' }, step.url)), copyable(step.text, `the file ${step.url}`));
  }
  return h('div', { class: 'step' }, h('p', { class: 'step-label' }, step.label), copyable(step.text, step.label));
}

function renderFix(fix) {
  return h('div', { class: 'fix' }, h('p', {}, h('strong', {}, 'Fix: '), fix.title), fix.steps.map(renderStep));
}

function renderFindings(result, findings, shownFixes) {
  if (!findings.length) return h('p', { class: 'empty' }, 'No findings.');
  const sorted = [...findings].sort((a, b) => (kSeverityOrder[a.severity] ?? 9) - (kSeverityOrder[b.severity] ?? 9));
  return h(
    'ul',
    { class: 'findings' },
    sorted.map((f) => {
      const explanation = explanationOf(f.code);
      const fix = fixFor(result, f);
      const key = fix ? fixKey(fix) : null;
      const fresh = fix && !shownFixes.has(key);
      if (fresh) shownFixes.set(key, f.code);
      return h(
        'li',
        { class: 'finding' },
        h(
          'div',
          { class: 'finding-head' },
          h('span', { class: `badge ${f.severity}` }, kSeverityWords[f.severity] || f.severity),
          h('span', { class: 'finding-message' }, f.message || f.code),
        ),
        explanation ? h('p', {}, explanation) : null,
        f.subject ? h('p', {}, 'About: ', h('code', {}, f.subject)) : null,
        h('p', {}, h('code', { class: 'finding-code' }, f.code), f.ref ? h('span', { class: 'finding-ref' }, ` · ${f.ref}`) : null),
        fresh ? renderFix(fix) : fix ? h('p', { class: 'hint' }, 'The fix shown for ', h('code', {}, shownFixes.get(key)), ' above covers this too.') : null,
      );
    }),
  );
}

function section(id, title, status, ...content) {
  return h(
    'section',
    { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'section-head' }, h('h3', { id: `${id}-title` }, title), status ? badge(status) : null),
    content,
  );
}

function withPrefix(findings, prefix) {
  return findings.filter((f) => typeof f.code === 'string' && f.code.startsWith(prefix));
}

function lookupFailed(findings, prefix) {
  return findings.some((f) => f.code === `${prefix}lookup_failed`);
}

function partStatus(findings) {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'unknown')) return 'unknown';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

// Whether the visitor is signed in to the dashboard (its session cookie), asked once.
let signedIn = null;

async function isSignedIn() {
  if (signedIn === null) {
    try {
      await api('/api/v1/session', { quiet401: true });
      signedIn = true;
    } catch {
      signedIn = false;
    }
  }
  return signedIn;
}

// Reports this server received for `domain`: whether they arrive (a reporter is quiet when its
// last report ended more than two days ago), from which organisations, and when the last came.
function renderReporters(domain, reporters) {
  const { status, words } = arrivingWords(domain, reporters);
  return section(
    'part-reports',
    'Reports received by this server',
    status,
    h('p', { class: 'reports-arriving' }, words),
    reporters.length
      ? table(
          [
            { title: 'Organisation', cell: (r) => r.organization || h('span', { class: 'none' }, '(none)') },
            { title: 'Status', cell: (r) => (r.quiet ? h('span', { class: 'badge warn' }, 'Quiet') : h('span', { class: 'badge pass' }, 'Sending')) },
            { title: 'Reports', num: true, cell: (r) => formatCount(r.reports) },
            { title: 'Last report until', cell: (r) => formatTime(r.last_end) },
            { title: 'Last received', cell: (r) => formatTime(r.last_received) },
          ],
          reporters,
          { stack: true },
        )
      : null,
    h('p', { class: 'hint' }, 'Shown because you are signed in to the ', h('a', { href: '/' }, 'dashboard'), '.'),
  );
}

function renderResult(result, { signedIn: withProbes = false } = {}) {
  const findings = Array.isArray(result.findings) ? result.findings : [];
  const shownFixes = new Map(); // fixKey -> the code it was shown for
  const verdict = typeof result.verdict === 'string' ? result.verdict : 'unknown';
  const counts = { error: 0, warning: 0, info: 0, unknown: 0 };
  for (const f of findings) if (f.severity in counts) counts[f.severity] += 1;

  const summary = h(
    'section',
    { class: `verdict ${verdict}`, id: 'verdict', 'aria-labelledby': 'verdict-title' },
    h('h2', { id: 'verdict-title' }, result.domain || '', ': ', badge(verdict)),
    h('p', {}, kVerdictWords[verdict] || verdict),
    h(
      'p',
      { class: 'hint' },
      `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)` +
        (counts.unknown ? `, ${counts.unknown} step(s) not completed` : '') +
        (result.checked_at ? `. Checked ${result.checked_at.replace('T', ' ').replace('Z', ' UTC')}.` : '.'),
    ),
  );

  const tlsrpt = result.tlsrpt || {};
  const tlsrptFindings = withPrefix(findings, 'tlsrpt.');
  const records = Array.isArray(tlsrpt.records) ? tlsrpt.records : [];
  const rua = Array.isArray(tlsrpt.rua) ? tlsrpt.rua : [];
  const tlsrptPart = section(
    'part-tlsrpt',
    'TLS-RPT: where senders report failures',
    tlsrpt.status,
    h('h4', {}, `TXT at _smtp._tls.${result.domain || ''}`),
    records.length
      ? h('ul', { class: 'records' }, records.map((r) => h('li', {}, h('code', { class: 'wrap' }, r))))
      : h('p', { class: 'empty' }, lookupFailed(findings, 'tlsrpt.') ? 'The lookup did not complete.' : 'No record found.'),
    rua.length
      ? [
          h('h4', {}, 'Report destinations'),
          table(
            [
              { title: 'Destination', cell: (d) => h('code', { class: 'wrap' }, d.uri) },
              { title: 'Kind', cell: (d) => d.scheme },
              { title: 'Status', cell: (d) => badge(d.status) },
            ],
            rua,
          ),
        ]
      : null,
    renderFindings(result, tlsrptFindings, shownFixes),
  );

  const sts = result.mta_sts || {};
  const policy = sts.policy;
  const stsPart = section(
    'part-mta-sts',
    'MTA-STS: the policy senders enforce',
    sts.status,
    h('h4', {}, `TXT at _mta-sts.${result.domain || ''}`),
    sts.record
      ? h('p', {}, h('code', { class: 'wrap' }, sts.record))
      : h('p', { class: 'empty' }, lookupFailed(findings, 'mta_sts.') ? 'The lookup did not complete.' : 'No record found.'),
    h('h4', {}, `Policy at https://mta-sts.${result.domain || ''}/.well-known/mta-sts.txt`),
    policy
      ? h(
          'dl',
          { class: 'facts' },
          h('div', {}, h('dt', {}, 'Version'), h('dd', {}, String(policy.version ?? ''))),
          h('div', {}, h('dt', {}, 'Mode'), h('dd', {}, h('code', {}, String(policy.mode ?? '')))),
          h('div', {}, h('dt', {}, 'Max age'), h('dd', {}, maxAgeWords(policy.max_age))),
          h('div', {}, h('dt', {}, 'MX patterns'), h('dd', {}, Array.isArray(policy.mx) && policy.mx.length ? policy.mx.join(', ') : h('span', { class: 'none' }, '(none)'))),
        )
      : h('p', { class: 'empty' }, 'No policy could be read.'),
    renderFindings(result, withPrefix(findings, 'mta_sts.'), shownFixes),
  );

  const mx = Array.isArray(result.mx) ? result.mx : [];
  const mxFindings = withPrefix(findings, 'mx.');
  const mxPart = section(
    'part-mx',
    'MX hosts: STARTTLS and certificates',
    partStatus(mxFindings),
    mx.length
      ? table(
          [
            { title: 'Host', cell: (m) => h('code', {}, m.host ?? '') },
            { title: 'Preference', num: true, cell: (m) => String(m.preference ?? '') },
            { title: 'Addresses', cell: (m) => (Array.isArray(m.addresses) && m.addresses.length ? m.addresses.join(', ') : h('span', { class: 'none' }, '(none)')) },
            { title: 'STARTTLS', cell: (m) => yesNo(m.starttls, 'yes', 'no', 'unknown') },
            { title: 'TLS', cell: (m) => m.tls_version || h('span', { class: 'none' }, '–') },
            { title: 'In policy', cell: (m) => yesNo(m.matches_policy, 'matches', 'no match', 'no policy') },
            { title: 'DNSSEC', cell: (m) => m.dnssec || '–' },
            ...(withProbes
              ? [
                  {
                    title: 'Live probe',
                    cell: (m) =>
                      h('a', { class: 'probe-link', href: `/#probe/${encodeURIComponent(m.host ?? '')}?domain=${encodeURIComponent(result.domain ?? '')}` }, 'Probe now'),
                  },
                ]
              : []),
          ],
          mx,
          { stack: true },
        )
      : h('p', { class: 'empty' }, lookupFailed(findings, 'mx.') ? 'The lookup did not complete.' : 'No MX hosts.'),
    renderFindings(result, mxFindings, shownFixes),
  );

  const dane = result.dane || {};
  const tlsaHosts = mx.filter((m) => Array.isArray(m.tlsa) && m.tlsa.length);
  const danePart = section(
    'part-dane',
    'DANE: TLSA records of the MX hosts',
    dane.status,
    dane.status === 'none' && !tlsaHosts.length ? h('p', { class: 'empty' }, 'No MX host publishes TLSA records. DANE is optional; it needs DNSSEC.') : null,
    tlsaHosts.length
      ? table(
          [
            { title: 'MX host', cell: (m) => h('code', {}, m.host ?? '') },
            { title: `TLSA at _25._tcp.<host>`, cell: (m) => m.tlsa.map((t) => h('div', {}, h('code', { class: 'wrap' }, t))) },
          ],
          tlsaHosts,
        )
      : null,
    renderFindings(result, withPrefix(findings, 'dane.'), shownFixes),
  );

  const known = ['tlsrpt.', 'mta_sts.', 'mx.', 'dane.'];
  const others = findings.filter((f) => !known.some((p) => String(f.code).startsWith(p)));
  const otherPart = others.length ? section('part-other', 'Other findings', partStatus(others), renderFindings(result, others, shownFixes)) : null;

  return [summary, tlsrptPart, stsPart, mxPart, danePart, otherPart];
}

function maxAgeWords(seconds) {
  if (typeof seconds !== 'number') return String(seconds ?? '');
  const days = seconds / 86400;
  if (days < 1) return `${seconds} s`;
  return `${seconds} s (${+days.toFixed(1)} ${days === 1 ? "day" : "days"})`;
}

function errorWords(error, domain) {
  if (!(error instanceof ApiError)) return `The check failed: ${error}`;
  const wait = error.retryAfter ? ` Try again in ${error.retryAfter} seconds.` : ' Try again in a minute.';
  switch (error.status) {
    case 400:
      return `“${domain}” cannot be checked: ${error.message}`;
    case 429:
      return `Too many checks from your address.${wait}`;
    case 503:
      return `The server is busy with other checks.${wait}`;
    case 0:
      return error.message;
    default:
      return `The check failed (${error.status}): ${error.message}`;
  }
}

let running = 0;

async function runCheck(domain) {
  const ticket = ++running;
  const status = byId('check-status');
  const errorBox = byId('check-error');
  const button = byId('check-submit');
  show(errorBox, false);
  fill(byId('check-result'));
  if (!domain) {
    errorBox.textContent = 'Enter a domain name, e.g. example.com.';
    show(errorBox, true);
    status.textContent = '';
    return;
  }
  status.textContent = `Checking ${domain}…`;
  button.disabled = true;
  try {
    const result = await api('/api/v1/check', { query: { domain } });
    const withReports = await isSignedIn();
    if (ticket !== running) return;
    status.textContent = `Checked ${result.domain || domain}.`;
    fill(byId('check-result'), renderResult(result, { signedIn: withReports }));
    if (withReports) {
      try {
        const answer = await api('/api/v1/reporters', { query: { domain: result.domain || domain }, quiet401: true });
        if (ticket !== running) return;
        append(byId('check-result'), [renderReporters(result.domain || domain, answer.reporters || [])]);
      } catch {
        // Signed out meanwhile, or the database is unavailable: the check stands on its own.
      }
    }
  } catch (error) {
    if (ticket !== running) return;
    status.textContent = '';
    errorBox.textContent = errorWords(error, domain);
    show(errorBox, true);
  } finally {
    if (ticket === running) button.disabled = false;
  }
}

function domainFromUrl() {
  return domainFromInput(new URLSearchParams(window.location.search).get('domain') || '');
}

function init() {
  const input = byId('check-domain');
  byId('check-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const domain = domainFromInput(input.value);
    input.value = domain;
    if (domain && domain !== domainFromUrl()) {
      // A shareable address: /check?domain=example.com
      window.history.pushState(null, '', `/check?domain=${encodeURIComponent(domain)}`);
    }
    runCheck(domain);
  });
  window.addEventListener('popstate', () => {
    const domain = domainFromUrl();
    input.value = domain;
    if (domain) runCheck(domain);
    else fill(byId('check-result'));
  });
  const domain = domainFromUrl();
  if (domain) {
    input.value = domain;
    runCheck(domain);
  }
}

init();
