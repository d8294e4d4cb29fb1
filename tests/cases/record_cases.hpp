// Table of record and policy texts with the finding each must produce. The unit tests assert
// them; the fuzz seed writer (tests/fuzz/seeds.cpp) turns every text into a seed.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "records/recognized.hpp"

namespace webshield::cases {

using records::Recognized;

struct Bad {
  std::string_view text;
  std::string_view code;  // must be among the findings
  Recognized kind;        // the parser's answer
  std::string_view why;
};

struct Good {
  std::string_view text;
  std::string_view why;
};

// RFC 8460 §3.
inline constexpr Bad kTlsRptBad[] = {
    {"V=TLSRPTv1; rua=mailto:a@example.com", "tlsrpt.version_case", Recognized::malformed,
     "upper-case name"},
    {"v=tlsrptv1; rua=mailto:a@example.com", "tlsrpt.version_case", Recognized::malformed,
     "lower-case value"},
    {"v=TLSRPTV1; rua=mailto:a@example.com", "tlsrpt.version_case", Recognized::malformed,
     "upper-case V in the value"},
    {"v=TLSRPTv2; rua=mailto:a@example.com", "tlsrpt.version_unknown", Recognized::malformed,
     "version 2"},
    {"v=TLSRPTv10; rua=mailto:a@example.com", "tlsrpt.version_unknown", Recognized::malformed,
     "v10 shares the v1 prefix"},
    {"rua=mailto:a@example.com; v=TLSRPTv1", "tlsrpt.version_not_first", Recognized::malformed,
     "version last"},
    {"v = TLSRPTv1; rua=mailto:a@example.com", "tlsrpt.syntax", Recognized::malformed,
     "spaces around '='"},
    {" v=TLSRPTv1; rua=mailto:a@example.com", "tlsrpt.syntax", Recognized::malformed,
     "leading space"},
    {"v=TLSRPTv1;; rua=mailto:a@example.com", "tlsrpt.syntax", Recognized::malformed,
     "empty field"},
    {"v=TLSRPTv1; rua=mailto:a@example.com ", "tlsrpt.syntax", Recognized::malformed,
     "trailing space without ';'"},
    {"v=TLSRPTv1; nokey; rua=mailto:a@example.com", "tlsrpt.syntax", Recognized::malformed,
     "field without '='"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; x=\x01", "tlsrpt.syntax", Recognized::malformed,
     "control character"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; x=\xc3\xa4", "tlsrpt.syntax", Recognized::malformed,
     "non-ASCII"},
    {"v=TLSRPTv1", "tlsrpt.rua_missing", Recognized::malformed, "version only"},
    {"v=TLSRPTv1;", "tlsrpt.rua_missing", Recognized::malformed, "version and delimiter"},
    {"v=TLSRPTv1; RUA=mailto:a@example.com", "tlsrpt.rua_missing", Recognized::malformed,
     "RUA is an extension"},
    {"v=TLSRPTv1; rua=", "tlsrpt.rua_empty", Recognized::malformed, "empty rua"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,", "tlsrpt.rua_empty", Recognized::malformed,
     "trailing comma"},
    {"v=TLSRPTv1; rua=mailto:a@example.com, ,mailto:b@example.com", "tlsrpt.rua_empty",
     Recognized::malformed, "empty list element"},
    {"v=TLSRPTv1; rua=http://reports.example.com/tlsrpt", "tlsrpt.rua_scheme_unsupported",
     Recognized::yes, "plain http"},
    {"v=TLSRPTv1; rua=tlsrpt@example.com", "tlsrpt.rua_scheme_unsupported", Recognized::yes,
     "no scheme"},
    {"v=TLSRPTv1; rua=ftp://example.com/", "tlsrpt.rua_scheme_unsupported", Recognized::yes, "ftp"},
    {"v=TLSRPTv1; rua=mailto:a@example.com!10m", "tlsrpt.rua_unencoded_char", Recognized::malformed,
     "DMARC size suffix"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,b@example.com", "tlsrpt.rua_unencoded_char",
     Recognized::yes, "comma between addresses of one mailto"},
    {"v=TLSRPTv1; rua=mailto:a@example.com;b@example.com", "tlsrpt.rua_unencoded_char",
     Recognized::malformed, "semicolon between addresses"},
    {"v=TLSRPTv1; rua=mailto:a@@example.com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "two @"},
    {"v=TLSRPTv1; rua=mailto:", "tlsrpt.rua_mailto_invalid", Recognized::yes, "no address"},
    {"v=TLSRPTv1; rua=mailto:a@example..com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "empty label"},
    {"v=TLSRPTv1; rua=mailto:a b@example.com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "unencoded space"},
    {"v=TLSRPTv1; rua=mailto:.a@example.com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "leading dot in local part"},
    {"v=TLSRPTv1; rua=mailto:a@-example.com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "label starts with '-'"},
    {"v=TLSRPTv1; rua=mailto:a%4@example.com", "tlsrpt.rua_mailto_invalid", Recognized::yes,
     "bad percent escape"},
    {"v=TLSRPTv1; rua=mailto:a@example.com?subject=TLS", "tlsrpt.rua_mailto_hfields",
     Recognized::yes, "header fields"},
    {"v=TLSRPTv1; rua=https://", "tlsrpt.rua_https_invalid", Recognized::yes, "no host"},
    {"v=TLSRPTv1; rua=https:reports.example.com", "tlsrpt.rua_https_invalid", Recognized::yes,
     "no //"},
    {"v=TLSRPTv1; rua=https://reports.example.com:99999/r", "tlsrpt.rua_https_invalid",
     Recognized::yes, "port out of range"},
    {"v=TLSRPTv1; rua=https://reports.example.com:/r", "tlsrpt.rua_https_invalid", Recognized::yes,
     "empty port"},
    {"v=TLSRPTv1; rua=https://user@reports.example.com/r", "tlsrpt.rua_https_invalid",
     Recognized::yes, "user information"},
    {"v=TLSRPTv1; rua=https://reports..example.com/r", "tlsrpt.rua_https_invalid", Recognized::yes,
     "empty label in host"},
    {"v=TLSRPTv1; rua=https://[2001:db8::zz]/r", "tlsrpt.rua_https_invalid", Recognized::yes,
     "bad IPv6 literal"},
    {"v=TLSRPTv1; rua=MAILTO:a@example.com", "tlsrpt.rua_scheme_case", Recognized::yes,
     "upper-case mailto"},
    {"v=TLSRPTv1; rua=Https://reports.example.com/r,mailto:a@example.com", "tlsrpt.rua_scheme_case",
     Recognized::yes, "mixed-case https"},
    {"v=TLSRPTv1 ; rua=mailto:a@example.com", "tlsrpt.space_before_delimiter", Recognized::yes,
     "space before the first ';'"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; ext=a=b", "tlsrpt.extension_invalid",
     Recognized::malformed, "'=' in an extension value"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; _ext=1", "tlsrpt.extension_invalid",
     Recognized::malformed, "extension name starts with '_'"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; abcdefghijabcdefghijabcdefghijabc=1",
     "tlsrpt.extension_invalid", Recognized::malformed, "33-character extension name"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; ext=", "tlsrpt.extension_invalid",
     Recognized::malformed, "empty extension value"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; future.ext-1=yes", "tlsrpt.extension_unknown",
     Recognized::yes, "well-formed extension"},
    {"v=TLSRPTv1; rua=https://reports.example.com/tlsrpt", "tlsrpt.https_only", Recognized::yes,
     "https only"},
};

inline constexpr Good kTlsRptGood[] = {
    {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "the usual record"},
    {"v=TLSRPTv1;rua=mailto:tlsrpt@example.com", "no space after ';'"},
    {"v=TLSRPTv1;\trua=mailto:tlsrpt@example.com", "tab after ';'"},
    {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com;", "final delimiter"},
    {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com; ", "final delimiter and space"},
    {"v=TLSRPTv1; rua=mailto:a@example.com , https://reports.example.com/v1/tlsrpt",
     "whitespace around ','"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; rua=https://reports.example.com/tlsrpt",
     "two rua fields"},
    {"v=TLSRPTv1; rua=mailto:%22tls%20reports%22@example.com", "quoted local part, encoded"},
    {"v=TLSRPTv1; rua=mailto:tls+rpt@xn--bcher-kva.example", "plus tag and an A-label"},
    {"v=TLSRPTv1; rua=mailto:postmaster@[192.0.2.1]", "address literal"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,https://[2001:db8::1]:8443/r?x=1",
     "IPv6 endpoint with port and query"},
    {"v=TLSRPTv1; rua=mailto:a@example.com%2Cb@example.com", "encoded comma: two mailboxes"},
};

// RFC 8461 §3.1.
inline constexpr Bad kStsBad[] = {
    {"V=STSv1; id=20240501", "mta_sts.version_case", Recognized::malformed, "upper-case name"},
    {"v=stsv1; id=20240501", "mta_sts.version_case", Recognized::malformed, "lower-case value"},
    {"id=20240501; v=STSv1", "mta_sts.version_not_first", Recognized::malformed, "version last"},
    {"v=STSv2; id=20240501", "mta_sts.syntax", Recognized::malformed, "unknown version"},
    {" v=STSv1; id=20240501", "mta_sts.syntax", Recognized::malformed, "leading space"},
    {"v=STSv1; id=20240501 ", "mta_sts.syntax", Recognized::malformed, "trailing space"},
    {"v=STSv1;; id=20240501", "mta_sts.syntax", Recognized::malformed, "empty field"},
    {"v=STSv1; id=20240501; flag", "mta_sts.syntax", Recognized::malformed, "field without '='"},
    {"v=STSv1", "mta_sts.id_missing", Recognized::malformed, "version only"},
    {"v=STSv1;", "mta_sts.id_missing", Recognized::malformed, "version and delimiter"},
    {"v=STSv1; ID=20240501", "mta_sts.id_missing", Recognized::malformed, "ID is an extension"},
    {"v=STSv1; id=", "mta_sts.id_invalid", Recognized::malformed, "empty id"},
    {"v=STSv1; id=2024-05-01T00:00Z", "mta_sts.id_invalid", Recognized::malformed, "punctuation"},
    {"v=STSv1; id=012345678901234567890123456789012", "mta_sts.id_invalid", Recognized::malformed,
     "33 characters"},
    {"v=STSv1; id=2024 05", "mta_sts.id_invalid", Recognized::malformed, "space inside id"},
    {"v=STSv1; id=20240501; id=20240601", "mta_sts.id_duplicate", Recognized::yes, "id repeated"},
    {"v=STSv1; id=20240501; note=caf\xc3\xa9", "mta_sts.non_ascii", Recognized::malformed,
     "UTF-8 in an extension"},
    {"v=STSv1 ; id=20240501", "mta_sts.space_before_delimiter", Recognized::yes,
     "space before the first ';' (erratum 6285)"},
    {"v=STSv1; id=20240501; ext=a=b", "mta_sts.extension_invalid", Recognized::malformed,
     "'=' in the value"},
    {"v=STSv1; id=20240501; -ext=1", "mta_sts.extension_invalid", Recognized::malformed,
     "name starts with '-'"},
    {"v=STSv1; id=20240501; ext=", "mta_sts.extension_invalid", Recognized::malformed,
     "empty value"},
    {"v=STSv1; id=20240501; future_ext=1", "mta_sts.extension_unknown", Recognized::yes,
     "well-formed extension"},
};

inline constexpr Good kStsGood[] = {
    {"v=STSv1; id=20240501T000000", "the usual record"},
    {"v=STSv1;id=1", "shortest id, no space"},
    {"v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345", "32 characters"},
    {"v=STSv1; id=20240501;", "final delimiter"},
    {"v=STSv1;\tid=20240501; \t", "tabs around the delimiter"},
};

// RFC 8461 §3.2 and errata 6253, 7282.
inline constexpr Bad kPolicyBad[] = {
    {"\xEF\xBB\xBFversion: STSv1\r\nmode: none\r\nmax_age: 86400\r\n", "mta_sts.policy_bom",
     Recognized::malformed, "byte-order mark"},
    {"version: STSv1\n\nmode: none\nmax_age: 86400\n", "mta_sts.policy_blank_line",
     Recognized::malformed, "empty line between fields"},
    {"version: STSv1\r\nmode: none\r\n\r\nmax_age: 86400\r\n", "mta_sts.policy_blank_line",
     Recognized::malformed, "CRLF empty line"},
    {"version: STSv1\nmode: none\n  \nmax_age: 86400\n", "mta_sts.policy_blank_line",
     Recognized::malformed, "whitespace-only line"},
    {"version: STSv1\nmode: none\nmax_age: 86400\n\n", "mta_sts.policy_blank_line",
     Recognized::malformed, "two final line breaks"},
    {"Version: STSv1\nmode: none\nmax_age: 86400\n", "mta_sts.policy_field_case",
     Recognized::malformed, "Version"},
    {"version: STSv1\nMode: enforce\nmax_age: 604800\nmx: mx.example.com\n",
     "mta_sts.policy_field_case", Recognized::malformed, "Mode"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nMX: mx.example.com\n",
     "mta_sts.policy_field_case", Recognized::malformed, "MX"},
    {"mode: none\nmax_age: 86400\n", "mta_sts.policy_version_missing", Recognized::malformed,
     "no version"},
    {"Version: STSv1\nmode: none\nmax_age: 86400\n", "mta_sts.policy_version_missing",
     Recognized::malformed, "only a wrong-case version"},
    {"version: STSv2\nmode: none\nmax_age: 86400\n", "mta_sts.policy_version_invalid",
     Recognized::malformed, "STSv2"},
    {"version: stsv1\nmode: none\nmax_age: 86400\n", "mta_sts.policy_version_invalid",
     Recognized::malformed, "lower-case value"},
    {"version: STSv1\nmax_age: 86400\n", "mta_sts.policy_mode_missing", Recognized::malformed,
     "no mode"},
    {"version: STSv1\nmode: report\nmax_age: 86400\n", "mta_sts.policy_mode_invalid",
     Recognized::malformed, "pre-RFC value report"},
    {"version: STSv1\nmode: Enforce\nmax_age: 86400\nmx: mx.example.com\n",
     "mta_sts.policy_mode_invalid", Recognized::malformed, "values are case-sensitive"},
    {"version: STSv1\nmode:\nmax_age: 86400\n", "mta_sts.policy_mode_invalid",
     Recognized::malformed, "empty mode"},
    {"version: STSv1\nmode: none\n", "mta_sts.policy_max_age_missing", Recognized::malformed,
     "no max_age"},
    {"version: STSv1\nmode: none\nmax_age: 1d\n", "mta_sts.policy_max_age_invalid",
     Recognized::malformed, "unit suffix"},
    {"version: STSv1\nmode: none\nmax_age: -1\n", "mta_sts.policy_max_age_invalid",
     Recognized::malformed, "negative"},
    {"version: STSv1\nmode: none\nmax_age: 12345678901\n", "mta_sts.policy_max_age_invalid",
     Recognized::malformed, "11 digits"},
    {"version: STSv1\nmode: none\nmax_age:\n", "mta_sts.policy_max_age_invalid",
     Recognized::malformed, "empty"},
    {"version: STSv1\nmode: none\nmax_age: 31557601\n", "mta_sts.policy_max_age_too_large",
     Recognized::malformed, "one second over a year (erratum 7282)"},
    {"version: STSv1\nmode: none\nmax_age: 9999999999\n", "mta_sts.policy_max_age_too_large",
     Recognized::malformed, "ten nines"},
    {"version: STSv1\nmode: testing\nmax_age: 3600\nmx: mx.example.com\n",
     "mta_sts.policy_max_age_short", Recognized::yes, "an hour"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.example.com\n",
     "mta_sts.policy_max_age_short", Recognized::yes, "a day with enforce"},
    {"version: STSv1\nmode: none\nmax_age: 0\n", "mta_sts.policy_max_age_zero", Recognized::yes,
     "zero"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\n", "mta_sts.policy_mx_missing",
     Recognized::malformed, "enforce without mx"},
    {"version: STSv1\nmode: testing\nmax_age: 604800\n", "mta_sts.policy_mx_missing",
     Recognized::malformed, "testing without mx"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: *.*.example.com\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "two wildcards"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx*.example.com\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "partial wildcard"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx.example.com.\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "trailing dot"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx1.example.com mx2.example.com\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "two names on one line"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx.example.com:25\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "with a port"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: b\xc3\xbc"
     "cher.example\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "U-label"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: [2001:db8::25]\n",
     "mta_sts.policy_mx_invalid", Recognized::malformed, "IPv6 literal"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx:\n", "mta_sts.policy_mx_invalid",
     Recognized::malformed, "empty mx"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: 192.0.2.25\n",
     "mta_sts.policy_mx_ip_literal", Recognized::yes, "IPv4 address"},
    {"version: STSv1\nmode: none\nmode: enforce\nmax_age: 86400\n",
     "mta_sts.policy_duplicate_field", Recognized::yes, "mode twice"},
    {"version: STSv1\nmode: none\nmax_age: 86400\nmax_age: 604800\n",
     "mta_sts.policy_duplicate_field", Recognized::yes, "max_age twice"},
    {"version: STSv1\nmode: none\nmax_age: 86400\nrenew-by: 2026-12-01\n",
     "mta_sts.policy_unknown_field", Recognized::yes, "extension field"},
    {"version: STSv1\nmode: testing\nmax_age: 604800\nmx: mx.example.com\n", "mta_sts.mode_testing",
     Recognized::yes, "testing"},
    {"version: STSv1\nmode: none\nmax_age: 86400\n", "mta_sts.mode_none", Recognized::yes, "none"},
    {"version: STSv1\nmode : none\nmax_age: 86400\n", "mta_sts.policy_syntax",
     Recognized::malformed, "space before ':'"},
    {"version: STSv1\n mode: none\nmax_age: 86400\n", "mta_sts.policy_syntax",
     Recognized::malformed, "leading space"},
    {"version: STSv1\nmode none\nmax_age: 86400\n", "mta_sts.policy_syntax", Recognized::malformed,
     "no colon"},
    {"version: STSv1\rmode: none\nmax_age: 86400\n", "mta_sts.policy_syntax", Recognized::malformed,
     "bare CR"},
    {"version: STSv1\nmode: none\nmax_age: 86400\nnote: \xff\n", "mta_sts.policy_syntax",
     Recognized::malformed, "invalid UTF-8 in an extension"},
    {"<html><body>Not found</body></html>\n", "mta_sts.policy_syntax", Recognized::no,
     "an HTML page"},
};

inline constexpr Good kPolicyGood[] = {
    {"version: STSv1\r\nmode: enforce\r\nmax_age: 604800\r\nmx: mx1.example.com\r\nmx: "
     "*.mail.example.com\r\n",
     "CRLF, as in the RFC's example"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx1.example.com\n",
     "LF only (erratum 6253)"},
    {"version: STSv1\nmode: enforce\nmax_age: 31557600\nmx: mx1.example.com",
     "no final line break, the largest max_age"},
    {"version: STSv1\r\nmode: enforce\nmax_age: 1209600\r\nmx: mx1.example.com\n",
     "mixed LF and CRLF"},
    {"mx: mx1.example.com\nmax_age: 604800\nmode: enforce\nversion: STSv1\n", "any order"},
    {"version:STSv1\nmode:\tenforce\nmax_age: 604800   \nmx: mx1.example.com\t\n",
     "no or tab whitespace after ':', trailing whitespace"},
    {"version: STSv1\nmode: none\nmax_age: 86400\n", "mode none needs no mx"},
    {"version: STSv1\nmode: enforce\nmax_age: 604800\nmx: xn--bcher-kva.example\ncomment: "
     "gepr\xc3\xbc"
     "ft am 1. Mai\n",
     "A-label pattern, UTF-8 extension value"},
};

// Every text of every table, for properties that hold whatever the input.
inline std::vector<std::string_view> all_texts() {
  std::vector<std::string_view> out;
  for (std::span<const Bad> table :
       {std::span<const Bad>(kTlsRptBad), std::span<const Bad>(kStsBad),
        std::span<const Bad>(kPolicyBad)}) {
    for (const Bad& c : table)
      out.push_back(c.text);
  }
  for (std::span<const Good> table :
       {std::span<const Good>(kTlsRptGood), std::span<const Good>(kStsGood),
        std::span<const Good>(kPolicyGood)}) {
    for (const Good& c : table)
      out.push_back(c.text);
  }
  return out;
}

}  // namespace webshield::cases
