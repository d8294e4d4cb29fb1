#include "records/tlsrpt_record.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "records/txt_fields.hpp"

namespace webshield::records {
namespace {

constexpr std::string_view kRef = "RFC 8460 §3";
constexpr TxtGrammar kGrammar{.tag = "v=TLSRPTv1",
                              .version = "TLSRPTv1",
                              .family = "TLSRPTv",
                              .ref = kRef,
                              .syntax = "tlsrpt.syntax",
                              .version_case = "tlsrpt.version_case",
                              .version_not_first = "tlsrpt.version_not_first",
                              .other_version = "tlsrpt.version_unknown",
                              .other_version_severity = Severity::warning,
                              .non_ascii = "tlsrpt.syntax",
                              .space_before_delimiter = "tlsrpt.space_before_delimiter",
                              .space_ref = kRef};

class Parser {
 public:
  Parser(std::string_view text, const Limits& limits)
      : text_(text), limits_(limits), findings_(limits.findings) {}

  TlsRptParse run() {
    TlsRptParse out;
    const TxtHead head = read_head(text_, kGrammar, limits_, findings_);
    grammar_error_ = head.grammar_error;
    if (head.kind != Recognized::yes) {
      out.kind = head.kind;
      out.findings = findings_.take();
      return out;
    }
    const TxtLayout& layout = head.layout;
    for (std::size_t i = head.first_field; i < layout.fields.size(); ++i) {
      const TxtField& f = layout.fields[i];
      if (head.is_version(f, kGrammar)) continue;
      field(f, i > 0 ? &layout.fields[i - 1] : nullptr);
    }
    if (!saw_rua_) {
      error("tlsrpt.rua_missing",
            "no 'rua=' field: the record names no destination for reports (field names are "
            "case-sensitive, 'RUA=' is an unknown extension)");
    }
    if (!record_.rua.empty() && std::ranges::all_of(record_.rua, [](const RuaUri& u) {
          return u.scheme == RuaScheme::https;
        })) {
      findings_.add("tlsrpt.https_only", Severity::warning,
                    "every destination is https: some reporters send reports only by mail; "
                    "add a mailto: destination",
                    kRef, std::string(text_));
    }
    out.kind = grammar_error_ ? Recognized::malformed : Recognized::yes;
    out.record = std::move(record_);
    out.findings = findings_.take();
    return out;
  }

 private:
  // A violation of the record grammar: senders then assume there is no record.
  void error(std::string_view code, std::string message, std::string subject = {}) {
    grammar_error_ = true;
    findings_.add(code, Severity::error, std::move(message), kRef,
                  subject.empty() ? std::string(text_) : std::move(subject));
  }

  void field(const TxtField& f, const TxtField* previous) {
    if (!f.has_equals) {
      // A ';' inside a URI splits it: "rua=mailto:a@example.com;b@example.com".
      if (previous != nullptr && previous->name == "rua") {
        error("tlsrpt.rua_unencoded_char",
              fmt::format("byte {}: ';' inside the rua URI before '{}' must be percent-encoded "
                          "as %3B (or separate URIs with ',')",
                          f.offset - 1, ascii::printable(f.name)),
              std::string(f.name));
      } else {
        error("tlsrpt.syntax",
              fmt::format("byte {}: field '{}' has no '='", f.offset, ascii::printable(f.name)),
              std::string(f.name));
      }
      return;
    }
    if (f.name == "rua") {
      saw_rua_ = true;
      rua(f);
      return;
    }
    if (!is_ext_name(f.name) || !is_ext_value(f.value)) {
      error("tlsrpt.extension_invalid",
            fmt::format("byte {}: '{}' is neither rua nor a valid extension (name: letters, "
                        "digits, '_', '-', '.', up to 32; value: visible characters except "
                        "'=' and ';')",
                        f.offset, field_text(text_, f)),
            field_text(text_, f));
      return;
    }
    const bool rua_case = ascii::iequals(f.name, "rua");
    findings_.add("tlsrpt.extension_unknown", Severity::info,
                  rua_case ? fmt::format("byte {}: '{}=' is not 'rua=' (names are case-sensitive); "
                                         "senders ignore it as an unknown extension",
                                         f.offset, ascii::printable(f.name))
                           : fmt::format("byte {}: unknown extension '{}' is ignored by senders",
                                         f.offset, ascii::printable(f.name)),
                  kRef, field_text(text_, f));
    record_.extensions.push_back({std::string(f.name), std::string(f.value)});
  }

  // tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
  void rua(const TxtField& f) {
    std::string_view list = f.value;
    std::size_t base = f.value_offset;
    bool previous_mailto = false;
    while (true) {
      const auto comma = list.find(',');
      const std::string_view raw = list.substr(0, comma);
      const std::string_view uri = ascii::trim_wsp(raw);
      const std::size_t offset = base + static_cast<std::size_t>(uri.data() - raw.data());
      previous_mailto = destination(uri, offset, previous_mailto);
      if (comma == std::string_view::npos) break;
      base += comma + 1;
      list.remove_prefix(comma + 1);
    }
  }

  // Judges one URI; returns whether it was a mailto URI (for the comma heuristic).
  bool destination(std::string_view uri, std::size_t offset, bool previous_mailto) {
    if (uri.empty()) {
      error("tlsrpt.rua_empty", fmt::format("byte {}: empty rua destination", offset));
      return false;
    }
    if (record_.rua.size() == limits_.rua_uris) {
      if (!too_many_uris_) {
        too_many_uris_ = true;
        error("tlsrpt.syntax",
              fmt::format("byte {}: more than {} rua destinations", offset, limits_.rua_uris));
      }
      return false;
    }
    if (const auto bang = uri.find('!'); bang != std::string_view::npos) {
      error("tlsrpt.rua_unencoded_char",
            fmt::format("byte {}: '!' in '{}' must be percent-encoded as %21; a size suffix "
                        "like '!10m' belongs to DMARC, not TLS-RPT",
                        offset + bang, ascii::printable(uri)),
            std::string(uri));
      return false;
    }
    const bool no_scheme = uri.find(':') == std::string_view::npos;
    if (no_scheme && previous_mailto && uri.find('@') != std::string_view::npos) {
      // Like any destination without a scheme it is unusable, but the likely cause is a ','
      // meant to separate addresses inside one mailto URI. Not a grammar error of the record:
      // the other destinations still work.
      findings_.add("tlsrpt.rua_unencoded_char", Severity::error,
                    fmt::format("byte {}: '{}' follows a ',' inside a mailto URI: write each "
                                "address as its own 'mailto:' URI or encode the comma as %2C",
                                offset, ascii::printable(uri)),
                    kRef, std::string(uri));
      record_.rua.push_back({std::string(uri), RuaScheme::other, std::nullopt, std::nullopt});
      return false;
    }
    UriParse<RuaUri> parsed = parse_rua_uri(uri, offset);
    for (Finding& finding : parsed.findings) {
      findings_.add(finding.code, finding.severity, std::move(finding.message), finding.ref,
                    std::move(finding.subject));
    }
    record_.rua.push_back(std::move(*parsed.value));
    return record_.rua.back().scheme == RuaScheme::mailto;
  }

  std::string_view text_;
  const Limits& limits_;
  FindingList findings_;
  TlsRptRecord record_;
  bool saw_rua_ = false;
  bool grammar_error_ = false;
  bool too_many_uris_ = false;
};

}  // namespace

TlsRptParse parse_tlsrpt_record(std::string_view text, const Limits& limits) {
  return Parser(text, limits).run();
}

std::string format_tlsrpt_record(const TlsRptRecord& record) {
  std::string out = "v=TLSRPTv1;";
  if (!record.rua.empty()) {
    out += " rua=";
    for (std::size_t i = 0; i < record.rua.size(); ++i) {
      if (i > 0) out += ',';
      out += record.rua[i].text;
    }
    out += ';';
  }
  for (const Extension& e : record.extensions)
    out += " " + e.name + "=" + e.value + ";";
  out.pop_back();
  return out;
}

const RecordRules kTlsRptRules{
    "v=TLSRPTv1", "tlsrpt.missing", Severity::error, "tlsrpt.multiple_records",
    kRef,         "TLS-RPT record"};

RrsetSelection<TlsRptParse> select_tlsrpt_record(std::span<const TxtRr> rrset,
                                                 const Limits& limits) {
  return select_record<TlsRptParse>(rrset, kTlsRptRules, limits, [&limits](std::string_view text) {
    return parse_tlsrpt_record(text, limits);
  });
}

}  // namespace webshield::records
