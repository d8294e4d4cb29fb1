// The MTA-STS policy file served at https://mta-sts.<domain>/.well-known/mta-sts.txt
// (RFC 8461 §3.2, errata 6253 and 7282), read as bytes: line breaks (LF or CRLF), a byte-order
// mark and blank lines are judged as they are. Pure; untrusted input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/limits.hpp"
#include "records/mx_pattern.hpp"
#include "records/recognized.hpp"
#include "records/tlsrpt_record.hpp"

namespace webshield::records {

enum class StsMode { enforce, testing, none };

std::string_view to_string(StsMode mode);

// RFC 8461 §3.2 and erratum 7282: max_age is at most 31557600 seconds (one year).
constexpr std::uint64_t kMaxPolicyAge = 31557600;

struct StsPolicy {
  std::string version;  // "STSv1"
  StsMode mode = StsMode::none;
  std::uint64_t max_age = 0;
  std::vector<MxPattern> mx;
  std::vector<Extension> extensions;

  bool operator==(const StsPolicy&) const = default;
};

struct StsPolicyParse {
  // `no`: the bytes hold no policy field at all (an HTML page, say); `malformed`: senders
  // reject the policy; `yes`: a valid policy, perhaps with warnings.
  Recognized kind = Recognized::no;
  std::optional<StsPolicy> policy;  // set for `yes`
  Findings findings;
};

StsPolicyParse parse_sts_policy(std::string_view bytes, const Limits& limits = {});

// The policy in canonical form: version, mode, max_age, mx lines, extensions; CRLF line ends.
std::string format_sts_policy(const StsPolicy& policy);

}  // namespace webshield::records
