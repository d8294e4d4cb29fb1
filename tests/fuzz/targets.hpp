// The fuzz targets as plain functions, so that libFuzzer binaries and the unit tests (which
// replay tests/fuzz/regressions/ and the seeds) run the same code. Each returns the first
// property the input breaks, or an empty string.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace webshield::fuzz {

struct Target {
  std::string_view name;
  std::string (*run)(std::string_view input);
};

// TLS-RPT record and the RRset selection over newline-separated records; round trip.
std::string tlsrpt_record(std::string_view input);
// MTA-STS record; round trip.
std::string sts_record(std::string_view input);
// MTA-STS policy; round trip.
std::string sts_policy(std::string_view input);
// dig/zone-file TXT lines, mailbox, rua URI and mx pattern parsers.
std::string txt_and_uris(std::string_view input);

// DNS RDATA decoders (names, TXT, MX, addresses, TLSA); the first byte picks the type.
std::string dns_rdata(std::string_view input);

// A DNS reply to "example.com" (the first byte picks the type): the stub resolver's parser.
std::string dns_reply(std::string_view input);

// SMTP reply lines, one per input line.
std::string smtp_reply(std::string_view input);
// The address guard: never crashes; an IPv4-mapped address is judged as its IPv4 address, the
// canonical and bracketed forms as the text; what inet_pton refuses is refused.
std::string address_guard(std::string_view input);
// What `webshield serve` reads from clients itself (Beast parses the wire): query strings,
// Content-Type, cookies, Authorization, X-Forwarded-For, the per-client key and the sign-in
// body's auth-file twin; the first byte picks the parser.
std::string server_request(std::string_view input);
// TLS-RPT report JSON (RFC 8460 §4): bounded output, deterministic, hash present.
std::string report_json(std::string_view input);
// gzip/zip/plain sniffing and bounded decoding, then the report parser on the result.
std::string report_decode(std::string_view input);
// MIME extraction of the report part from a report mail (GMime).
std::string mail_extract(std::string_view input);
// mbox splitting: fed whole and in chunks the same; messages bounded; offsets in range.
std::string mbox_split(std::string_view input);
// Maildir file names; adding the seen flag gives a name that parses, seen, and is stable.
std::string maildir_name(std::string_view input);
// IMAP SEARCH, UIDVALIDITY and CAPABILITY responses: bounded, ascending UIDs.
std::string imap_response(std::string_view input);

std::span<const Target> targets();

}  // namespace webshield::fuzz
