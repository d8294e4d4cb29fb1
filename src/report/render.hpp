// The normalised JSON form of a report (docs/reports.md, REPORTS.md) and a readable summary.
// Output only: the report was parsed and bounded before it got here.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "report/report.hpp"

namespace webshield::report {

// Where a report came from: "file", "https" or "mail", and for mail the DKIM verdict.
struct ReportSource {
  std::string transport;
  std::optional<std::string> name;           // file name or attachment name
  std::optional<std::string> report_domain;  // TLS-Report-Domain
  std::optional<std::string> submitter;      // TLS-Report-Submitter
  std::optional<std::string> dkim;           // pass, fail, none, policy, not-checked…
  std::optional<std::string> dkim_domain;
  std::optional<std::string> dkim_reason;  // why, in words
  std::optional<bool> dkim_aligned;        // d= aligns with the submitter or contact-info
};

// snake_case, times in UTC with Z, absent optional fields omitted.
nlohmann::json to_json(const Report& report, const std::optional<ReportSource>& source = {});

// Per policy: successes, failures by result type, sending IPs and MX hosts; then warnings.
void print_summary(std::ostream& out, const Report& report,
                   const std::optional<ReportSource>& source = {});

}  // namespace webshield::report
