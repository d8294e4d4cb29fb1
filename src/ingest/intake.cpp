#include "ingest/intake.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "codec/decode.hpp"
#include "mail/extract.hpp"

namespace webshield::ingest {

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::too_large:
      return "too large";
    case Refusal::not_a_report:
      return "not a report";
    case Refusal::malformed:
      return "malformed";
    case Refusal::dkim_policy:
      return "DKIM policy";
    case Refusal::dkim_temporary:
      return "DKIM key lookup failed";
  }
  return "refused";
}

std::size_t max_item_bytes(Kind kind, const Limits& limits) {
  return kind == Kind::mail ? limits.report_mail_bytes
                            : std::max(limits.report_mail_bytes, limits.report_compressed_bytes);
}

bool looks_like_json(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[');
}

std::vector<std::string> alignment_candidates(const std::optional<std::string>& submitter,
                                              const report::Report& report) {
  std::vector<std::string> out;
  if (submitter) out.push_back(*submitter);
  if (report.contact_info) {
    const auto at = report.contact_info->rfind('@');
    if (at != std::string::npos) out.push_back(report.contact_info->substr(at + 1));
  }
  return out;
}

std::string_view transport_of(Kind kind) {
  return kind == Kind::mail ? "mail" : "file";
}

Kind kind_of_transport(std::string_view transport) {
  return transport == "mail" ? Kind::mail : Kind::sniff;
}

Intake::Intake(const Limits& limits, IntakeOptions options, const mail::KeyLookup* keys)
    : limits_(limits), options_(options), keys_(keys), parser_(limits) {}

namespace {

std::unexpected<Refused> refuse(Refusal kind, std::string reason) {
  return std::unexpected(Refused{kind, std::move(reason)});
}

}  // namespace

std::expected<Parsed, Refused> Intake::read(std::string_view bytes, Kind kind) {
  const std::size_t max = max_item_bytes(kind, limits_);
  if (bytes.size() > max) {
    return refuse(Refusal::too_large,
                  fmt::format("larger than {} bytes (limit {})", max,
                              max == limits_.report_mail_bytes ? "report_mail_bytes"
                                                               : "report_compressed_bytes"));
  }
  Parsed out;
  out.source.transport = "file";
  std::string_view payload = bytes;
  mail::MailReport mail_report;
  const bool is_mail =
      kind == Kind::mail
      || (codec::sniff(payload) == codec::Encoding::plain && !looks_like_json(payload));
  if (is_mail) {
    mail::ExtractOptions extract_options;
    extract_options.verify_dkim = options_.verify_dkim;
    auto m = mail::extract_report(payload, limits_, extract_options);
    if (!m) {
      // extract_report says "not a mail message…" or "not a TLS report…" for a mail that
      // carries no report at all; anything else is a report mail it could not read.
      const Refusal why =
          m.error().message.starts_with("not a ") ? Refusal::not_a_report : Refusal::malformed;
      return refuse(why, m.error().describe());
    }
    mail_report = std::move(*m);
    payload = mail_report.attachment;
    out.source.transport = "mail";
    out.source.name = mail_report.filename;
    out.source.report_domain = mail_report.report_domain;
    out.source.submitter = mail_report.submitter;
    out.source.dkim = mail_report.dkim;
    out.source.dkim_domain = mail_report.dkim_domain;
  }
  auto decoded = codec::decode_report(payload, limits_);
  if (!decoded) return refuse(Refusal::malformed, decoded.error().describe());
  auto parsed = parser_.parse(decoded->bytes);
  if (!parsed) return refuse(Refusal::malformed, parsed.error().describe());
  out.report = std::move(*parsed);
  if (is_mail && options_.verify_dkim && keys_ != nullptr) {
    const mail::DkimResult r = mail::verify_dkim(
        bytes, *keys_, alignment_candidates(mail_report.submitter, out.report), limits_);
    out.source.dkim = r.result;
    out.source.dkim_domain = r.domain;
    out.source.dkim_reason = r.reason;
    out.source.dkim_aligned = r.aligned;
    // RFC 8460 §5.3: a report mail MUST carry a valid DKIM signature of the reporting domain.
    if (options_.dkim_policy == DkimPolicy::require && !(r.result == "pass" && r.aligned)) {
      const std::string why =
          fmt::format("DKIM {} ({}); --dkim require needs an aligned pass", r.result, r.reason);
      return refuse(r.result == "temperror" ? Refusal::dkim_temporary : Refusal::dkim_policy, why);
    }
  }
  auto& w = out.report.warnings;
  w.insert(w.begin(), decoded->warnings.begin(), decoded->warnings.end());
  w.insert(w.begin(), mail_report.warnings.begin(), mail_report.warnings.end());
  if (w.size() > limits_.report_warnings) w.resize(limits_.report_warnings);
  return out;
}

}  // namespace webshield::ingest
