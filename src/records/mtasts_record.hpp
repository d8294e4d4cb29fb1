// The MTA-STS TXT record at _mta-sts.<domain> (RFC 8461 §3.1, erratum 6285): grammar, the
// policy id, and the findings the text alone decides. Pure; untrusted input.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/limits.hpp"
#include "records/recognized.hpp"
#include "records/tlsrpt_record.hpp"
#include "records/txt_select.hpp"

namespace webshield::records {

struct StsRecord {
  std::string id;  // 1 to 32 letters and digits; the first id field counts
  std::vector<Extension> extensions;

  bool operator==(const StsRecord&) const = default;
};

struct StsParse {
  Recognized kind = Recognized::no;
  std::optional<StsRecord> record;
  Findings findings;
};

StsParse parse_sts_record(std::string_view text, const Limits& limits = {});

// The record in canonical form: "v=STSv1; id=<id>; <ext>=<value>".
std::string format_sts_record(const StsRecord& record);

extern const RecordRules kStsRules;

// The selection rule over the TXT RRset at _mta-sts.<domain>.
RrsetSelection<StsParse> select_sts_record(std::span<const TxtRr> rrset, const Limits& limits = {});

}  // namespace webshield::records
