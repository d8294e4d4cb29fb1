// The dashboard at /: sign-in, the summary of received TLS reports (RFC 8460) with its chart
// and tables, the report list and detail, alerts, reporters and the quarantine. All data comes from
// /api/v1/ (docs/serve.md) and is shown as text only: report contents are untrusted.
import { api, ApiError, onUnauthorized } from './api.js';
import { h, fill, byId, show, table, formatCount, formatRate, formatTime, formatDay, formatBytes, orNone } from './dom.js';
import { drawSessionsChart } from './chart.js';
// Result types with their explanation, the live probe of an MX host that reports name
// (#probe/HOST?domain=D), and whether reports arrive for the selected domain.
import { arrivingWords, explainedType, renderProbe, verdictSentence } from './explain.js';

// Reports read to find what they say about one MX host (the newest ones of the period).
const kProbeContextReports = 500;

const kReportsPage = 25;
const kViews = ['overview', 'reports', 'report', 'alerts', 'reporters', 'quarantine'];

const state = {
  user: null,
  domain: '',
  period: '30d',
  knownDomains: new Set(),
  reportsBefore: null,
  // Each load takes a ticket; an answer that arrives after a newer load started is dropped.
  ticket: 0,
};

// ---- signing in and out ----------------------------------------------------------------------

function showSignIn(notice) {
  state.user = null;
  show(byId('starting'), false);
  show(byId('dashboard'), false);
  show(byId('account'), false);
  show(byId('sign-in'), true);
  const box = byId('sign-in-notice');
  box.textContent = notice || '';
  show(box, Boolean(notice));
  byId('password').value = '';
  byId('token').value = '';
}

function showSignInError(message) {
  const box = byId('sign-in-error');
  box.textContent = message;
  show(box, Boolean(message));
}

