// Limits: every bound WebShield puts on outside data, in one place with a name and a reason,
// so that `webshield config --print` and docs/limits.md can show them all. Pure.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace webshield {

struct Limits {
  // A joined TXT record longer than this is refused. One DNS message holds at most 64 KiB;
  // a real TLS-RPT or MTA-STS record is well under 1 KiB.
  std::size_t txt_record_bytes = 4096;
  // TXT records considered in one RRset (the selection rule of RFC 8460 §3 / RFC 8461 §3.1).
  std::size_t txt_rrset_records = 64;
  // Fields (between ';') read from one TXT record.
  std::size_t txt_record_fields = 64;
  // rua URIs read from one TLS-RPT record.
  std::size_t rua_uris = 32;
  // RFC 8461 §3.3: senders may refuse a policy over 64 KiB.
  std::size_t policy_bytes = 64 * 1024;
  // mx patterns read from one policy.
  std::size_t policy_mx_patterns = 256;
  // Findings kept for one record or policy; the rest are dropped (never an error).
  std::size_t findings = 100;
};

// One limit as shown to people: its name, value and unit, and why it exists.
struct LimitInfo {
  std::string_view name;
  std::size_t value;
  std::string_view unit;
  std::string_view why;
};

std::vector<LimitInfo> describe(const Limits& limits);

}  // namespace webshield
