// The selection rule over a TXT RRset shared by TLS-RPT (RFC 8460 §3) and MTA-STS
// (RFC 8461 §3.1): the character-strings of each RR are joined with no separator, records not
// beginning with the version tag are discarded, and exactly one must remain. Pure.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/limits.hpp"
#include "records/recognized.hpp"

namespace webshield::records {

// The character-strings of one TXT RR, as they came in the answer.
using TxtRr = std::vector<std::string>;

std::string join_character_strings(std::span<const std::string> strings);

// What the selection rule needs to know about one kind of record.
struct RecordRules {
  std::string_view tag;           // "v=TLSRPTv1"
  std::string_view missing_code;  // "tlsrpt.missing"
  Severity missing_severity;
  std::string_view multiple_code;  // "tlsrpt.multiple_records"
  std::string_view ref;            // "RFC 8460 §3"
  std::string_view what;           // "TLS-RPT record"
};

// The outcome for an RRset: every record's parse, the one senders use (if any), and the
// findings that matter: the multiple-records rule, the chosen record's findings, or, when no
// record begins with the tag, the findings of near misses (V=TLSRPTv1, …) or "missing".
enum class SelectionStatus { valid, malformed, multiple, missing };

constexpr std::string_view to_string(SelectionStatus s) {
  switch (s) {
    case SelectionStatus::valid:
      return "valid";
    case SelectionStatus::malformed:
      return "malformed";
    case SelectionStatus::multiple:
      return "multiple";
    case SelectionStatus::missing:
      return "missing";
  }
  return "missing";
}

template <class Parse>
struct RrsetSelection {
  std::vector<std::string> records;  // joined, in answer order
  std::vector<Parse> parses;         // one per record
  std::size_t matching = 0;          // records that begin with the tag
  std::optional<std::size_t> selected;
  Findings findings;

  // The selected record's parse when it is valid.
  const Parse* usable() const {
    return selected && parses[*selected].kind == Recognized::yes ? &parses[*selected] : nullptr;
  }

  SelectionStatus status() const {
    if (usable() != nullptr) return SelectionStatus::valid;
    if (matching > 1) return SelectionStatus::multiple;
    const bool near_miss =
        std::ranges::any_of(parses, [](const Parse& p) { return p.kind != Recognized::no; });
    return selected || near_miss ? SelectionStatus::malformed : SelectionStatus::missing;
  }
};

// Indices of the records that begin with the tag; the rest are discarded.
std::vector<std::size_t> candidates(std::span<const std::string> records, std::string_view tag);

// Applies the rule with `parse(record_text)` for the records themselves.
template <class Parse, class ParseFn>
RrsetSelection<Parse> select_record(std::span<const TxtRr> rrset, const RecordRules& rules,
                                    const Limits& limits, ParseFn parse) {
  RrsetSelection<Parse> out;
  for (const TxtRr& rr : rrset.first(std::min(rrset.size(), limits.txt_rrset_records))) {
    out.records.push_back(join_character_strings(rr));
    out.parses.push_back(parse(out.records.back()));
  }
  FindingList findings(limits.findings);
  const auto matching = candidates(out.records, rules.tag);
  out.matching = matching.size();
  if (matching.size() > 1) {
    findings.add(rules.multiple_code, Severity::error,
                 std::to_string(matching.size()) + " TXT records begin with '"
                     + std::string(rules.tag)
                     + "'; exactly one is allowed, so senders assume there is none",
                 rules.ref);
  } else if (matching.size() == 1) {
    out.selected = matching.front();
    findings.append(out.parses[matching.front()].findings);
  } else {
    bool near_miss = false;
    for (const Parse& p : out.parses) {
      if (p.kind == Recognized::no) continue;
      near_miss = true;
      findings.append(p.findings);
    }
    if (!near_miss) {
      findings.add(rules.missing_code, rules.missing_severity,
                   out.records.empty()
                       ? "no " + std::string(rules.what) + " is published"
                       : "none of the " + std::to_string(out.records.size())
                             + " TXT records begins with '" + std::string(rules.tag) + "'",
                   rules.ref);
    }
  }
  out.findings = findings.take();
  return out;
}

}  // namespace webshield::records
