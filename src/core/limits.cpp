#include "core/limits.hpp"

namespace webshield {

std::vector<LimitInfo> describe(const Limits& l) {
  return {
      {"txt_record_bytes", l.txt_record_bytes, "bytes", "longest TXT record read"},
      {"txt_rrset_records", l.txt_rrset_records, "records", "TXT records read from one RRset"},
      {"txt_record_fields", l.txt_record_fields, "fields", "fields read from one TXT record"},
      {"rua_uris", l.rua_uris, "URIs", "rua destinations read from one TLS-RPT record"},
      {"policy_bytes", l.policy_bytes, "bytes", "largest MTA-STS policy (RFC 8461 §3.3)"},
      {"policy_mx_patterns", l.policy_mx_patterns, "patterns", "mx lines read from one policy"},
      {"findings", l.findings, "findings", "findings kept for one record or policy"},
  };
}

}  // namespace webshield
