#include "records/mtasts_record.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "records/txt_fields.hpp"

namespace webshield::records {
namespace {

constexpr std::string_view kRef = "RFC 8461 §3.1";
constexpr TxtGrammar kGrammar{.tag = "v=STSv1",
                              .version = "STSv1",
                              .family = "STSv",
                              .ref = kRef,
                              .syntax = "mta_sts.syntax",
                              .version_case = "mta_sts.version_case",
                              .version_not_first = "mta_sts.version_not_first",
                              .other_version = "mta_sts.syntax",
                              .other_version_severity = Severity::error,
                              .non_ascii = "mta_sts.non_ascii",
                              .space_before_delimiter = "mta_sts.space_before_delimiter",
                              .space_ref = "RFC 8461 §3.1, erratum 6285"};
constexpr std::size_t kMaxId = 32;

class Parser {
 public:
  Parser(std::string_view text, const Limits& limits)
      : text_(text), limits_(limits), findings_(limits.findings) {}

  StsParse run() {
    StsParse out;
    const TxtHead head = read_head(text_, kGrammar, limits_, findings_);
    if (head.kind != Recognized::yes) {
      out.kind = head.kind;
      out.findings = findings_.take();
      return out;
    }
    const TxtLayout& layout = head.layout;
    for (const TxtField& f : std::span(layout.fields).subspan(head.first_field)) {
      if (head.is_version(f, kGrammar)) continue;
      field(f);
    }
    if (!saw_id_) {
      error("mta_sts.id_missing", "no 'id=' field: senders cannot tell when the policy changes");
    }
    out.kind = has_error(findings_.items()) ? Recognized::malformed : Recognized::yes;
    out.record = std::move(record_);
    out.findings = findings_.take();
    return out;
  }

 private:
  void error(std::string_view code, std::string message, std::string subject = {}) {
    findings_.add(code, Severity::error, std::move(message), kRef,
                  subject.empty() ? std::string(text_) : std::move(subject));
  }

  void field(const TxtField& f) {
    const std::string shown = field_text(text_, f);
    if (!f.has_equals) {
      error("mta_sts.syntax", fmt::format("byte {}: field '{}' has no '='", f.offset, shown),
            shown);
      return;
    }
    if (f.name == "id") {
      id(f);
      return;
    }
    if (!is_ext_name(f.name) || !is_ext_value(f.value)) {
      error("mta_sts.extension_invalid",
            fmt::format("byte {}: '{}' is neither id nor a valid extension", f.offset, shown),
            shown);
      return;
    }
    findings_.add("mta_sts.extension_unknown", Severity::info,
                  fmt::format("byte {}: unknown extension '{}' is ignored by senders{}", f.offset,
                              ascii::printable(f.name),
                              ascii::iequals(f.name, "id") ? " ('ID' is not 'id')" : ""),
                  kRef, shown);
    record_.extensions.push_back({std::string(f.name), std::string(f.value)});
  }

  // sts-id = %s"id=" 1*32(ALPHA / DIGIT)
  void id(const TxtField& f) {
    if (saw_id_) {
      findings_.add("mta_sts.id_duplicate", Severity::warning,
                    fmt::format("byte {}: 'id' appears again; senders use the first one ('{}')",
                                f.offset, ascii::printable(record_.id)),
                    kRef, std::string(f.value));
      return;
    }
    saw_id_ = true;
    std::string why;
    if (f.value.empty()) {
      why = "it is empty";
    } else if (f.value.size() > kMaxId) {
      why = fmt::format("it has {} characters, at most {} are allowed", f.value.size(), kMaxId);
    } else if (!ascii::all_of(f.value, ascii::is_alnum)) {
      why = "only letters and digits are allowed (no '-', ':' or '.': use e.g. 20240501T0000)";
    }
    if (!why.empty()) {
      error("mta_sts.id_invalid",
            fmt::format("byte {}: id '{}' is invalid: {}", f.value_offset,
                        ascii::printable(f.value), why),
            std::string(f.value));
      return;
    }
    record_.id = std::string(f.value);
  }

  std::string_view text_;
  const Limits& limits_;
  FindingList findings_;
  StsRecord record_;
  bool saw_id_ = false;
};

}  // namespace

StsParse parse_sts_record(std::string_view text, const Limits& limits) {
  return Parser(text, limits).run();
}

std::string format_sts_record(const StsRecord& record) {
  std::string out = "v=STSv1; id=" + record.id + ";";
  for (const Extension& e : record.extensions)
    out += " " + e.name + "=" + e.value + ";";
  out.pop_back();
  return out;
}

const RecordRules kStsRules{
    "v=STSv1", "mta_sts.missing", Severity::warning, "mta_sts.multiple_records",
    kRef,      "MTA-STS record"};

RrsetSelection<StsParse> select_sts_record(std::span<const TxtRr> rrset, const Limits& limits) {
  return select_record<StsParse>(rrset, kStsRules, limits, [&limits](std::string_view text) {
    return parse_sts_record(text, limits);
  });
}

}  // namespace webshield::records
