// MTA-STS mx patterns (RFC 8461 §3.2 `sts-policy-mx-value`) and how an MX host is matched
// against them (§4.1): `*.` stands for exactly one label, case is ignored, names compare as
// A-labels without the trailing dot. Pure; untrusted input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/finding.hpp"
#include "records/recognized.hpp"

namespace webshield::records {

struct MxPattern {
  bool wildcard = false;  // "*." prefix
  std::string domain;     // lower-case A-labels, no trailing dot

  std::string to_string() const { return (wildcard ? "*." : "") + domain; }
  bool operator==(const MxPattern&) const = default;
};

struct MxPatternParse {
  Recognized kind = Recognized::no;  // `no` only for empty text
  std::optional<MxPattern> pattern;
  Findings findings;  // mta_sts.policy_mx_invalid, mta_sts.policy_mx_ip_literal
};

// `where` locates the pattern for messages ("line 4").
MxPatternParse parse_mx_pattern(std::string_view text, std::string_view where = {});

// Whether `host` (an MX target: any case, optional trailing dot, A- or U-labels) matches.
bool matches(const MxPattern& pattern, std::string_view host);

}  // namespace webshield::records