function signInMessage(error) {
  if (error.status === 401 || error.status === 403) return 'Wrong user name, password or token.';
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} seconds.` : ' Wait a moment and try again.';
    return `Too many sign-in attempts.${wait}`;
  }
  if (error.status === 400) return `The server refused the sign-in: ${error.message}`;
  return `Signing in failed: ${error.message}`;
}

async function signIn(credentials) {
  showSignInError('');
  const button = byId('sign-in-submit');
  button.disabled = true;
  try {
    await api('/api/v1/session', { method: 'POST', body: credentials, quiet401: true });
    await startSession();
  } catch (error) {
    showSignIn();
    showSignInError(error instanceof ApiError ? signInMessage(error) : String(error));
  } finally {
    button.disabled = false;
  }
}

// Asks who is signed in; shows the dashboard when someone is, the sign-in form otherwise.
async function startSession() {
  let session;
  try {
    session = await api('/api/v1/session', { quiet401: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn();
      return;
    }
    showSignIn();
    showSignInError(`The server cannot tell whether you are signed in: ${error.message}`);
    return;
  }
  state.user = session && typeof session.user === 'string' ? session.user : '';
  byId('user-name').textContent = state.user || '(token)';
  show(byId('starting'), false);
  show(byId('sign-in'), false);
  show(byId('account'), true);
  show(byId('dashboard'), true);
  showSignInError('');
  await route();
}

async function signOut() {
  try {
    await api('/api/v1/session', { method: 'DELETE', quiet401: true });
  } catch {
    // Signed out already, or the server is gone: either way the page forgets the session.
  }
  showSignIn('You are signed out.');
}

// ---- filters and routing ---------------------------------------------------------------------

function filterQuery() {
  return { domain: state.domain || undefined, since: state.period === 'all' ? undefined : state.period };
}

function currentView() {
  const hash = window.location.hash.replace(/^#/, '');
  if (/^report\/\d+$/.test(hash)) return { view: 'report', id: hash.slice('report/'.length) };
  const probe = /^probe\/([^?]+)(?:\?domain=(.*))?$/.exec(hash);
  if (probe) return { view: 'probe', id: decodeURIComponent(probe[1]), domain: probe[2] ? decodeURIComponent(probe[2]) : '' };
  if (kViews.includes(hash) && hash !== 'report') return { view: hash };
  return { view: 'overview' };
}

async function route() {
  if (!state.user && state.user !== '') return;
  const { view, id } = currentView();
  for (const name of kViews) show(byId(`view-${name}`), name === view);
  // The quarantine, the alerts and a single report are not selected by domain and period.
  show(byId('filters'), view !== 'quarantine' && view !== 'report' && view !== 'alerts');
  for (const link of document.querySelectorAll('.tabs a')) {
    const active = link.dataset.view === view || (view === 'report' && link.dataset.view === 'reports');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  showLoadError('');
  // The live probe of one MX host: a view of its own, not selected by domain and period.
  show(byId('view-probe'), view === 'probe');
  if (view === 'probe') show(byId('filters'), false);
  const ticket = ++state.ticket;
  try {
    if (view === 'overview') await loadOverview(ticket);
    else if (view === 'reports') await loadReports(ticket, false);
    else if (view === 'report') await loadReport(ticket, id);
    else if (view === 'alerts') await loadAlerts(ticket);
    else if (view === 'reporters') await loadReporters(ticket);
    else if (view === 'quarantine') await loadQuarantine(ticket);
    else if (view === 'probe') await loadProbe(ticket, id, currentView().domain);
  } catch (error) {
    if (ticket !== state.ticket) return;
    if (error instanceof ApiError && error.status === 401) return; // the sign-in form is shown
    showLoadError(`Loading failed: ${error.message}`);
  }
}

function showLoadError(message) {
  const box = byId('load-error');
  box.textContent = message;
  show(box, Boolean(message));
}

function periodWords() {
  const words = { '7d': 'the last 7 days', '30d': 'the last 30 days', '90d': 'the last 90 days', all: 'any period' };
  return words[state.period] || state.period;
}

// The domain selector lists the policy domains of the summary rows, and keeps the chosen one.
function updateDomains(summary) {
  for (const list of ['by_day', 'by_sender', 'by_type', 'by_mx', 'by_ip']) {
    for (const row of summary[list] || []) {
      if (typeof row.policy_domain === 'string' && row.policy_domain !== '') state.knownDomains.add(row.policy_domain);
    }
  }
  if (state.domain) state.knownDomains.add(state.domain);
  const select = byId('domain');
  const options = [h('option', { value: '' }, 'All domains')];
  for (const domain of [...state.knownDomains].sort()) options.push(h('option', { value: domain }, domain));
  fill(select, options);
  select.value = state.domain;
}

// ---- overview --------------------------------------------------------------------------------

async function loadOverview(ticket) {
  const since = filterQuery().since;
  const all = await api('/api/v1/summary', { query: { since } });
  const summary = state.domain ? await api('/api/v1/summary', { query: filterQuery() }) : all;
  if (ticket !== state.ticket) return;
  updateDomains(all);

  const totals = summary.totals || {};
  const successful = totals.successful_sessions || 0;
  const failed = totals.failed_sessions || 0;
  byId('total-reports').textContent = formatCount(totals.reports || 0);
  byId('total-sessions').textContent = formatCount(successful + failed);
  byId('total-failed').textContent = formatCount(failed);
  byId('total-rate').textContent = formatRate(successful, failed);

  const empty = byId('overview-empty');
  const none = !totals.reports;
  empty.textContent = none
    ? `No reports ${state.domain ? `for ${state.domain} ` : ''}in ${periodWords()}.` +
      (state.period === 'all' ? '' : ' Choose a longer period to see older ones.')
    : '';
  show(empty, none);

  // For one domain: whether its reports still arrive, and a link to check it now.
  const arriving = byId('overview-arriving');
  if (state.domain) {
    const answer = await api('/api/v1/reporters', { query: { domain: state.domain } });
    if (ticket !== state.ticket) return;
    const { status, words } = arrivingWords(state.domain, answer.reporters || []);
    fill(
      arriving,
      h('span', { class: `badge ${status}` }, status === 'pass' ? 'Arriving' : status === 'warn' ? 'Stopped' : 'None'),
      ' ',
      words,
      ' ',
      h('a', { href: `/check?domain=${encodeURIComponent(state.domain)}` }, `Check ${state.domain} now`),
    );
  }
  show(arriving, Boolean(state.domain));

  const days = perDay(summary.by_day || []);
  drawSessionsChart(byId('chart'), days);
  fill(
    byId('chart-table'),
    table(
      [
        { title: 'Day', cell: (d) => d.day },
        { title: 'Successful', num: true, cell: (d) => formatCount(d.successful) },
        { title: 'Failed', num: true, cell: (d) => formatCount(d.failed) },
        { title: 'Failure rate', num: true, cell: (d) => formatRate(d.successful, d.failed) },
      ],
      days.filter((d) => d.successful + d.failed > 0),
    ),
  );

  const domainColumn = state.domain ? [] : [{ title: 'Domain', cell: (r) => orNone(r.policy_domain) }];
  // Failed sessions by one key of the failure details (result type, MX host, sending IP).
  const failures = (id, title, cell, rows) =>
    fill(
      byId(id),
      table(
        [...domainColumn, { title, cell }, { title: 'Failed sessions', num: true, cell: (r) => formatCount(r.failed_sessions) }],
        rows || [],
        { empty: 'No failures reported.' },
      ),
    );
  // Each type with what it means; the commands in its explanation name the row's domain.
  const explanations = summary.explanations || {};
  failures(
    'by-type',
    'Result type',
    (r) => explainedType(r.result_type, explanations[r.result_type] || r.explanation, r.policy_domain || state.domain),
    summary.by_type,
  );
  fill(
    byId('by-sender'),
    table(
      [
        ...domainColumn,
        { title: 'Organisation', cell: (r) => orNone(r.organization) },
        { title: 'Successful', num: true, cell: (r) => formatCount(r.successful_sessions) },
        { title: 'Failed', num: true, cell: (r) => formatCount(r.failed_sessions) },
        { title: 'Failure rate', num: true, cell: (r) => formatRate(r.successful_sessions, r.failed_sessions) },
      ],
      summary.by_sender || [],
    ),
  );
  failures('by-mx', 'Receiving MX', (r) => mxWithProbe(r.mx_host, r.policy_domain || state.domain), summary.by_mx);
  failures('by-ip', 'Sending IP', (r) => orNone(r.sending_ip), summary.by_ip);
}

// An MX host name with a link to its live probe (no link for rows without a name).
function mxWithProbe(host, domain) {
  if (typeof host !== 'string' || host === '') return orNone(host);
  const target = `#probe/${encodeURIComponent(host)}${domain ? `?domain=${encodeURIComponent(domain)}` : ''}`;
  return h('span', { class: 'mx-host' }, host, ' ', h('a', { class: 'probe-link', href: target, title: `Connect to ${host} now: STARTTLS, certificate, TLSA` }, 'Probe now'));
}

