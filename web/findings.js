// Plain-language explanations of the finding codes of docs/findings.md, and the copy-paste fixes
// the check page offers. Codes without an entry show the finding's own message only.

export const kExplanations = {
  // TLS-RPT record, RFC 8460 §3
  'tlsrpt.missing': 'Without a TLS-RPT record, sending servers have nowhere to report failed TLS connections, so you will not hear when mail to you is delivered insecurely or not at all.',
  'tlsrpt.lookup_failed': 'The DNS lookup of the TLS-RPT record did not complete; this says nothing about the record itself, try again later.',
  'tlsrpt.wrong_location': 'Senders look for the record only at _smtp._tls.<domain>; a record anywhere else is never read.',
  'tlsrpt.legacy_name': 'The name _smtp-tlsrpt was used by drafts before RFC 8460; senders now read only _smtp._tls.',
  'tlsrpt.multiple_records': 'With more than one TLS-RPT record, senders must ignore them all: merge the destinations into one record.',
  'tlsrpt.version_not_first': 'The record must start with v=TLSRPTv1; senders discard a record where it comes later.',
  'tlsrpt.version_case': 'The version tag is case-sensitive: it must be written exactly v=TLSRPTv1.',
  'tlsrpt.version_unknown': 'Senders implementing RFC 8460 only understand version TLSRPTv1 and ignore this record.',
  'tlsrpt.syntax': 'A record that does not follow the grammar is discarded by senders; the message says where it goes wrong.',
  'tlsrpt.rua_missing': 'The rua= field tells senders where to send reports; without it the record is useless.',
  'tlsrpt.rua_empty': 'An empty destination in rua= makes the record invalid.',
  'tlsrpt.rua_scheme_unsupported': 'Reports can only be sent to mailto: or https: destinations.',
  'tlsrpt.rua_unencoded_char': 'The characters !, comma and ; separate fields and destinations; inside a URI they must be percent-encoded.',
  'tlsrpt.rua_mailto_invalid': 'The mailto: address is not a valid mailbox, so reports cannot be mailed to it.',
  'tlsrpt.rua_mailto_hfields': 'Header fields such as ?subject= are not expected by senders and some refuse the destination.',
  'tlsrpt.rua_https_invalid': 'The https: destination is not a valid URI, so reports cannot be posted to it.',
  'tlsrpt.rua_scheme_case': 'Write mailto: and https: in lower case: some reporters compare the scheme case-sensitively.',
  'tlsrpt.space_before_delimiter': 'A space before the semicolon makes senders that match the exact prefix "v=TLSRPTv1;" discard the record.',
  'tlsrpt.extension_invalid': 'An extension field outside the grammar makes the whole record invalid.',
  'tlsrpt.extension_unknown': 'Senders ignore fields they do not know; this one does nothing.',
  'tlsrpt.https_only': 'Some reporters only send reports by mail; add a mailto: destination to hear from them too.',
  'tlsrpt.without_policy': 'TLS-RPT reports are most useful with MTA-STS or DANE in place: without a policy, senders have little to report.',
  'tlsrpt.rua_mailto_undeliverable': 'The domain of this report address accepts no mail, so mailed reports are lost.',
  'tlsrpt.rua_https_unresolvable': 'The host of this https: destination does not resolve, so reports posted there are lost.',
  'tlsrpt.rua_https_unreachable': 'The https: destination cannot be reached over TLS, so reports posted there are lost.',
  'tlsrpt.rua_https_cert_invalid': 'Reporters check the certificate of the https: destination and will not post to one they do not trust.',
  'tlsrpt.rua_https_http_error': 'The https: destination answers with an error; reports posted there may be refused.',
  // MTA-STS record, RFC 8461 §3.1
  'mta_sts.missing': 'Without MTA-STS, sending servers fall back to unauthenticated, downgradable TLS when delivering to you.',
  'mta_sts.lookup_failed': 'The DNS lookup of the MTA-STS record did not complete; try again later.',
  'mta_sts.multiple_records': 'With more than one MTA-STS record, senders treat the domain as having no policy.',
  'mta_sts.version_not_first': 'The record must start with v=STSv1.',
  'mta_sts.version_case': 'The version tag is case-sensitive: it must be written exactly v=STSv1.',
  'mta_sts.syntax': 'A record outside the grammar is ignored by senders.',
  'mta_sts.id_missing': 'Senders use id= to know when the policy changed; without it the record is invalid.',
  'mta_sts.id_invalid': 'The id must be 1 to 32 letters and digits; a date and time such as 20240501120000 works well.',
  'mta_sts.id_duplicate': 'Only the first id= counts; remove the others.',
  'mta_sts.non_ascii': 'The record may contain US-ASCII characters only.',
  'mta_sts.space_before_delimiter': 'A space before the semicolon makes some senders discard the record.',
  'mta_sts.extension_invalid': 'An extension field outside the grammar makes the record invalid.',
  'mta_sts.extension_unknown': 'Senders ignore fields they do not know.',
  'mta_sts.without_tlsrpt': 'With MTA-STS but no TLS-RPT record you will not learn when senders fail to deliver because of your policy.',
  // MTA-STS policy, RFC 8461 §3.2, §3.3
  'mta_sts.policy_host_unresolvable': 'Senders fetch the policy from https://mta-sts.<domain>/.well-known/mta-sts.txt; that host name does not resolve.',
  'mta_sts.policy_unreachable': 'Senders cannot connect to the policy host, so they treat the domain as having no policy.',
  'mta_sts.policy_tls_failed': 'The policy must be served over TLS 1.2 or later; senders give up on this host.',
  'mta_sts.policy_cert_expired': 'Senders refuse a policy served with an expired certificate.',
  'mta_sts.policy_cert_untrusted': 'Senders refuse a policy whose certificate does not chain to a public root.',
  'mta_sts.policy_cert_name_mismatch': 'The certificate of the policy host must be valid for mta-sts.<domain> exactly.',
  'mta_sts.policy_redirect': 'Senders must not follow redirects for the policy: serve the file directly.',
  'mta_sts.policy_http_status': 'Senders only accept a policy answered with status 200.',
  'mta_sts.policy_too_large': 'Senders read at most 64 KiB of policy.',
  'mta_sts.policy_content_type': 'The policy should be served as text/plain; some senders refuse other types.',
  'mta_sts.policy_syntax': 'A policy line outside the grammar makes senders reject the policy.',
  'mta_sts.policy_blank_line': 'Blank lines are not allowed in the policy; many senders reject it.',
  'mta_sts.policy_bom': 'A byte-order mark at the start of the policy makes its first line unreadable to senders.',
  'mta_sts.policy_field_case': 'Field names are case-sensitive: version, mode, mx and max_age in lower case.',
  'mta_sts.policy_version_missing': 'The policy must contain the line version: STSv1.',
  'mta_sts.policy_version_invalid': 'The only version is STSv1.',
  'mta_sts.policy_mode_missing': 'The policy must say mode: enforce, testing or none.',
  'mta_sts.policy_mode_invalid': 'The mode must be enforce, testing or none.',
  'mta_sts.policy_max_age_missing': 'The policy must say how long senders may cache it (max_age in seconds).',
  'mta_sts.policy_max_age_invalid': 'max_age must be a number of seconds of 1 to 10 digits.',
  'mta_sts.policy_max_age_too_large': 'max_age may be at most 31557600 seconds (one year).',
  'mta_sts.policy_max_age_short': 'A short max_age lets an attacker who blocks the policy fetch strip the protection soon; use at least a week (604800).',
  'mta_sts.policy_max_age_zero': 'With max_age 0 senders never cache the policy, which gives almost no protection.',
  'mta_sts.policy_mx_missing': 'With mode enforce or testing the policy must list your MX hosts in mx: lines.',
  'mta_sts.policy_mx_invalid': 'Each mx: line holds one host name, or *. followed by a name.',
  'mta_sts.policy_mx_ip_literal': 'An IP address never matches an MX name: list host names.',
  'mta_sts.policy_duplicate_field': 'Only the first occurrence of the field counts; remove the others.',
  'mta_sts.policy_unknown_field': 'Senders ignore fields they do not know.',
  'mta_sts.mode_testing': 'In testing mode senders report problems but still deliver without valid TLS; switch to enforce once the reports show no failures.',
  'mta_sts.mode_none': 'Mode none withdraws the policy: senders stop applying it.',
  // MX hosts, RFC 8461 §4, RFC 7505
  'mx.lookup_failed': 'The MX lookup did not complete; try again later.',
  'mx.null': 'The domain publishes a null MX and accepts no mail.',
  'mx.implicit': 'The domain has no MX records, so mail goes to the domain\'s own address; MTA-STS expects MX records.',
  'mx.not_in_policy': 'Senders applying the policy will refuse to deliver to an MX that no mx: line of the policy matches.',
  'mx.policy_pattern_unused': 'An mx: line matches none of your MX hosts; perhaps an old host that can be removed.',
  'mx.cname': 'An MX target must be a host name with addresses, not an alias (CNAME).',
  'mx.unreachable': 'Port 25 of this MX could not be reached from the server that checked; outgoing port 25 is often blocked, so this may not be your problem.',
  'mx.starttls_missing': 'Without STARTTLS, mail to this MX travels unencrypted, and senders enforcing MTA-STS will not deliver.',
  'mx.tls_failed': 'The TLS handshake with this MX failed; senders enforcing a policy cannot deliver.',
  'mx.tls_old_version': 'This MX offers only TLS older than 1.2, which MTA-STS senders do not accept.',
  'mx.cert_expired': 'The MX presents an expired certificate; senders enforcing MTA-STS will not deliver.',
  'mx.cert_untrusted': 'The MX certificate does not chain to a public root; senders enforcing MTA-STS will not deliver.',
  'mx.cert_name_mismatch': 'The MX certificate is not valid for the MX host name; senders enforcing MTA-STS will not deliver.',
  // DANE, RFC 7672
  'dane.tlsa_bogus': 'The TLSA answer fails DNSSEC validation; DANE senders will defer mail to this MX.',
  'dane.tlsa_insecure': 'TLSA records in a zone without DNSSEC are ignored by senders.',
  'dane.tlsa_unusable': 'For SMTP only TLSA usages 2 (DANE-TA) and 3 (DANE-EE) with known parameters count.',
  'dane.tlsa_mismatch': 'No TLSA record matches the certificate this MX presents; DANE senders will not deliver.',
  'dane.no_rollover': 'With a single TLSA record, the next certificate or key change breaks delivery unless a record for the new key is published first.',
  'dane.mx_insecure': 'DANE needs the MX records themselves to be DNSSEC-signed too.',
  'dane.tlsrpt_missing_on_mx': 'Senders report DANE failures to the TLS-RPT record of the MX host; publish one there.',
};

