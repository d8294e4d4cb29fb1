#include "report/names.hpp"

#include <charconv>
#include <vector>

#include "core/ascii.hpp"

namespace webshield::report {
namespace {

bool epoch(std::string_view s, UnixSeconds& out) {
  if (s.empty() || !ascii::all_of(s, ascii::is_digit)) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && ascii::iequals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

Result<ReportFileName> parse_report_file_name(std::string_view name) {
  ReportFileName f;
  // RFC 8460 §5.1: extension = "json" / "json.gz".
  if (ends_with_ci(name, ".json.gz")) {
    f.gzip = true;
    name.remove_suffix(8);
  } else if (ends_with_ci(name, ".json")) {
    name.remove_suffix(5);
  } else {
    return fail("file name does not end in .json or .json.gz");
  }
  std::vector<std::string_view> parts;
  while (parts.size() < 6) {
    const auto bang = name.find('!');
    parts.push_back(name.substr(0, bang));
    if (bang == std::string_view::npos) break;
    name.remove_prefix(bang + 1);
  }
  if (parts.size() < 4 || parts.size() > 5) {
    return fail("file name is not sender!policy-domain!begin!end[!unique-id]");
  }
  if (parts[0].empty() || parts[1].empty()) return fail("empty sender or policy domain");
  if (!epoch(parts[2], f.begin) || !epoch(parts[3], f.end)) {
    return fail("begin and end are not UNIX timestamps");
  }
  f.sender = parts[0];
  f.policy_domain = parts[1];
  if (parts.size() == 5) {
    if (parts[4].empty()) return fail("empty unique-id");
    f.unique_id = std::string(parts[4]);
  }
  return f;
}

Result<ReportSubject> parse_report_subject(std::string_view subject) {
  // Folded headers arrive with CR LF and tabs: treat every white space as a separator.
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < subject.size()) {
    while (i < subject.size()
           && (ascii::is_wsp(subject[i]) || subject[i] == '\r' || subject[i] == '\n'))
      ++i;
    const std::size_t start = i;
    while (i < subject.size() && !ascii::is_wsp(subject[i]) && subject[i] != '\r'
           && subject[i] != '\n')
      ++i;
    if (i > start) words.push_back(subject.substr(start, i - start));
  }
  ReportSubject s;
  std::size_t w = 0;
  if (words.size() < 3 || !ascii::iequals(words[0], "Report")
      || !ascii::iequals(words[1], "Domain:")) {
    return fail("subject does not start with 'Report Domain:'");
  }
  s.report_domain = words[2];
  for (w = 3; w + 1 < words.size(); w += 2) {
    if (ascii::iequals(words[w], "Submitter:")) {
      s.submitter = std::string(words[w + 1]);
    } else if (ascii::iequals(words[w], "Report-ID:")) {
      std::string_view id = words[w + 1];
      if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
      s.report_id = std::string(id);
    } else {
      return fail("unexpected word in subject: " + ascii::printable(words[w]));
    }
  }
  if (w != words.size()) return fail("subject ends with a field name and no value");
  return s;
}

}  // namespace webshield::report