// ---- live probe of one MX --------------------------------------------------------------------

function sameHost(a, b) {
  const norm = (x) => String(x ?? '').toLowerCase().replace(/\.$/, '');
  return norm(a) === norm(b);
}

// What the newest reports of the period say about `host`: failed sessions per result type,
// with the first and last day they were reported.
async function reportedFor(host, domain) {
  const answer = await api('/api/v1/reports', { query: { domain: domain || undefined, since: filterQuery().since, limit: kProbeContextReports } });
  const byType = new Map();
  for (const report of answer.reports || []) {
    const day = formatDay(report.date_range?.start);
    for (const policy of report.policies || []) {
      for (const d of policy.failure_details || []) {
        if (!sameHost(d.receiving_mx_hostname, host)) continue;
        const row = byType.get(d.result_type) || { type: d.result_type, sessions: 0, first: null, last: null, explanation: null };
        row.sessions += d.failed_session_count || 0;
        if (!row.first || day < row.first) row.first = day;
        if (!row.last || day > row.last) row.last = day;
        byType.set(d.result_type, row);
      }
    }
  }
  return [...byType.values()].sort((a, b) => b.sessions - a.sessions);
}

async function loadProbe(ticket, host, domain) {
  byId('probe-title').textContent = `Live probe of ${host}`;
  const out = byId('probe-detail');
  fill(out, h('p', { class: 'status', role: 'status' }, `Connecting to ${host}… (up to a minute for a slow server)`));
  const [reported, explained] = await Promise.all([
    reportedFor(host, domain),
    api('/api/v1/summary', { query: { domain: domain || undefined, since: filterQuery().since } }),
  ]);
  if (ticket !== state.ticket) return;
  // The explanations arrive with the summary's result types.
  const explanations = new Map(Object.entries(explained.explanations || {}));
  let probe;
  try {
    probe = await api('/api/v1/probe', { query: { mx: host } });
  } catch (error) {
    if (ticket !== state.ticket) return;
    if (error instanceof ApiError && error.status !== 401) {
      fill(out, h('p', { class: 'error', role: 'alert' }, `The probe failed: ${error.message}`));
      return;
    }
    throw error;
  }
  if (ticket !== state.ticket) return;
  fill(
    out,
    h('p', { class: 'probe-sentence' }, verdictSentence(host, reported, probe)),
    h('section', { class: 'card' },
      h('h3', {}, `What reports say about ${host}`),
      h('p', { class: 'hint' }, `Failure details naming this MX in the newest reports of ${periodWords()}${domain ? ` for ${domain}` : ''}.`),
      table(
        [
          { title: 'Result type', cell: (r) => explainedType(r.type, explanations.get(r.type), domain) },
          { title: 'Failed sessions', num: true, cell: (r) => formatCount(r.sessions) },
          { title: 'First day', cell: (r) => r.first || '–' },
          { title: 'Last day', cell: (r) => r.last || '–' },
        ],
        reported,
        { empty: 'No report names this MX host in a failure.' },
      ),
    ),
    h('section', { class: 'card', id: 'probe-now' }, h('h3', {}, `${host} now`), renderProbe(probe)),
  );
}

