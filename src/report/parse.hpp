// RFC 8460 §4 report JSON → Report. Accepts every variation real senders send (REPORTS.md)
// and records each irregularity as a warning; refuses, with the JSON path, only what cannot
// be a report. Pure: untrusted input, bounded by Limits (depth, counts, string lengths).
#pragma once

#include <memory>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "report/report.hpp"

namespace webshield::report {

// Holds the JSON parser's buffers so that a worker can reuse them from report to report.
// One per thread.
class ReportParser {
 public:
  explicit ReportParser(const Limits& limits = {});
  ~ReportParser();
  ReportParser(const ReportParser&) = delete;
  ReportParser& operator=(const ReportParser&) = delete;

  Result<Report> parse(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience.
Result<Report> parse_report(std::string_view json, const Limits& limits = {});

}  // namespace webshield::report
