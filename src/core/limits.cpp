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
      {"report_mail_bytes", l.report_mail_bytes, "bytes", "largest report mail read"},
      {"report_compressed_bytes", l.report_compressed_bytes, "bytes",
       "largest report as received (gzip, zip or JSON)"},
      {"report_json_bytes", l.report_json_bytes, "bytes",
       "largest report JSON after decompression (gzip bombs stop here)"},
      {"report_json_depth", l.report_json_depth, "levels", "deepest JSON nesting in a report"},
      {"report_policies", l.report_policies, "policies", "policies in one report"},
      {"report_failure_details", l.report_failure_details, "details",
       "failure details in one report"},
      {"report_string_bytes", l.report_string_bytes, "bytes", "longest string in a report"},
      {"report_policy_strings", l.report_policy_strings, "strings",
       "policy-string or mx-host entries in one policy"},
      {"report_warnings", l.report_warnings, "warnings", "warnings kept for one report"},
      {"report_zip_members", l.report_zip_members, "members",
       "zip members looked at for the report"},
      {"report_mail_parts", l.report_mail_parts, "parts", "MIME parts read in one report mail"},
      {"dkim_signatures", l.dkim_signatures, "signatures",
       "DKIM-Signature fields verified in one report mail; more refuses it"},
      {"dns_cname_hops", l.dns_cname_hops, "CNAMEs",
       "CNAMEs followed in one DNS reply (stub resolver)"},
      {"maildir_name_bytes", l.maildir_name_bytes, "bytes", "longest Maildir file name read"},
      {"imap_response_bytes", l.imap_response_bytes, "bytes",
       "untagged IMAP response lines read for one command (SEARCH, SELECT, CAPABILITY)"},
      {"imap_search_uids", l.imap_search_uids, "UIDs",
       "messages taken from one IMAP SEARCH; the rest wait for the next run"},
  };
}

}  // namespace webshield
