// The intake step that `webshield report parse`, `webshield ingest` and `quarantine retry`
// share: bytes as received → (a mail? MIME extraction, RFC 8460 §5.3, and DKIM) → bounded
// decoding → the report parser → a report with its source, or the reason it was refused.
// Untrusted input: every step is bounded by Limits; the only I/O is the DKIM key lookup.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "mail/dkim.hpp"
#include "report/parse.hpp"
#include "report/render.hpp"
#include "report/report.hpp"

namespace webshield::ingest {

// What the bytes are known to be. `sniff`: told apart by content (gzip, zip, JSON, else a mail),
// for files. `mail`: a message from a mailbox, an MTA pipe or IMAP, read as a mail whatever
// its first bytes are.
enum class Kind { sniff, mail };

// RFC 8460 §5.3: report mail MUST be DKIM-signed, and receivers may ignore unsigned reports.
// keep: store unauthenticated report mail with its DKIM verdict in the source (REPORTS.md);
// require: quarantine report mail without an aligned DKIM pass.
enum class DkimPolicy { keep, require };

struct IntakeOptions {
  bool verify_dkim = true;  // false: --no-dkim, the source says "skipped"
  DkimPolicy dkim_policy = DkimPolicy::keep;
};

// Why an item was refused, which decides what happens to it.
enum class Refusal {
  too_large,       // over report_mail_bytes / report_compressed_bytes: the bytes are not kept
  not_a_report,    // a mail that carries no report part
  malformed,       // a report that cannot be read (bad gzip, bad JSON, missing fields)
  dkim_policy,     // --dkim require: no aligned DKIM pass
  dkim_temporary,  // --dkim require and the key lookup failed: a later try may pass
};

std::string_view to_string(Refusal refusal);

struct Refused {
  Refusal kind = Refusal::malformed;
  std::string reason;  // where and why, for people and the quarantine
};

struct Parsed {
  report::Report report;
  report::ReportSource source;
};

// The item size cap for `kind`: a mail is capped by report_mail_bytes, a file by the larger of
// that and report_compressed_bytes (it may be either).
std::size_t max_item_bytes(Kind kind, const Limits& limits);

// JSON starts with '{' (after white space or a byte order mark).
bool looks_like_json(std::string_view bytes);

// The domains a report's DKIM signer should align with: TLS-Report-Submitter and the domain of
// the contact-info mailbox.
std::vector<std::string> alignment_candidates(const std::optional<std::string>& submitter,
                                              const report::Report& report);

class Intake {
 public:
  // `keys` is needed when options.verify_dkim; it must outlive the Intake.
  Intake(const Limits& limits, IntakeOptions options, const mail::KeyLookup* keys);

  // `bytes` is the whole item, already capped by the reader (an item the reader found larger
  // than max_item_bytes is refused by the caller as too_large, without reading it all).
  std::expected<Parsed, Refused> read(std::string_view bytes, Kind kind);

  const Limits& limits() const { return limits_; }
  const IntakeOptions& options() const { return options_; }

 private:
  const Limits& limits_;
  IntakeOptions options_;
  const mail::KeyLookup* keys_;
  report::ReportParser parser_;
};

// The transport of an item for the quarantine: "mail" for a mail message, "file" otherwise.
std::string_view transport_of(Kind kind);
Kind kind_of_transport(std::string_view transport);

}  // namespace webshield::ingest