// Sums the by_day rows of all selected domains per day. Short spans get every day (days without
// reports as zero) so that gaps show; long spans keep only the days that have reports.
function perDay(rows) {
  const sums = new Map();
  for (const row of rows) {
    const t = Date.parse(`${row.day}T00:00:00Z`);
    if (Number.isNaN(t)) continue;
    const entry = sums.get(t) || { t, day: row.day, successful: 0, failed: 0 };
    entry.successful += row.successful_sessions || 0;
    entry.failed += row.failed_sessions || 0;
    sums.set(t, entry);
  }
  const days = [...sums.values()].sort((a, b) => a.t - b.t);
  if (days.length < 2) return days;
  const kDay = 86400000;
  const span = (days[days.length - 1].t - days[0].t) / kDay;
  if (span > 180) return days;
  const filled = [];
  for (let t = days[0].t; t <= days[days.length - 1].t; t += kDay) {
    filled.push(sums.get(t) || { t, day: new Date(t).toISOString().slice(0, 10), successful: 0, failed: 0 });
  }
  return filled;
}

// ---- reports ---------------------------------------------------------------------------------

function sessionsOf(report) {
  let successful = 0;
  let failed = 0;
  for (const p of report.policies || []) {
    successful += p.successful_sessions || 0;
    failed += p.failed_sessions || 0;
  }
  return { successful, failed };
}

function policyDomains(report) {
  const domains = new Set();
  for (const p of report.policies || []) domains.add(p.policy_domain || '');
  return [...domains];
}

