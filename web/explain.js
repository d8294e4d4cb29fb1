// What a result type means (the `explanation` objects of /api/v1/summary, from `webshield
// explain`), what a live probe of an MX host found (GET /api/v1/probe?mx=HOST), and whether
// reports arrive for a domain (GET /api/v1/reporters), rendered as text only. Commands in the explanations name the policy domain DOMAIN and the MX host MX;
// fillNames() puts the names of the row in their place, as `webshield explain --domain --mx`
// does.
import { h, formatTime } from './dom.js';

// DOMAIN and MX as whole words only ("MX:25", "_25._tcp.MX", not "MXes").
export function fillNames(text, domain, mx) {
  let out = String(text ?? '');
  if (domain) out = out.replace(/(?<![A-Za-z0-9_])DOMAIN(?![A-Za-z0-9_])/g, domain);
  if (mx) out = out.replace(/(?<![A-Za-z0-9_])MX(?![A-Za-z0-9_])/g, mx);
  return out;
}

function list(items, render) {
  return h('ul', {}, (Array.isArray(items) ? items : []).map((item) => h('li', {}, render(item))));
}

// The result type, its one-line meaning, and the whole explanation behind a disclosure.
export function explainedType(type, explanation, domain) {
  const e = explanation && typeof explanation === 'object' ? explanation : null;
  if (!e) return h('code', {}, type ?? '');
  return h(
    'div',
    { class: 'explained' },
    h('code', {}, type ?? ''),
    h('span', { class: 'explain-summary' }, e.summary ?? ''),
    h(
      'details',
      { class: 'explain' },
      h('summary', {}, e.registered === false ? 'Unregistered type: what to do' : 'Causes, checks and fixes'),
      h('p', {}, e.meaning ?? ''),
      h('h4', {}, 'Likely causes'),
      list(e.causes, (c) => c),
      h('h4', {}, 'How to confirm'),
      list(e.confirm, (c) => h('code', { class: 'wrap' }, fillNames(c, domain, ''))),
      h('h4', {}, 'How to fix'),
      list(e.fix, (c) => fillNames(c, domain, '')),
      h(
        'p',
        { class: 'hint' },
        `Reference: ${e.ref ?? 'RFC 8460'}`,
        Array.isArray(e.see_also) && e.see_also.length ? `; see also ${e.see_also.join(', ')}` : '',
        '.',
      ),
    ),
  );
}

function yesNo(value, yes, no) {
  return value ? h('span', { class: 'badge pass' }, yes) : h('span', { class: 'badge fail' }, no);
}

function expired(notAfter) {
  const t = Date.parse(notAfter);
  return !Number.isNaN(t) && t < Date.now();
}

// "what a sender would report now" for one address: null, or a result type.
export function nowResults(probe) {
  const out = [];
  if (probe.sts_result) out.push({ policy: 'MTA-STS', type: probe.sts_result });
  if (probe.dane_result) out.push({ policy: 'DANE', type: probe.dane_result });
  return out;
}

function addressFacts(host, p) {
  const cert = p.certificate;
  const rows = [
    ['Connected', p.refused ? h('span', { class: 'badge unknown' }, 'not probed') : yesNo(p.connected, 'yes', 'no')],
    ['STARTTLS', p.connected ? yesNo(p.starttls, 'yes', p.starttls_offered ? 'refused' : 'not offered') : null],
    ['TLS version', p.tls_version || null],
    ['Certificate names', cert ? (cert.dns_names.length ? cert.dns_names.join(', ') : h('span', { class: 'none' }, '(no DNS names)')) : null],
    ['Subject', cert ? cert.subject : null],
    ['Issuer', cert ? cert.issuer : null],
    [
      'Valid until',
      cert ? [formatTime(cert.not_after), expired(cert.not_after) ? h('span', { class: 'badge fail' }, 'expired') : null] : null,
    ],
    ['Verification', p.verify || null],
    ['Error', p.error || null],
  ];
  const results = nowResults(p);
  rows.push([
    'A sender would report',
    !p.connected
      ? h('span', { class: 'none' }, 'nothing: no connection')
      : results.length
        ? results.map((r) => h('div', {}, h('code', {}, r.type), ` (under ${r.policy})`))
        : h('span', { class: 'badge pass' }, 'nothing: delivery would succeed'),
  ]);
  return h(
    'section',
    { class: 'card probe-address', 'data-address': p.address ?? '' },
    h('h4', {}, `${host} at ${p.address ?? ''}`),
    h(
      'dl',
      { class: 'facts' },
      rows.filter(([, value]) => value !== null && value !== undefined && value !== '').map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
    ),
  );
}

