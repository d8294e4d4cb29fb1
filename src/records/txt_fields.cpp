#include "records/txt_fields.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace webshield::records {

TxtLayout split_fields(std::string_view record, std::size_t max_fields) {
  TxtLayout layout;
  std::size_t start = 0;
  bool first = true;
  while (true) {
    const std::size_t semi = record.find(';', start);
    const bool last = semi == std::string_view::npos;
    const std::size_t end = last ? record.size() : semi;

    std::size_t b = start;
    std::size_t e = end;
    while (b < e && ascii::is_wsp(record[b]))
      ++b;
    while (e > b && ascii::is_wsp(record[e - 1]))
      --e;

    if (first && b > start) layout.leading_space = start;
    if (b == e) {
      // An empty segment is legal only as the end after a final delimiter: [field-delim].
      if ((!last || first) && !layout.empty_field && !(last && first && record.empty())) {
        layout.empty_field = b;
      }
    } else {
      if (last && e < end) layout.trailing_space = e;
      if (first && !last && e < end) layout.space_before_first_delimiter = e;
      if (layout.fields.size() == max_fields) {
        layout.too_many_fields = true;
        break;
      }
      const std::string_view text = record.substr(b, e - b);
      TxtField field;
      field.offset = b;
      const auto eq = text.find('=');
      field.has_equals = eq != std::string_view::npos;
      field.name = text.substr(0, eq);
      if (field.has_equals) {
        field.value = text.substr(eq + 1);
        field.value_offset = b + eq + 1;
      }
      layout.fields.push_back(field);
    }
    if (last) break;
    start = semi + 1;
    first = false;
  }
  return layout;
}

bool is_ext_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !ascii::is_alnum(name.front())) return false;
  for (char c : name) {
    if (!ascii::is_alnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_ext_value(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    if (!ascii::is_vchar(c) || c == '=' || c == ';') return false;
  }
  return true;
}

VersionMatch match_version(const TxtLayout& layout, std::string_view version,
                           std::string_view family) {
  auto names_version = [&](const TxtField& f, bool exact) {
    if (!f.has_equals) return false;
    if (exact) return f.name == "v" && f.value == version;
    return ascii::iequals(ascii::trim_wsp(f.name), "v")
           && ascii::iequals(ascii::trim_wsp(f.value), version);
  };
  if (layout.fields.empty()) return VersionMatch::absent;
  const TxtField& first = layout.fields.front();
  if (names_version(first, true)) return VersionMatch::exact;
  if (names_version(first, false)) {
    const bool case_only = ascii::iequals(first.name, "v") && ascii::iequals(first.value, version);
    if (case_only) return VersionMatch::wrong_case;
    if (ascii::trim_wsp(first.name) == "v" && ascii::trim_wsp(first.value) == version) {
      return VersionMatch::spaced;
    }
    return VersionMatch::wrong_case;
  }
  if (first.has_equals && ascii::iequals(ascii::trim_wsp(first.name), "v")
      && ascii::lower(ascii::trim_wsp(first.value)).starts_with(ascii::lower(family))) {
    return VersionMatch::other_version;
  }
  for (std::size_t i = 1; i < layout.fields.size(); ++i) {
    if (names_version(layout.fields[i], false)) return VersionMatch::not_first;
  }
  return VersionMatch::absent;
}

bool begins_with_version(std::string_view record, std::string_view tag) {
  if (!record.starts_with(tag)) return false;
  return record.size() == tag.size() || record[tag.size()] == ';'
         || ascii::is_wsp(record[tag.size()]);
}

bool TxtHead::is_version(const TxtField& f, const TxtGrammar& g) const {
  return first_field == 0 && f.has_equals && ascii::iequals(f.name, "v")
         && ascii::iequals(f.value, g.version);
}

std::string field_text(std::string_view record, const TxtField& f) {
  return ascii::printable(record.substr(
      f.offset, f.has_equals ? f.value_offset - f.offset + f.value.size() : f.name.size()));
}

TxtHead read_head(std::string_view text, const TxtGrammar& g, const Limits& limits,
                  FindingList& findings) {
  TxtHead head;
  auto error = [&](std::string_view code, std::string message) {
    head.grammar_error = true;
    findings.add(code, Severity::error, std::move(message), g.ref, std::string(text));
  };
  if (text.size() > limits.txt_record_bytes) {
    if (begins_with_version(text, g.tag)) {
      head.kind = Recognized::malformed;
      error(g.syntax, fmt::format("record is {} bytes, over the limit of {}", text.size(),
                                  limits.txt_record_bytes));
    }
    return head;
  }
  head.layout = split_fields(text, limits.txt_record_fields);
  const std::string first =
      head.layout.fields.empty() ? std::string() : field_text(text, head.layout.fields.front());
  switch (match_version(head.layout, g.version, g.family)) {
    case VersionMatch::absent:
      return head;
    case VersionMatch::exact:
      break;
    case VersionMatch::spaced:
      error(g.syntax, fmt::format("byte 0: no whitespace is allowed around '=' in '{}'", g.tag));
      break;
    case VersionMatch::wrong_case:
      error(g.version_case,
            fmt::format("byte 0: the version must be written exactly '{}', not '{}'; names and "
                        "values are case-sensitive",
                        g.tag, first));
      break;
    case VersionMatch::other_version:
      head.kind = Recognized::malformed;
      head.grammar_error = true;
      findings.add(
          g.other_version, g.other_version_severity,
          fmt::format("byte 0: '{}' is not a '{}' record; senders ignore it", first, g.tag), g.ref,
          std::string(text));
      return head;
    case VersionMatch::not_first:
      error(g.version_not_first,
            fmt::format("'{}' must be the first field, but the record begins with '{}'", g.tag,
                        first));
      head.first_field = 0;
      break;
  }
  head.kind = Recognized::yes;

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!ascii::is_ascii(c)) {
      error(g.non_ascii, fmt::format("byte {}: the record must be US-ASCII, found byte 0x{:02x}", i,
                                     static_cast<unsigned char>(c)));
      break;
    }
    if (!ascii::is_vchar(c) && !ascii::is_wsp(c)) {
      error(g.syntax,
            fmt::format("byte {}: control character 0x{:02x}", i, static_cast<unsigned char>(c)));
      break;
    }
  }
  const TxtLayout& layout = head.layout;
  if (layout.leading_space) {
    error(g.syntax, fmt::format("byte 0: whitespace before '{}': the record must begin with the "
                                "version",
                                g.tag));
  }
  if (layout.empty_field) {
    error(g.syntax, fmt::format("byte {}: empty field (two ';' in a row)", *layout.empty_field));
  }
  if (layout.trailing_space) {
    error(g.syntax, fmt::format("byte {}: whitespace after the last field; it is allowed only "
                                "around ';'",
                                *layout.trailing_space));
  }
  if (layout.space_before_first_delimiter) {
    findings.add(g.space_before_delimiter, Severity::warning,
                 fmt::format("byte {}: whitespace before ';' after the version: the grammar "
                             "allows it, but senders that look for the literal prefix '{};' "
                             "discard the record",
                             *layout.space_before_first_delimiter, g.tag),
                 g.space_ref, std::string(text));
  }
  if (layout.too_many_fields) {
    error(g.syntax,
          fmt::format("more than {} fields; the rest were not read", limits.txt_record_fields));
  }
  return head;
}

}  // namespace webshield::records