const reportColumns = [
  {
    title: 'Organisation',
    cell: (r) => h('a', { href: `#report/${Number(r.id)}` }, r.organization_name || '(no name)'),
  },
  { title: 'Period', cell: (r) => `${formatDay(r.date_range?.start)} – ${formatDay(r.date_range?.end)}` },
  { title: 'Policy domains', cell: (r) => policyDomains(r).map((d, i) => [i ? ', ' : '', orNone(d)]) },
  { title: 'Successful', num: true, cell: (r) => formatCount(sessionsOf(r).successful) },
  { title: 'Failed', num: true, cell: (r) => formatCount(sessionsOf(r).failed) },
  { title: 'Received', cell: (r) => formatTime(r.received_at) },
  { title: 'ID', num: true, cell: (r) => String(r.id) },
];

async function loadReports(ticket, more) {
  const query = { ...filterQuery(), limit: kReportsPage, before: more ? state.reportsBefore : undefined };
  const answer = await api('/api/v1/reports', { query });
  if (ticket !== state.ticket) return;
  const reports = answer.reports || [];
  state.reportsBefore = answer.next_before ?? null;
  const list = byId('reports-list');
  if (!more) {
    fill(list, table(reportColumns, reports, { empty: `No reports in ${periodWords()}.`, stack: true }));
  } else {
    const body = list.querySelector('tbody');
    if (body) {
      const rendered = table(reportColumns, reports);
      for (const row of rendered.querySelectorAll('tbody tr')) body.appendChild(row);
    }
  }
  show(byId('reports-more'), state.reportsBefore !== null);
}

