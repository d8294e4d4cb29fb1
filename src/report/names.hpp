// The informative names around a report: the file name of RFC 8460 §5.1 and the mail subject
// of §5.3. When they disagree with the JSON, the JSON wins (§5.6). Pure: untrusted input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace webshield::report {

// sender "!" policy-domain "!" begin-timestamp "!" end-timestamp [ "!" unique-id ] "." extension
// with extension "json" or "json.gz" (RFC 8460 §5.1).
struct ReportFileName {
  std::string sender;
  std::string policy_domain;
  UnixSeconds begin = 0;
  UnixSeconds end = 0;
  std::optional<std::string> unique_id;
  bool gzip = false;

  bool operator==(const ReportFileName&) const = default;
};

Result<ReportFileName> parse_report_file_name(std::string_view name);

// "Report Domain: <domain> Submitter: <domain> Report-ID: <id>" (RFC 8460 §5.3). Only the
// report domain is required; Microsoft's Report-ID has no angle brackets.
struct ReportSubject {
  std::string report_domain;
  std::optional<std::string> submitter;
  std::optional<std::string> report_id;  // without the angle brackets

  bool operator==(const ReportSubject&) const = default;
};

Result<ReportSubject> parse_report_subject(std::string_view subject);

}  // namespace webshield::report
