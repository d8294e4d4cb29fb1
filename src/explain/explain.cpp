// The text of each explanation. Sources: RFC 8460 §4.3 (the result types and their one-line
// definitions, also in the IANA registry), RFC 8461 (MTA-STS: policy fetch §3.3, MX certificate
// validation §4.2), RFC 7672 (DANE for SMTP: DNSSEC §2.2, TLSA usages §3.1, mandatory DANE §6)
// and RFC 7671 §8.1 (TLSA rollover). Commands name the domain DOMAIN and the MX host MX.
#include "explain/explain.hpp"

#include <algorithm>

namespace webshield::explain {
namespace {

using sv = std::string_view;

// starttls-not-supported
constexpr sv kStarttlsCauses[] = {
    "STARTTLS is switched off in the MTA, or the MTA turned it off itself because it could not "
    "load its certificate or key (Postfix then logs a TLS warning ending in \"disabling TLS "
    "support\" and offers no STARTTLS)",
    "a firewall or \"SMTP inspection\" device between the sender and the MX removes STARTTLS "
    "from the EHLO reply (Cisco ASA/Firepower ESMTP inspection is the classic case)",
    "one of the MX hosts (a backup MX, an old provider's host, one node behind a load balancer) "
    "does not do TLS at all while the others do",
    "the MX answers STARTTLS with an error (454 TLS not available) under load or after a "
    "configuration change",
};
constexpr sv kStarttlsConfirm[] = {
    "webshield check DOMAIN  (look for mx.starttls_missing)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX -brief </dev/null  "
    "(a message that STARTTLS was not found in the server's response means it is not "
    "offered)",
    "run the test from outside your own network too: an inspection device only changes "
    "connections that pass through it",
    "journalctl -u postfix | grep -i tls  (the MTA's TLS errors, at start-up in particular)",
};
constexpr sv kStarttlsFix[] = {
    "enable STARTTLS with a valid certificate on every MX (Postfix: smtpd_tls_security_level = "
    "may and smtpd_tls_chain_files = the key, then the full chain), then reload the MTA",
    "turn off ESMTP inspection for port 25 on the firewall (Cisco: no inspect esmtp)",
    "remove hosts that cannot do TLS from the MX records and from the mx: lines of the MTA-STS "
    "policy (then change the policy id)",
    "watch the next day's reports: senders report each day (RFC 8460 §4.1)",
};
constexpr sv kStarttlsSee[] = {"RFC 3207", "RFC 8461 §4.2", "RFC 7672 §2.2"};

// certificate-host-mismatch
constexpr sv kMismatchCauses[] = {
    "the certificate was issued for another name (mail.example.net on the host that the MX "
    "record calls mx2.example.com), often after a renewal that dropped a name",
    "the MX points at a hosted service whose certificate covers only the provider's own names",
    "a wildcard that does not cover the MX: *.example.com matches mx.example.com but not "
    "mx.eu.example.com",
    "a certificate with the name only in the Common Name and none in subjectAltName: senders "
    "check the DNS names of subjectAltName",
    "one node of several (one IP address of the MX, or one server behind a load balancer) still "
    "serves an old or default certificate, so only some senders fail",
    "the MTA chooses its certificate by SNI and has no entry for the MX name, so it serves a "
    "default certificate",
    "DANE with a DANE-TA(2) record: the name is checked against the MX host; DANE-EE(3) records "
    "never fail on names (RFC 7672 §3.2)",
};
constexpr sv kMismatchConfirm[] = {
    "webshield check DOMAIN  (look for mx.cert_name_mismatch)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX -verify_hostname MX "
    "</dev/null  (\"Verify return code: 62 (hostname mismatch)\")",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX </dev/null 2>/dev/null | "
    "openssl x509 -noout -subject -ext subjectAltName  (the names the certificate covers)",
    "repeat with -connect ADDRESS:25 for each address of MX (dig +short A MX; dig +short AAAA "
    "MX): one stale node explains a failure rate of a few percent",
    "the dashboard's live probe of MX shows the names it presents now",
};
constexpr sv kMismatchFix[] = {
    "get a certificate whose subjectAltName lists every MX name exactly (or a wildcard that "
    "covers it, one label deep) and install it on every node; reload the MTA",
    "or point the MX records at names the certificate covers, and list those names in the mx: "
    "lines of the MTA-STS policy (then change the id in _mta-sts.DOMAIN)",
    "with a hosted mail service, use the MX names the provider documents: their certificate "
    "covers those",
};
constexpr sv kMismatchSee[] = {"RFC 8461 §4.2", "RFC 6125 §6.4", "RFC 7672 §3.2"};

// certificate-expired
constexpr sv kExpiredCauses[] = {
    "the certificate was renewed on disk but the MTA was not reloaded: Postfix, Exim and others "
    "read certificates when they start",
    "automatic renewal failed (an ACME HTTP-01 challenge cannot reach the MX host on port 80, "
    "a DNS-01 hook broke) and nobody saw the warning mails",
    "one MX host or node was left out of the renewal",
    "an intermediate certificate in the served chain expired; a certificate that is not valid "
    "yet (its start date in the future) is reported the same way by many senders",
    "under DANE this type comes only from DANE-TA(2) records: with DANE-EE(3) senders ignore "
    "the validity dates (RFC 7672 §3.1.1)",
};
constexpr sv kExpiredConfirm[] = {
    "webshield check DOMAIN  (look for mx.cert_expired)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX </dev/null 2>/dev/null | "
    "openssl x509 -noout -dates  (notAfter is the end of validity)",
    "openssl x509 -noout -enddate -in /etc/letsencrypt/live/MX/fullchain.pem  (the file the "
    "MTA is configured with: a later date than the one served means the MTA was not reloaded)",
    "check each address of MX (dig +short A MX) with -connect ADDRESS:25",
};
constexpr sv kExpiredFix[] = {
    "renew the certificate, install the full chain and reload the MTA (postfix reload, "
    "systemctl reload exim4)",
    "make the renewal reload the MTA itself (certbot --deploy-hook \"systemctl reload postfix\")",
    "with DANE: publish the TLSA record of a new key before the new certificate goes live, or "
    "renew with the same key (certbot --reuse-key) so that a 3 1 1 record stays valid",
    "have expiry watched: webshield alerts warns days before an MX certificate expires",
};
constexpr sv kExpiredSee[] = {"RFC 8461 §4.2", "RFC 7672 §3.1.1", "RFC 5280 §4.1.2.5"};

// certificate-not-trusted
constexpr sv kUntrustedCauses[] = {
    "the server sends only its own certificate without the intermediate certificates (a "
    "configuration pointing at cert.pem instead of fullchain.pem), so senders cannot build the "
    "chain",
    "a self-signed certificate or one from a private CA: fine for DANE-EE(3), but MTA-STS "
    "senders need a certificate from a CA that public root stores trust",
    "a CA that root stores distrust, or an expired root or cross-signature in the chain",
    "DANE-TA(2): the trust anchor the TLSA record names is not in the chain the server sends "
    "(RFC 7672 §3.1.2 expects the server to send it)",
    "a device on the path intercepts TLS and presents its own certificate",
};
constexpr sv kUntrustedConfirm[] = {
    "webshield check DOMAIN  (look for mx.cert_untrusted)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX -showcerts </dev/null  "
    "(count the certificates sent; \"Verify return code\" 20 or 21 is a missing intermediate, "
    "18 or 19 a self-signed certificate)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX </dev/null 2>/dev/null | "
    "openssl x509 -noout -issuer  (who issued it)",
};
constexpr sv kUntrustedFix[] = {
    "serve the full chain: the server certificate first, then the intermediates (Postfix: "
    "smtpd_tls_chain_files = privkey.pem, fullchain.pem); reload the MTA",
    "for MTA-STS use a certificate from a publicly trusted CA (an ACME CA such as Let's "
    "Encrypt works for MX hosts)",
    "for DANE-TA(2) make sure the server sends the trust anchor certificate, or publish a "
    "DANE-EE(3 1 1) record of the server's key instead",
};
constexpr sv kUntrustedSee[] = {"RFC 8461 §4.2", "RFC 7672 §3.1.2", "RFC 5280 §6"};

// validation-failure
constexpr sv kValidationCauses[] = {
    "the TLS handshake failed: no protocol version or cipher in common (a server that speaks "
    "only TLS 1.0/1.1, or only unusual ciphers), broken DH parameters, a server that demands a "
    "client certificate",
    "the connection was reset or timed out during the handshake (an overloaded MX, a middlebox)",
    "a sender-specific check that fits none of the other types; some senders use this type when "
    "the MX matches no mx: line of the MTA-STS policy",
    "the report's failure-reason-code and additional-information fields usually say which",
};
constexpr sv kValidationConfirm[] = {
    "webshield reports list --domain DOMAIN  (the reports with this type; note an id)",
    "webshield reports show ID  (the failure-reason-code and additional-information of its "
    "failure details)",
    "webshield check DOMAIN  (look for mx.tls_failed, mx.tls_old_version, mx.not_in_policy)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX -tls1_2 </dev/null  (then "
    "again with -tls1_3: both should complete a handshake)",
};
constexpr sv kValidationFix[] = {
    "offer TLS 1.2 and 1.3 with current ciphers (Postfix: smtpd_tls_protocols = >=TLSv1.2 and "
    "the default cipher list); do not require client certificates on port 25",
    "list every MX host in the mx: lines of the MTA-STS policy (then change the policy id)",
    "if the reason code stays unclear, write to the reporter's contact-info address with the "
    "report id",
};
constexpr sv kValidationSee[] = {"RFC 8460 §4.3.3", "RFC 8461 §4.1", "RFC 8996"};

// tlsa-invalid
constexpr sv kTlsaCauses[] = {
    "the certificate or its key was replaced without publishing a matching TLSA record first "
    "(the most common cause: an automatic renewal that made a new key)",
    "the record sits at the wrong name: it must be _25._tcp.MX, for the MX host name, not for "
    "the mail domain",
    "wrong parameters or digest: a 3 0 1 record (whole certificate) changes at every renewal, a "
    "3 1 1 record (public key) does not; a digest of the wrong data matches nothing",
    "a DANE-TA(2) record for a CA whose certificate the server does not send",
    "only PKIX-TA(0) or PKIX-EE(1) records: RFC 7672 §3.1.3 has SMTP senders treat them as "
    "unusable",
    "nodes behind one MX name with different keys",
};
constexpr sv kTlsaConfirm[] = {
    "webshield check DOMAIN  (look for dane.tlsa_mismatch and dane.tlsa_unusable)",
    "dig +dnssec +multi TLSA _25._tcp.MX  (the published records; the ad flag says the answer "
    "validated)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX </dev/null 2>/dev/null | "
    "openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256  "
    "(the digest a 3 1 1 record must carry)",
    "openssl s_client -starttls smtp -connect MX:25 -servername MX -dane_tlsa_domain MX "
    "-dane_tlsa_rrdata \"3 1 1 <digest>\" </dev/null  (\"Verification: OK\" and the record "
    "that matched)",
};
constexpr sv kTlsaFix[] = {
    "publish a TLSA record that matches the key the MX presents now (3 1 1 with the SHA-256 "
    "digest of the public key is the usual choice)",
    "roll over in order: publish the next key's record beside the current one, wait at least "
    "twice the TLSA TTL, switch the certificate, then remove the old record (RFC 7671 §8.1)",
    "renew with the same key (certbot --reuse-key) or keep a record for the next key published "
    "at all times",
};
constexpr sv kTlsaSee[] = {"RFC 7672 §3.1", "RFC 7671 §8.1", "RFC 6698 §2.1"};

// dnssec-invalid
constexpr sv kDnssecCauses[] = {
    "expired signatures (RRSIG) in a zone of the MX host: the signer stopped re-signing",
    "a key rollover left the DS record at the parent not matching any DNSKEY of the zone",
    "an authoritative server that fails TLSA questions (timeouts, SERVFAIL, NOTIMP, dropped TCP "
    "or large UDP answers), so the sender's resolver gets no validated answer",
    "broken proof of non-existence (NSEC/NSEC3) for _25._tcp.MX when there is no TLSA record: "
    "a sender cannot tell \"no record\" from an attack and defers (RFC 7672 §2.2)",
};
constexpr sv kDnssecConfirm[] = {
    "webshield check DOMAIN  (look for dane.tlsa_bogus)",
    "delv TLSA _25._tcp.MX  (\"fully validated\", or the reason validation failed)",
    "dig +cd TLSA _25._tcp.MX  (when dig TLSA _25._tcp.MX answers SERVFAIL and this does not, "
    "DNSSEC validation is what fails)",
    "dig DS ZONE  (the key tags of the DS records at the parent of the MX host's zone)",
    "dig +multi DNSKEY ZONE  (one DNSKEY must have a DS key tag; DNSViz at dnsviz.net draws the "
    "whole chain)",
};
constexpr sv kDnssecFix[] = {
    "repair the signing: re-sign the zone and make the re-signing automatic",
    "make the DS at the registrar match the zone's current key-signing key",
    "make every authoritative server answer TLSA questions, over UDP and TCP",
    "removing the TLSA record does not help while the zone is bogus; as a last resort remove "
    "the DS record (the zone becomes unsigned and DANE stops), minding the DS TTL",
};
constexpr sv kDnssecSee[] = {"RFC 7672 §2.2", "RFC 4035 §5", "RFC 6781"};

// dane-required
constexpr sv kDaneRequiredCauses[] = {
    "the sender was configured to require DANE for your domain (mandatory DANE, RFC 7672 §6), "
    "usually by agreement between the two organisations, and this MX has no TLSA record",
    "a new or backup MX host was added without TLSA records",
    "the MX host's zone is not DNSSEC-signed, or the MX records of the domain are not signed, so "
    "DANE cannot apply (RFC 7672 §2.2.1)",
    "the TLSA record was removed",
};
constexpr sv kDaneRequiredConfirm[] = {
    "webshield check DOMAIN  (look for the dane.* findings)",
    "dig +dnssec TLSA _25._tcp.MX  (an answer with the ad flag is a validated TLSA record)",
    "dig +dnssec mx DOMAIN  (the ad flag: the domain's mail exchanger records must validate "
    "too)",
    "ask the reporting organisation (contact-info in the report) which of their policies "
    "applies to your domain",
};
constexpr sv kDaneRequiredFix[] = {
    "publish DNSSEC-signed TLSA records for every MX host, and sign the zone of the domain's "
    "MX records",
    "or take MX hosts that cannot do DANE out of the MX records",
    "or agree with the sender to drop the mandatory DANE setting",
};
constexpr sv kDaneRequiredSee[] = {"RFC 7672 §6", "RFC 7672 §2.2"};

// sts-policy-fetch-error
constexpr sv kFetchCauses[] = {
    "mta-sts.DOMAIN has no address, or an address (often the AAAA) where no HTTPS server answers",
    "no web server on port 443, or a firewall blocks it",
    "a status other than 200: 404 when the file is not at /.well-known/mta-sts.txt, 301/302 "
    "redirects, which senders MUST NOT follow (RFC 8461 §3.3), 403 from a web firewall that "
    "blocks clients that are not browsers",
    "a timeout or a failed TLS handshake",
    "the MTA-STS host was taken down while the _mta-sts TXT record still announces a policy",
};
constexpr sv kFetchConfirm[] = {
    "webshield check DOMAIN  (look for mta_sts.policy_unreachable, policy_http_status, "
    "policy_redirect)",
    "curl -v --max-redirs 0 https://mta-sts.DOMAIN/.well-known/mta-sts.txt  (add -4 and -6 to "
    "try each address family)",
    "dig +short A mta-sts.DOMAIN; dig +short AAAA mta-sts.DOMAIN",
};
constexpr sv kFetchFix[] = {
    "serve the policy at exactly https://mta-sts.DOMAIN/.well-known/mta-sts.txt with status "
    "200, without redirects, on every address the name has",
    "to stop using MTA-STS, publish a policy with mode: none and a new id first and keep it "
    "reachable until the old max_age has passed (RFC 8461 §8.3)",
};
constexpr sv kFetchSee[] = {"RFC 8461 §3.3", "RFC 8461 §3.2", "RFC 8461 §8.3"};

// sts-policy-invalid
constexpr sv kInvalidCauses[] = {
    "a missing or misspelt field: version: STSv1, mode, max_age and (unless mode is none) mx "
    "are required; names are case-sensitive, so Mode: is not mode:",
    "a value outside the grammar: mode report (a draft value), max_age over 31557600, an mx "
    "line with a port or several names",
    "the server answers 200 with something else: an HTML page from a catch-all route or a "
    "hosting provider's landing page",
    "a byte-order mark or other invisible characters at the start of the file",
    "a media type other than text/plain, which some senders refuse",
};
constexpr sv kInvalidConfirm[] = {
    "webshield check DOMAIN  (look for mta_sts.policy_* findings with the line number)",
    "curl -s https://mta-sts.DOMAIN/.well-known/mta-sts.txt | cat -A  (shows invisible "
    "characters and line ends)",
    "curl -s https://mta-sts.DOMAIN/.well-known/mta-sts.txt | webshield lint policy -",
    "curl -sI https://mta-sts.DOMAIN/.well-known/mta-sts.txt  (Content-Type should be "
    "text/plain)",
};
constexpr sv kInvalidFix[] = {
    "correct the policy file (webshield lint policy FILE passes) and serve it as text/plain",
    "then change the id= in the _mta-sts.DOMAIN TXT record so that senders fetch the policy "
    "again (RFC 8461 §3.1)",
};
constexpr sv kInvalidSee[] = {"RFC 8461 §3.2", "RFC 8461 §3.1"};

// sts-webpki-invalid
constexpr sv kWebpkiCauses[] = {
    "the certificate of mta-sts.DOMAIN does not cover that name: common when the name is a "
    "CNAME to a hosting service that presents its own certificate",
    "the certificate expired (the policy host is often forgotten when renewals are set up)",
    "a self-signed or private-CA certificate, or a missing intermediate certificate",
};
constexpr sv kWebpkiConfirm[] = {
    "webshield check DOMAIN  (look for mta_sts.policy_cert_expired, policy_cert_untrusted, "
    "policy_cert_name_mismatch)",
    "openssl s_client -connect mta-sts.DOMAIN:443 -servername mta-sts.DOMAIN -verify_hostname "
    "mta-sts.DOMAIN </dev/null  (\"Verify return code: 0 (ok)\" is what senders need)",
    "curl -v https://mta-sts.DOMAIN/.well-known/mta-sts.txt  (curl refuses the same "
    "certificates)",
};
constexpr sv kWebpkiFix[] = {
    "get a publicly trusted certificate for mta-sts.DOMAIN (an ACME CA works), serve the full "
    "chain, and renew it automatically",
    "if a provider hosts the policy, have it issue a certificate for mta-sts.DOMAIN, or host "
    "the file yourself",
};
constexpr sv kWebpkiSee[] = {"RFC 8461 §3.3", "RFC 6125 §6.4"};

// Anything else.
constexpr sv kUnknownCauses[] = {
    "a sender uses a result type that is not in the IANA registry: new mechanisms, private "
    "extensions or a misspelling",
    "the failure-reason-code and additional-information fields of the failure details often "
    "say more",
};
constexpr sv kUnknownConfirm[] = {
    "webshield reports list --domain DOMAIN  (the reports; note an id)",
    "webshield reports show ID  (the result-type as sent, and the failure-reason-code)",
    "webshield check DOMAIN  (whatever the type, the check shows the state of the MX hosts and "
    "policies now)",
};
constexpr sv kUnknownFix[] = {
    "read the reason code; if it stays unclear, write to the reporter's contact-info address "
    "with the report id",
};
constexpr sv kUnknownSee[] = {"RFC 8460 §4.3.3"};

constexpr Explanation kRegistered[] = {
    {"starttls-not-supported", "STARTTLS not supported",
     "the MX did not offer or accept STARTTLS, so no TLS session could start",
     "The sender connected to the receiving MX, but the MX did not offer STARTTLS in its EHLO "
     "reply or refused the STARTTLS command. Under an MTA-STS policy in enforce mode or a DANE "
     "policy the sender does not deliver over an unencrypted connection; in testing mode it "
     "delivers in clear text and reports the failure.",
     Applies::any, kStarttlsCauses, kStarttlsConfirm, kStarttlsFix, "RFC 8460 §4.3.1",
     kStarttlsSee},
    {"certificate-host-mismatch", "Certificate does not match the MX name",
     "the MX presented a certificate that is not valid for the MX host name",
     "The certificate the MX presented does not meet the constraints of the policy: under "
     "MTA-STS no DNS name in its subjectAltName matches the MX host name the sender looked up "
     "(a wildcard matches one left-most label only); under DANE the certificate does not "
     "satisfy the name checks that DANE-TA(2) records call for.",
     Applies::any, kMismatchCauses, kMismatchConfirm, kMismatchFix, "RFC 8460 §4.3.1",
     kMismatchSee},
    {"certificate-expired", "Certificate expired",
     "the MX presented a certificate whose validity period has ended",
     "The certificate the MX presented has expired (or, with some senders, is not valid yet). "
     "Senders that validate certificates treat this as a failed TLS negotiation and, under an "
     "enforced policy, do not deliver.",
     Applies::any, kExpiredCauses, kExpiredConfirm, kExpiredFix, "RFC 8460 §4.3.1", kExpiredSee},
    {"certificate-not-trusted", "Certificate not trusted",
     "the sender could not build a chain from the MX's certificate to a root it trusts",
     "No chain of trust could be established from the certificate the MX presented to a trusted "
     "root: for MTA-STS, a root of the public Web PKI; for DANE-TA(2), the trust anchor named "
     "by the TLSA record.",
     Applies::any, kUntrustedCauses, kUntrustedConfirm, kUntrustedFix, "RFC 8460 §4.3.1",
     kUntrustedSee},
    {"validation-failure", "Other validation failure",
     "TLS negotiation failed for a reason that fits none of the other types",
     "A general failure: the sender could not negotiate or validate TLS with the MX for a reason "
     "that matches none of the other types. RFC 8460 tells reporters to use it for failures "
     "they cannot classify; transient network trouble need not be reported at all (§4.3.4).",
     Applies::any, kValidationCauses, kValidationConfirm, kValidationFix, "RFC 8460 §4.3.1",
     kValidationSee},
    {"tlsa-invalid", "TLSA records do not match",
     "none of the MX's TLSA records matched the certificate it presented",
     "A DANE failure: the TLSA records at _25._tcp.<MX host> validated under DNSSEC, but none "
     "of them was found to be valid for the certificate chain the MX presented. DANE senders "
     "do not deliver to that MX while no record matches.",
     Applies::dane, kTlsaCauses, kTlsaConfirm, kTlsaFix, "RFC 8460 §4.3.2.1", kTlsaSee},
    {"dnssec-invalid", "DNSSEC validation failed",
     "the sender's resolver returned no validated answer for the DANE lookups",
     "A DANE failure: the sender's recursive resolver returned no valid records, because DNSSEC "
     "validation of the TLSA (or MX, or address) lookup failed or the lookup itself failed. A "
     "DANE sender then cannot tell whether TLSA records exist and defers the mail.",
     Applies::dane, kDnssecCauses, kDnssecConfirm, kDnssecFix, "RFC 8460 §4.3.2.1", kDnssecSee},
    {"dane-required", "DANE required but absent",
     "the sender requires DANE for this domain, and the MX has no validated TLSA records",
     "The sender is configured to require DANE TLSA records for every MX host of your domain, "
     "but found no DNSSEC-validated TLSA records for this MX host. Such mandatory DANE "
     "(RFC 7672 §6) is usually set up by agreement between two organisations that exchange "
     "sensitive mail.",
     Applies::dane, kDaneRequiredCauses, kDaneRequiredConfirm, kDaneRequiredFix,
     "RFC 8460 §4.3.2.1", kDaneRequiredSee},
    {"sts-policy-fetch-error", "MTA-STS policy could not be fetched",
     "the sender could not retrieve the MTA-STS policy over HTTPS",
     "An MTA-STS failure: the _mta-sts TXT record announces a policy, but the sender could not "
     "retrieve it from https://mta-sts.<domain>/.well-known/mta-sts.txt (host unreachable, an "
     "HTTP status other than 200, a redirect, a timeout). A sender without a cached policy then "
     "delivers as if there were none; one that cached a valid policy keeps applying it until "
     "its max_age ends, so mail from such senders still flows under the old policy meanwhile.",
     Applies::sts, kFetchCauses, kFetchConfirm, kFetchFix, "RFC 8460 §4.3.2.2", kFetchSee},
    {"sts-policy-invalid", "MTA-STS policy invalid",
     "the sender fetched the MTA-STS policy but it does not validate",
     "An MTA-STS failure: the policy file was retrieved, but it does not follow the grammar of "
     "RFC 8461 §3.2 (a required field missing, an invalid value, not a policy at all). Senders "
     "treat an invalid policy as no policy.",
     Applies::sts, kInvalidCauses, kInvalidConfirm, kInvalidFix, "RFC 8460 §4.3.2.2", kInvalidSee},
    {"sts-webpki-invalid", "MTA-STS policy host's certificate invalid",
     "the HTTPS certificate of the MTA-STS policy host failed validation",
     "An MTA-STS failure: the policy could not be authenticated with PKIX validation, because "
     "the certificate of mta-sts.<domain> is expired, untrusted or for another name. Senders "
     "must not use a policy fetched over such a connection (RFC 8461 §3.3).",
     Applies::sts, kWebpkiCauses, kWebpkiConfirm, kWebpkiFix, "RFC 8460 §4.3.2.2", kWebpkiSee},
};

constexpr Explanation kUnknown = {
    "",
    "Unregistered result type",
    "a result type that RFC 8460's registry does not define; see the report's reason code",
    "The reporter used a result type that is not in the IANA registry of RFC 8460 result "
    "types. WebShield keeps the name as the reporter sent it. Such types come from newer "
    "mechanisms, private extensions or mistakes; the failure details' failure-reason-code "
    "usually says what happened.",
    Applies::any,
    kUnknownCauses,
    kUnknownConfirm,
    kUnknownFix,
    "RFC 8460 §4.3",
    kUnknownSee,
};

nlohmann::json list(std::span<const sv> items) {
  nlohmann::json out = nlohmann::json::array();
  for (sv item : items)
    out.push_back(item);
  return out;
}

}  // namespace

std::string_view to_string(Applies applies) {
  switch (applies) {
    case Applies::dane:
      return "dane";
    case Applies::sts:
      return "sts";
    case Applies::any:
      break;
  }
  return "any";
}

std::span<const Explanation> registered() {
  return kRegistered;
}

const Explanation& unknown() {
  return kUnknown;
}

const Explanation& explain(std::string_view result_type) {
  for (const Explanation& e : kRegistered)
    if (e.result_type == result_type) return e;
  return kUnknown;
}

bool is_registered(std::string_view result_type) {
  return std::ranges::any_of(kRegistered,
                             [&](const Explanation& e) { return e.result_type == result_type; });
}

std::string fill(std::string_view text, std::string_view domain, std::string_view mx) {
  std::string out;
  out.reserve(text.size());
  // Placeholders are whole words: MX inside "MX:25" is one, inside "DNS" or "MXes" is not.
  auto word_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || !word_char(text[i - 1]);
    bool replaced = false;
    for (auto [name, value] : {std::pair{sv("DOMAIN"), domain}, std::pair{sv("MX"), mx}}) {
      if (!at_word_start || value.empty() || !text.substr(i).starts_with(name)) continue;
      const std::size_t end = i + name.size();
      if (end < text.size() && word_char(text[end])) continue;
      out += value;
      i = end;
      replaced = true;
      break;
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

nlohmann::json to_json(const Explanation& e, std::string_view result_type) {
  return {{"result_type", result_type},
          {"registered", !e.result_type.empty()},
          {"title", e.title},
          {"summary", e.summary},
          {"meaning", e.meaning},
          {"applies", to_string(e.applies)},
          {"causes", list(e.causes)},
          {"confirm", list(e.confirm)},
          {"fix", list(e.fix)},
          {"ref", e.ref},
          {"see_also", list(e.see_also)}};
}

nlohmann::json to_json(const Explanation& e) {
  return to_json(e, e.result_type);
}

nlohmann::json to_json_brief(const Explanation& e, std::string_view result_type) {
  return {{"result_type", result_type},
          {"registered", !e.result_type.empty()},
          {"title", e.title},
          {"summary", e.summary},
          {"ref", e.ref}};
}

}  // namespace webshield::explain
