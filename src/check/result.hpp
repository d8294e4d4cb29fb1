// The outcome of checking one domain, in the shape of docs/json.md (`check --json`). Plain
// data: produced by check.cpp, formatted by render.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "records/mtasts_policy.hpp"

namespace webshield::check {

struct RuaResult {
  std::string uri;
  std::string scheme;  // mailto, https, other
  Verdict status = Verdict::pass;
};

struct TlsRptResult {
  Verdict status = Verdict::pass;
  std::vector<std::string> records;  // the TXT records at _smtp._tls, joined
  std::vector<RuaResult> rua;
};

struct MtaStsResult {
  Verdict status = Verdict::pass;
  std::optional<std::string> record;  // the selected TXT record
  std::optional<std::string> id;
  std::optional<records::StsPolicy> policy;
};

struct MxResult {
  std::string host;
  std::uint16_t preference = 0;
  std::optional<bool> matches_policy;  // unknown without a policy
  std::vector<std::string> addresses;
  bool cname = false;
  std::string dnssec;  // security of the host's address answer
  std::optional<bool> starttls;
  std::string tls_version;
  std::vector<std::string> tlsa;  // "3 1 1 <hex>"
  // The end of the validity of the certificate the host presented (Unix seconds), when the
  // handshake got that far; for the expiry alert (analyze/posture.hpp). Not in the JSON.
  std::optional<std::int64_t> cert_not_after;
};

struct DaneResult {
  std::string status = "none";  // none, or the verdict of the DANE findings
};

struct CheckResult {
  std::string domain;
  std::string checked_at;  // RFC 3339, UTC
  Verdict verdict = Verdict::pass;
  TlsRptResult tlsrpt;
  MtaStsResult mta_sts;
  std::vector<MxResult> mx;
  DaneResult dane;
  Findings findings;
};

}  // namespace webshield::check