async function loadReport(ticket, id) {
  const detail = byId('report-detail');
  fill(detail, h('p', { class: 'status' }, 'Loading…'));
  let report;
  try {
    report = await api(`/api/v1/reports/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      if (ticket === state.ticket) fill(detail, h('p', { class: 'error' }, `There is no report ${id}.`));
      return;
    }
    throw error;
  }
  if (ticket !== state.ticket) return;
  byId('report-title').textContent = `Report from ${report.organization_name || '(no organisation name)'}`;
  fill(detail, renderReport(report, id));
}

function definitionList(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

function renderReport(report, id) {
  const source = report.source || {};
  const parts = [];
  parts.push(
    definitionList([
      ['Organisation', report.organization_name],
      ['Report ID', report.report_id ? h('code', {}, report.report_id) : null],
      ['Period', `${formatTime(report.date_range?.start)} – ${formatTime(report.date_range?.end)}`],
      ['Contact', report.contact_info],
      ['Received', formatTime(report.received_at)],
      ['Came by', [source.transport, source.name ? ` (${source.name})` : ''].join('')],
      ['From', report.origin],
      ['TLS-Report-Domain', source.report_domain],
      ['TLS-Report-Submitter', source.submitter],
      ['DKIM', source.dkim ? [source.dkim, source.dkim_domain ? ` d=${source.dkim_domain}` : '', source.dkim_reason ? ` (${source.dkim_reason})` : '', source.dkim_aligned === true ? ', aligned' : source.dkim_aligned === false ? ', not aligned' : ''].join('') : null],
      ['SHA-256', report.sha256 ? h('code', { class: 'hash' }, report.sha256) : null],
    ]),
  );
  parts.push(
    h(
      'p',
      {},
      h('a', { class: 'button secondary', href: `/api/v1/reports/${encodeURIComponent(id)}/raw`, download: `report-${id}.raw` }, 'Download the report as received'),
    ),
  );
  const warnings = Array.isArray(report.warnings) ? report.warnings : [];
  if (warnings.length) {
    parts.push(
      h('section', { class: 'card warn' }, h('h3', {}, 'Irregularities in this report'), h('ul', {}, warnings.map((w) => h('li', {}, typeof w === 'string' ? w : JSON.stringify(w))))),
    );
  }
  const policies = Array.isArray(report.policies) ? report.policies : [];
  policies.forEach((policy, index) => parts.push(renderPolicy(policy, index, policies.length)));
  parts.push(h('details', {}, h('summary', {}, 'The whole report as JSON'), h('pre', { class: 'json' }, JSON.stringify(report, null, 2))));
  return parts;
}

function renderPolicy(policy, index, count) {
  const details = Array.isArray(policy.failure_details) ? policy.failure_details : [];
  const successful = policy.successful_sessions;
  const failed = policy.failed_sessions;
  const title = `Policy ${count > 1 ? `${index + 1} ` : ''}for ${policy.policy_domain || '(no policy domain)'}`;
  return h(
    'section',
    { class: 'card' },
    h('h3', {}, title),
    definitionList([
      ['Policy type', policy.policy_type ? h('code', {}, policy.policy_type) : null],
      ['Successful sessions', formatCount(successful)],
      ['Failed sessions', failed === undefined ? 'not given in the report' : formatCount(failed)],
      ['Failure rate', failed === undefined ? null : formatRate(successful, failed)],
      ['MX hosts', Array.isArray(policy.mx_hosts) && policy.mx_hosts.length ? policy.mx_hosts.join(', ') : null],
    ]),
    Array.isArray(policy.policy_strings) && policy.policy_strings.length
      ? [h('h4', {}, 'Policy as the sender saw it'), h('pre', { class: 'policy' }, policy.policy_strings.join('\n'))]
      : null,
    h('h4', {}, 'Failure details'),
    table(
      [
        { title: 'Result type', cell: (d) => h('code', {}, d.result_type ?? '') },
        { title: 'Sessions', num: true, cell: (d) => formatCount(d.failed_session_count) },
        { title: 'Sending IP', cell: (d) => orNone(d.sending_mta_ip) },
        { title: 'Receiving MX', cell: (d) => orNone(d.receiving_mx_hostname) },
        { title: 'MX HELO', cell: (d) => orNone(d.receiving_mx_helo) },
        { title: 'Receiving IP', cell: (d) => orNone(d.receiving_ip) },
        { title: 'Reason code', cell: (d) => orNone(d.failure_reason_code) },
        { title: 'Additional information', cell: (d) => orNone(d.additional_information) },
      ],
      details,
      { empty: 'No failure details.', stack: true },
    ),
  );
}

// ---- alerts --------------------------------------------------------------------------------

function evidenceText(alert) {
  const e = alert.evidence || {};
  const parts = [];
  if (e.successful_sessions) {
    parts.push(`${formatCount(e.failed_sessions || 0)} failed of ${formatCount((e.failed_sessions || 0) + e.successful_sessions)} sessions`);
  } else if (e.failed_sessions) {
    parts.push(`${formatCount(e.failed_sessions)} failed sessions`);
  }
  if (Array.isArray(e.days) && e.days.length) parts.push(`on ${e.days.join(', ')}`);
  if (e.last_report_day) parts.push(`last report ${e.last_report_day}`);
  return parts.join('; ');
}

function reportLinks(alert) {
  const ids = (alert.evidence && alert.evidence.reports) || [];
  const links = [];
  for (const id of ids) {
    if (links.length) links.push(' ');
    links.push(h('a', { href: `#report/${Number(id)}` }, String(Number(id))));
  }
  return h('span', { class: 'wrap' }, ...links);
}

async function loadAlerts(ticket) {
  const answer = await api('/api/v1/alerts');
  if (ticket !== state.ticket) return;
  const columns = (cleared) => [
    { title: 'Alert', cell: (a) => h('span', { class: 'reason' }, a.what || a.key || '') },
    { title: 'Since', cell: (a) => formatTime(a.since) },
    cleared ? { title: 'Cleared', cell: (a) => formatTime(a.cleared_at) } : { title: 'Evidence', cell: (a) => evidenceText(a) },
    { title: 'Reports', cell: (a) => reportLinks(a) },
    cleared ? { title: 'Rule', cell: (a) => orNone(a.rule) } : { title: 'What to do', cell: (a) => h('span', { class: 'reason' }, a.action || '') },
  ];
  fill(
    byId('alerts-firing'),
    table(columns(false), answer.firing || [], { empty: 'No alert is firing.', rowClass: () => 'quiet', stack: true }),
  );
  fill(byId('alerts-cleared'), table(columns(true), answer.cleared || [], { empty: 'No alert cleared recently.', stack: true }));
}

// ---- reporters and quarantine ----------------------------------------------------------------

async function loadReporters(ticket) {
  const answer = await api('/api/v1/reporters', { query: filterQuery() });
  if (ticket !== state.ticket) return;
  const reporters = Array.isArray(answer) ? answer : answer.reporters || [];
  fill(
    byId('reporters-list'),
    table(
      [
        { title: 'Organisation', cell: (r) => orNone(r.organization) },
        {
          title: 'Status',
          cell: (r) => (r.quiet ? h('span', { class: 'badge quiet' }, 'Quiet') : h('span', { class: 'badge pass' }, 'Sending')),
        },
        { title: 'Reports', num: true, cell: (r) => formatCount(r.reports) },
        { title: 'First report from', cell: (r) => formatTime(r.first_start) },
        { title: 'Last report until', cell: (r) => formatTime(r.last_end) },
        { title: 'Last received', cell: (r) => formatTime(r.last_received) },
      ],
      reporters,
      { empty: `No reporter sent anything in ${periodWords()}.`, rowClass: (r) => (r.quiet ? 'quiet' : null), stack: true },
    ),
  );
}

async function loadQuarantine(ticket) {
  const answer = await api('/api/v1/quarantine', { query: { limit: 100 } });
  if (ticket !== state.ticket) return;
  fill(
    byId('quarantine-list'),
    table(
      [
        { title: 'ID', num: true, cell: (q) => String(q.id) },
        { title: 'Received', cell: (q) => formatTime(q.received_at) },
        { title: 'Came by', cell: (q) => orNone(q.transport) },
        { title: 'From', cell: (q) => h('span', { class: 'wrap' }, q.origin ?? '') },
        { title: 'Reason', cell: (q) => h('span', { class: 'reason' }, q.reason ?? '') },
        { title: 'Size', num: true, cell: (q) => formatBytes(q.size) },
      ],
      answer.items || [],
      { empty: 'The quarantine is empty: everything received could be read.', stack: true },
    ),
  );
}

// ---- start -----------------------------------------------------------------------------------

function takeTokenFromUrl() {
  const match = /^#token=(.+)$/.exec(window.location.hash);
  if (!match) return null;
  // The token must not stay in the address bar, the history or a bookmark.
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

function init() {
  onUnauthorized(() => showSignIn('Your session has ended. Sign in again.'));

  byId('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId('token').value.trim();
    const username = byId('username').value.trim();
    const password = byId('password').value;
    if (token) signIn({ token });
    else if (username && password) signIn({ username, password });
    else showSignInError('Enter a user name and password, or a token.');
  });
  byId('sign-out').addEventListener('click', signOut);
  byId('domain').addEventListener('change', (event) => {
    state.domain = event.target.value;
    route();
  });
  byId('period').addEventListener('change', (event) => {
    state.period = event.target.value;
    route();
  });
  byId('filters').addEventListener('submit', (event) => event.preventDefault());
  byId('reports-more').addEventListener('click', async () => {
    const ticket = ++state.ticket;
    try {
      await loadReports(ticket, true);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) showLoadError(`Loading failed: ${error.message}`);
    }
  });
  window.addEventListener('hashchange', () => {
    if (takeTokenFromUrlAndSignIn()) return;
    route();
  });

  if (!takeTokenFromUrlAndSignIn()) startSession();
}

function takeTokenFromUrlAndSignIn() {
  const token = takeTokenFromUrl();
  if (token === null) return false;
  signIn({ token });
  return true;
}

init();
