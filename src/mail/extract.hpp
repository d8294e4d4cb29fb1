// Finds the report in a TLS-RPT report mail (RFC 8460 §5.3): the multipart/report part of
// type application/tlsrpt+gzip or +json, and the variants real senders use (plain
// application/tlsrpt, application/gzip, application/zip, application/octet-stream with a
// .json.gz or .zip name), and reads TLS-Report-Domain and TLS-Report-Submitter. Untrusted
// input; the raw size is capped before GMime (which has no limits of its own) sees it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::mail {

struct ExtractOptions {
  // DKIM is verified on the raw message by verify_dkim (mail/dkim.hpp), which the caller runs:
  // here the result only starts as "not-checked" when true, "skipped" when false.
  bool verify_dkim = true;
};

struct MailReport {
  std::string attachment;  // the report part's decoded bytes (gzip, zip or JSON)
  std::string content_type;
  std::optional<std::string> filename;
  std::optional<std::string> report_domain;  // TLS-Report-Domain
  std::optional<std::string> submitter;      // TLS-Report-Submitter
  std::optional<std::string> subject;
  std::string dkim = "not-checked";
  std::optional<std::string> dkim_domain;
  std::vector<std::string> warnings;
};

// Fails when the bytes are not a mail message or the message carries no report.
Result<MailReport> extract_report(std::string_view raw, const Limits& limits = {},
                                  const ExtractOptions& options = {});

}  // namespace webshield::mail
