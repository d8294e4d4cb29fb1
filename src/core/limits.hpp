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

  // TLS-RPT reports (RFC 8460 §4, §5). mox caps a report mail at 15 MB and a decompressed
  // report at 20 MB; a large sender's daily report is a few MB at most.
  // A report mail, read whole, before MIME parsing (GMime itself has no limits).
  std::size_t report_mail_bytes = 15 * 1024 * 1024;
  // A report as received (compressed or not), e.g. an HTTPS body or a file.
  std::size_t report_compressed_bytes = 15 * 1024 * 1024;
  // The report JSON after gzip/zip decompression; decoding stops past it (gzip bombs).
  std::size_t report_json_bytes = 20 * 1024 * 1024;
  // JSON nesting: a report needs 5 levels (report, policies, policy, failure-details, detail).
  std::size_t report_json_depth = 16;
  // Policies in one report.
  std::size_t report_policies = 10'000;
  // Failure details in one report, over all policies (tens of thousands occur).
  std::size_t report_failure_details = 1'000'000;
  // Any one string in a report (names, policy lines, reason codes).
  std::size_t report_string_bytes = 8 * 1024;
  // Strings in one policy-string or mx-host array.
  std::size_t report_policy_strings = 1024;
  // Warnings kept for one report; the last one says that more were left out.
  std::size_t report_warnings = 100;
  // Members looked at in one zip archive before the report's .json member.
  std::size_t report_zip_members = 16;
  // MIME parts looked at in one report mail.
  std::size_t report_mail_parts = 64;
  // DKIM-Signature header fields in one report mail: each costs a key lookup and an RSA or
  // Ed25519 verification; a real report carries one or two. More refuses the mail (permerror).
  std::size_t dkim_signatures = 8;
  // CNAMEs followed within one DNS reply before the answer; real chains are one or two long.
  std::size_t dns_cname_hops = 8;

  // Ingestion (`webshield ingest`). A Maildir file name: NAME_MAX on Linux file systems.
  std::size_t maildir_name_bytes = 255;
  // The untagged response lines of one IMAP command WebShield reads itself (SEARCH, SELECT,
  // CAPABILITY): a SEARCH of 100 000 UIDs takes about 1 MiB.
  std::size_t imap_response_bytes = 4 * 1024 * 1024;
  // UIDs taken from one IMAP SEARCH; the lowest are ingested, the rest on the next run or poll.
  std::size_t imap_search_uids = 100'000;
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
