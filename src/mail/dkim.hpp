// DKIM verification of a TLS-RPT report mail (RFC 8460 §5.3: report mail MUST be DKIM-signed;
// RFC 6376 for the signature itself) with libopendkim. Untrusted input: the raw message is
// already capped by Limits::report_mail_bytes; the number of signatures looked at is capped by
// Limits::dkim_signatures. Key records come through KeyLookup, never from the library's own DNS.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::mail {

// Where the public keys come from: the TXT record of `<selector>._domainkey.<domain>`.
// An empty string means no such record (NXDOMAIN or no TXT); an error means the lookup itself
// failed (time-out, SERVFAIL) and a later try may succeed.
class KeyLookup {
 public:
  virtual ~KeyLookup() = default;
  virtual Result<std::string> key_record(std::string_view selector,
                                         std::string_view domain) const = 0;
};

// Keys held in memory, by owner name (`sel._domainkey.example.com`, lower case, no final dot).
// For tests and for `--dkim-keys FILE` (offline use).
class MapKeyLookup final : public KeyLookup {
 public:
  void add(std::string_view owner, std::string record);
  Result<std::string> key_record(std::string_view selector, std::string_view domain) const override;
  std::size_t size() const { return records_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> records_;
};

// Reads a key file: one record per line, `selector._domainkey.domain TXT-text`; blank lines and
// lines starting with '#' are skipped. The TXT text may be given bare or as quoted strings
// ("v=DKIM1; " "p=..."), which are joined.
Result<MapKeyLookup> parse_key_file(std::string_view text);

struct DkimResult {
  // pass, fail, none, temperror, permerror or policy (verified, but refused for report mail).
  std::string result;
  std::optional<std::string> domain;  // d= of the signature the result is about
  std::string reason;                 // for people
  // True only for a pass whose d= equals, or is a parent domain of, one of the candidates.
  bool aligned = false;
};

// Verifies every DKIM-Signature (up to Limits::dkim_signatures; more refuses the message) and
// reports the best one: an aligned pass, then any pass, then policy, temperror, fail, permerror.
// `align_with` holds the domains a signer should align with (TLS-Report-Submitter, the
// contact-info domain): the caller decides which.
DkimResult verify_dkim(std::string_view raw_message, const KeyLookup& lookup,
                       const std::vector<std::string>& align_with = {}, const Limits& limits = {});

// d= aligns with `candidate` when they are equal or d= is a parent domain of it (ASCII case
// ignored, final dots ignored).
bool dkim_domain_aligns(std::string_view signing_domain, std::string_view candidate);

}  // namespace webshield::mail
