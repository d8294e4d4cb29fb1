// The `key=value; key=value` layout shared by the TLS-RPT record (RFC 8460 §3) and the
// MTA-STS record (RFC 8461 §3.1): field delimiters, extension names and values, and how the
// version field is recognised. Pure; untrusted input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/limits.hpp"
#include "records/recognized.hpp"

namespace webshield::records {

struct TxtField {
  std::string_view name;   // before the first '=' (the whole field when there is none)
  std::string_view value;  // after the first '='
  bool has_equals = false;
  std::size_t offset = 0;  // byte offset of the field in the record
  std::size_t value_offset = 0;
};

// field-delim = *WSP ";" *WSP. Fields are trimmed of the whitespace the delimiter allows.
struct TxtLayout {
  std::vector<TxtField> fields;
  std::optional<std::size_t> leading_space;   // whitespace before the first field
  std::optional<std::size_t> empty_field;     // offset of the first empty field (";;")
  std::optional<std::size_t> trailing_space;  // whitespace after the last field, no ';'
  std::optional<std::size_t> space_before_first_delimiter;  // "v=STSv1 ;"
  bool too_many_fields = false;                             // fields past the limit were not read
};

TxtLayout split_fields(std::string_view record, std::size_t max_fields);

// ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
bool is_ext_name(std::string_view name);
// ext-value = 1*(%x21-3A / %x3C / %x3E-7E): visible ASCII except '=' and ';'
bool is_ext_value(std::string_view value);

// How a record names its version: "v=TLSRPTv1" exactly as the first field, or a near miss.
enum class VersionMatch {
  exact,          // v=TLSRPTv1 first
  spaced,         // "v = TLSRPTv1" first: whitespace around '='
  wrong_case,     // V=TLSRPTv1, v=tlsrptv1
  other_version,  // v=TLSRPTv2, v=TLSRPTv10
  not_first,      // the version is present, but not as the first field
  absent,         // not this kind of record at all
};

// `version` is the exact value ("TLSRPTv1"); `family` the prefix every version shares
// ("TLSRPTv").
VersionMatch match_version(const TxtLayout& layout, std::string_view version,
                           std::string_view family);

// The selection rule's test: the record begins with `tag` ("v=TLSRPTv1") followed by the end,
// whitespace or ';' (RFC 8460 §3, RFC 8461 §3.1).
bool begins_with_version(std::string_view record, std::string_view tag);

// The codes and references one record kind uses for the checks both kinds share.
struct TxtGrammar {
  std::string_view tag;      // "v=TLSRPTv1"
  std::string_view version;  // "TLSRPTv1"
  std::string_view family;   // "TLSRPTv"
  std::string_view ref;
  std::string_view syntax;
  std::string_view version_case;
  std::string_view version_not_first;
  std::string_view other_version;
  Severity other_version_severity;
  std::string_view non_ascii;
  std::string_view space_before_delimiter;
  std::string_view space_ref;
};

// The start of a record: size, version field, delimiters and characters, all checked.
struct TxtHead {
  Recognized kind = Recognized::no;  // no: another kind of record; malformed: read no further
  TxtLayout layout;
  std::size_t first_field = 1;  // the first field after the version
  bool grammar_error = false;   // a violation that makes senders ignore the record

  // True for the misplaced version field itself, already reported.
  bool is_version(const TxtField& field, const TxtGrammar& grammar) const;
};

TxtHead read_head(std::string_view text, const TxtGrammar& grammar, const Limits& limits,
                  FindingList& findings);

// The field as written ("name=value"), printable.
std::string field_text(std::string_view record, const TxtField& field);

}  // namespace webshield::records