// A fresh MTA-STS id: the UTC date and time, YYYYMMDDhhmmss.
export function newStsId(now = new Date()) {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function bareDomain(name) {
  return String(name || '').replace(/\.$/, '').toLowerCase();
}

// The MX host names found, or a placeholder to replace.
function mxHosts(result) {
  const hosts = (Array.isArray(result.mx) ? result.mx : [])
    .map((m) => bareDomain(m.host))
    .filter((host) => host && host !== '.');
  return hosts.length ? [...new Set(hosts)] : [`mx1.${bareDomain(result.domain)}`];
}

// A fix is {title, steps}: each step a DNS record to publish ({kind: 'record', name, value}), a
// file to serve ({kind: 'file', url, text}) or a piece of configuration ({kind: 'config', label,
// text}). The page offers each value for copying.

function tlsrptRecordStep(result, host) {
  const found = (result.tlsrpt && Array.isArray(result.tlsrpt.rua) ? result.tlsrpt.rua : [])
    .filter((r) => r.scheme === 'mailto' || r.scheme === 'https')
    .map((r) => r.uri.replace(/^mailto:/i, 'mailto:').replace(/^https:/i, 'https:'));
  const domain = bareDomain(result.domain);
  const rua = found.length ? [...new Set(found)].join(',') : `mailto:tlsrpt@${domain}`;
  return { kind: 'record', name: `_smtp._tls.${host || domain}`, value: `v=TLSRPTv1; rua=${rua}` };
}

function stsRecordStep(result) {
  return { kind: 'record', name: `_mta-sts.${bareDomain(result.domain)}`, value: `v=STSv1; id=${newStsId()}` };
}

// The policy file for the MX hosts found: the current mode when it is enforce or testing (else
// testing, to start safely), max_age at least a week.
function stsPolicyStep(result) {
  const old = result.mta_sts && result.mta_sts.policy;
  const mode = old && ['enforce', 'testing'].includes(old.mode) ? old.mode : 'testing';
  let maxAge = old && Number.isInteger(old.max_age) ? old.max_age : 0;
  maxAge = Math.min(31557600, Math.max(maxAge, 604800));
  const lines = ['version: STSv1', `mode: ${mode}`, ...mxHosts(result).map((host) => `mx: ${host}`), `max_age: ${maxAge}`];
  return { kind: 'file', url: `https://mta-sts.${bareDomain(result.domain)}/.well-known/mta-sts.txt`, text: lines.join('\n') + '\n' };
}

const tlsrptRecord = (result) => ({
  title: 'Publish exactly one TLS-RPT record (a TXT record):',
  steps: [tlsrptRecordStep(result)],
});

const stsRecord = (result) => ({
  title: 'Publish exactly one MTA-STS record (a TXT record), with a new id each time the policy changes:',
  steps: [stsRecordStep(result)],
});

const stsPolicy = (result) => ({
  title: 'Serve this policy as text/plain over HTTPS, then publish a new id in the _mta-sts record so that senders fetch it again:',
  steps: [stsPolicyStep(result), stsRecordStep(result)],
});

const stsPolicyAndRecord = (result) => ({
  title: 'Start MTA-STS in testing mode: serve this policy as text/plain over HTTPS (a certificate valid for the mta-sts name is needed), and publish the record:',
  steps: [stsPolicyStep(result), stsRecordStep(result)],
});

const kFixes = {
  'tlsrpt.missing': tlsrptRecord,
  'tlsrpt.wrong_location': tlsrptRecord,
  'tlsrpt.legacy_name': tlsrptRecord,
  'tlsrpt.multiple_records': tlsrptRecord,
  'tlsrpt.version_not_first': tlsrptRecord,
  'tlsrpt.version_case': tlsrptRecord,
  'tlsrpt.version_unknown': tlsrptRecord,
  'tlsrpt.syntax': tlsrptRecord,
  'tlsrpt.rua_missing': tlsrptRecord,
  'tlsrpt.rua_empty': tlsrptRecord,
  'tlsrpt.rua_scheme_case': tlsrptRecord,
  'tlsrpt.space_before_delimiter': tlsrptRecord,
  'mta_sts.without_tlsrpt': tlsrptRecord,
  'mta_sts.missing': stsPolicyAndRecord,
  'tlsrpt.without_policy': stsPolicyAndRecord,
  'mta_sts.multiple_records': stsRecord,
  'mta_sts.version_not_first': stsRecord,
  'mta_sts.version_case': stsRecord,
  'mta_sts.syntax': stsRecord,
  'mta_sts.id_missing': stsRecord,
  'mta_sts.id_invalid': stsRecord,
  'mta_sts.id_duplicate': stsRecord,
  'mta_sts.non_ascii': stsRecord,
  'mta_sts.space_before_delimiter': stsRecord,
  'mta_sts.policy_http_status': stsPolicy,
  'mta_sts.policy_syntax': stsPolicy,
  'mta_sts.policy_blank_line': stsPolicy,
  'mta_sts.policy_bom': stsPolicy,
  'mta_sts.policy_field_case': stsPolicy,
  'mta_sts.policy_version_missing': stsPolicy,
  'mta_sts.policy_version_invalid': stsPolicy,
  'mta_sts.policy_mode_missing': stsPolicy,
  'mta_sts.policy_mode_invalid': stsPolicy,
  'mta_sts.policy_max_age_missing': stsPolicy,
  'mta_sts.policy_max_age_invalid': stsPolicy,
  'mta_sts.policy_max_age_too_large': stsPolicy,
  'mta_sts.policy_max_age_short': stsPolicy,
  'mta_sts.policy_max_age_zero': stsPolicy,
  'mta_sts.policy_mx_missing': stsPolicy,
  'mta_sts.policy_mx_invalid': stsPolicy,
  'mta_sts.policy_mx_ip_literal': stsPolicy,
  'mta_sts.policy_duplicate_field': stsPolicy,
  'mx.not_in_policy': stsPolicy,
  'mx.policy_pattern_unused': stsPolicy,
  'mta_sts.mode_testing': (result) => ({
    title: 'Once the TLS reports have shown no failures for a few weeks, change the mode line of the policy, then publish a new id:',
    steps: [
      { kind: 'config', label: `In ${stsPolicyStep(result).url}`, text: 'mode: enforce\n' },
      stsRecordStep(result),
    ],
  }),
  'mta_sts.policy_content_type': () => ({
    title: 'Serve the policy file with Content-Type text/plain, for example in nginx:',
    steps: [{ kind: 'config', label: 'nginx', text: 'location = /.well-known/mta-sts.txt {\n    default_type text/plain;\n    types { }\n}\n' }],
  }),
  'dane.tlsrpt_missing_on_mx': (result, finding) => ({
    title: 'Publish a TLS-RPT record for the MX host too (DANE failures are reported there):',
    steps: [tlsrptRecordStep(result, bareDomain(finding.subject).replace(/^(_smtp\._tls|_25\._tcp)\./, '') || mxHosts(result)[0])],
  }),
};

// The fix of a finding, or null. A policy that cannot be fetched at all gets the policy template
// too, since it must be served before anything else can be checked.
export function fixFor(result, finding) {
  const make = kFixes[finding.code];
  if (make) return make(result, finding);
  if (/^mta_sts\.policy_(host_unresolvable|unreachable)$/.test(finding.code) && !(result.mta_sts && result.mta_sts.policy)) {
    return stsPolicy(result);
  }
  return null;
}

// A key for showing a fix once when several findings lead to it.
export function fixKey(fix) {
  return JSON.stringify(fix);
}

export function explanationOf(code) {
  return kExplanations[code] || null;
}