// One sentence that ties what the reports say to what the MX does now: "Reports say
// certificate-host-mismatch on mx2 since 2024-09-15; mx2 now presents a certificate for
// mail.other.example".
export function verdictSentence(host, reported, probe) {
  const parts = [];
  if (reported && reported.length) {
    const types = reported.map((r) => r.type).join(', ');
    const since = reported.map((r) => r.first).filter(Boolean).sort()[0];
    parts.push(`Reports say ${types} on ${host}${since ? ` since ${since}` : ''}`);
  }
  const probes = Array.isArray(probe.probes) ? probe.probes : [];
  if (probe.error) {
    parts.push(`now: ${probe.error}`);
  } else if (probes.length) {
    const names = new Set();
    for (const p of probes) for (const n of p.certificate?.dns_names || []) names.add(n);
    const now = new Set();
    for (const p of probes) for (const r of nowResults(p)) now.add(r.type);
    const connected = probes.some((p) => p.connected);
    let sentence;
    if (!connected) sentence = `${host} could not be reached now`;
    else if (probes.every((p) => !p.connected || !p.starttls)) sentence = `${host} now offers no STARTTLS`;
    else if (names.size) sentence = `${host} now presents a certificate for ${[...names].join(', ')}`;
    else sentence = `${host} now presents no certificate names`;
    if (connected) sentence += now.size ? ` (a sender would report ${[...now].join(', ')})` : ' and a sender would deliver';
    parts.push(sentence);
  }
  return parts.join('; ') + '.';
}

export function renderProbe(probe) {
  const host = probe.host ?? '';
  const tlsa = probe.tlsa || {};
  const probes = Array.isArray(probe.probes) ? probe.probes : [];
  const tlsaWords = {
    none: 'No TLSA records: DANE does not apply.',
    insecure: 'TLSA records without DNSSEC: senders ignore them.',
    secure: `DNSSEC-signed TLSA records, ${tlsa.usable ?? 0} usable for SMTP.`,
    failed: `The TLSA lookup failed${tlsa.why ? ` (${tlsa.why})` : ''}: DANE senders defer mail.`,
  };
  return [
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, 'Probed'), h('dd', {}, formatTime(probe.probed_at))),
      h('div', {}, h('dt', {}, 'Addresses'), h('dd', {}, Array.isArray(probe.addresses) && probe.addresses.length ? probe.addresses.join(', ') : h('span', { class: 'none' }, '(none)'))),
      h('div', {}, h('dt', {}, 'TLSA'), h('dd', {}, tlsaWords[tlsa.status] || String(tlsa.status ?? ''))),
    ),
    Array.isArray(tlsa.records) && tlsa.records.length
      ? h('ul', { class: 'records' }, tlsa.records.map((r) => h('li', {}, h('code', { class: 'wrap' }, r))))
      : null,
    probe.error ? h('p', { class: 'notice' }, probe.error) : null,
    probes.map((p) => addressFacts(host, p)),
  ];
}

// Whether reports arrive for `domain`, from the reporters of /api/v1/reporters (a reporter is
// quiet when its last report ended more than two days ago): one or two sentences, and a status
// for a badge (pass: arriving, warn: all quiet, fail: none ever).
export function arrivingWords(domain, reporters) {
  const list = Array.isArray(reporters) ? reporters : [];
  const latest = list.reduce((a, r) => (!a || String(r.last_received) > String(a.last_received) ? r : a), null);
  const sending = list.filter((r) => !r.quiet).length;
  const last = latest ? ` The last one came ${formatTime(latest.last_received)} from ${latest.organization || '(no name)'}.` : '';
  if (!list.length) {
    return {
      status: 'fail',
      words: `No TLS-RPT report for ${domain} has arrived here. If the domain's rua= points at this server, senders do not reach it.`,
    };
  }
  if (sending) {
    return { status: 'pass', words: `Reports are arriving: ${list.length} organisation(s) sent reports, ${sending} of them within the last two days.${last}` };
  }
  return { status: 'warn', words: `Reports have stopped: ${list.length} organisation(s) sent reports, none within the last two days.${last}` };
}
