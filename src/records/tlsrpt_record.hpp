// The TLS-RPT TXT record at _smtp._tls.<domain> (RFC 8460 §3): grammar, rua destinations and
// the findings of ../docs/findings.md that the text alone decides. Pure; untrusted input.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/limits.hpp"
#include "records/recognized.hpp"
#include "records/rua_uri.hpp"
#include "records/txt_select.hpp"

namespace webshield::records {

struct Extension {
  std::string name;
  std::string value;

  bool operator==(const Extension&) const = default;
};

struct TlsRptRecord {
  std::vector<RuaUri> rua;  // every destination of every rua field, in order
  std::vector<Extension> extensions;

  bool operator==(const TlsRptRecord&) const = default;
};

struct TlsRptParse {
  // `yes`: senders use the record (some destinations may still be unusable: see findings).
  Recognized kind = Recognized::no;
  std::optional<TlsRptRecord> record;
  Findings findings;
};

TlsRptParse parse_tlsrpt_record(std::string_view text, const Limits& limits = {});

// The record in canonical form: "v=TLSRPTv1; rua=<uri>,<uri>; <ext>=<value>".
std::string format_tlsrpt_record(const TlsRptRecord& record);

extern const RecordRules kTlsRptRules;

// The selection rule over the TXT RRset at _smtp._tls.<domain>.
RrsetSelection<TlsRptParse> select_tlsrpt_record(std::span<const TxtRr> rrset,
                                                 const Limits& limits = {});

}  // namespace webshield::records
