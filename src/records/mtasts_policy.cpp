#include "records/mtasts_policy.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "core/ascii.hpp"
#include "records/txt_fields.hpp"

namespace webshield::records {
namespace {

constexpr std::string_view kRef = "RFC 8461 §3.2";
constexpr std::uint64_t kDay = 86400;
constexpr std::uint64_t kWeek = 7 * kDay;
constexpr std::array<std::string_view, 4> kFields = {"version", "mode", "max_age", "mx"};

// Length of the UTF-8 sequence at the start of `s` (RFC 3629 UTF8-2/3/4), or 0 if invalid.
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

// sts-policy-ext-value: visible characters (UTF-8 allowed) and inner spaces.
bool is_policy_ext_value(std::string_view v) {
  if (v.empty() || v.front() == ' ' || v.back() == ' ') return false;
  for (std::size_t i = 0; i < v.size();) {
    const char c = v[i];
    if (ascii::is_vchar(c) || c == ' ') {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(v.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

struct Line {
  std::string_view text;  // without the line break
  std::size_t number;     // 1-based
};

class Parser {
 public:
  Parser(std::string_view bytes, const Limits& limits)
      : bytes_(bytes), limits_(limits), findings_(limits.findings) {}

  StsPolicyParse run() {
    StsPolicyParse out;
    if (bytes_.size() > limits_.policy_bytes) {
      out.kind = Recognized::malformed;
      findings_.add("mta_sts.policy_too_large", Severity::error,
                    fmt::format("the policy is larger than {} bytes; senders refuse it",
                                limits_.policy_bytes),
                    "RFC 8461 §3.3");
      out.findings = findings_.take();
      return out;
    }
    std::string_view body = bytes_;
    if (body.starts_with("\xEF\xBB\xBF")) {
      error("mta_sts.policy_bom",
            "line 1: the policy begins with a UTF-8 byte-order mark; senders then read "
            "'\\xEF\\xBB\\xBFversion' as an unknown field");
      body.remove_prefix(3);
    }
    for (const Line& line : split_lines(body))
      this->line(line);
    finish();
    out.kind = !saw_field_                    ? Recognized::no
               : has_error(findings_.items()) ? Recognized::malformed
                                              : Recognized::yes;
    if (out.kind == Recognized::yes) out.policy = std::move(policy_);
    out.findings = findings_.take();
    return out;
  }

 private:
  void error(std::string_view code, std::string message, std::string subject = {}) {
    findings_.add(code, Severity::error, std::move(message), kRef, std::move(subject));
  }

  // sts-policy-term = LF / CRLF (erratum 6253); no blank lines, at most one final break.
  std::vector<Line> split_lines(std::string_view body) {
    std::vector<Line> lines;
    std::size_t number = 1;
    while (!body.empty()) {
      const auto lf = body.find('\n');
      std::string_view text = body.substr(0, lf);
      if (lf != std::string_view::npos && text.ends_with('\r')) text.remove_suffix(1);
      lines.push_back({text, number++});
      if (lf == std::string_view::npos) break;
      body.remove_prefix(lf + 1);
    }
    // Trailing empty lines: the first break after the last line is allowed, more are not.
    std::size_t blank_tail = 0;
    while (!lines.empty() && lines.back().text.empty()) {
      lines.pop_back();
      ++blank_tail;
    }
    if (blank_tail > 0) {
      error("mta_sts.policy_blank_line",
            fmt::format("line {}: the policy ends with {} empty line{}: only one final line "
                        "break is allowed",
                        lines.empty() ? 1 : lines.back().number + 1, blank_tail,
                        blank_tail == 1 ? "" : "s"));
    }
    return lines;
  }

  void line(const Line& l) {
    const std::string where = fmt::format("line {}", l.number);
    std::string_view text = l.text;
    if (ascii::trim_wsp(text).empty()) {
      error("mta_sts.policy_blank_line",
            fmt::format("{}: {} line; the grammar allows no blank lines between fields", where,
                        text.empty() ? "empty" : "whitespace-only"));
      return;
    }
    if (const auto cr = text.find('\r'); cr != std::string_view::npos) {
      error("mta_sts.policy_syntax",
            fmt::format("{}: a carriage return not followed by a line feed; lines end with LF "
                        "or CRLF",
                        where),
            ascii::printable(text));
      return;
    }
    // Trailing whitespace after a field is allowed (sts-policy-field *WSP); leading is not.
    while (!text.empty() && ascii::is_wsp(text.back()))
      text.remove_suffix(1);
    if (ascii::is_wsp(text.front())) {
      error("mta_sts.policy_syntax", fmt::format("{}: the line begins with whitespace", where),
            ascii::printable(text));
      return;
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
      error("mta_sts.policy_syntax",
            fmt::format("{}: '{}' is not a 'name: value' field", where, ascii::printable(text)),
            ascii::printable(text));
      return;
    }
    const std::string_view name = text.substr(0, colon);
    std::string_view value = text.substr(colon + 1);
    while (!value.empty() && ascii::is_wsp(value.front()))
      value.remove_prefix(1);

    if (!is_ext_name(name)) {
      error("mta_sts.policy_syntax",
            fmt::format("{}: '{}' is not a field name (letters, digits, '_', '-', '.'; no "
                        "space before ':')",
                        where, ascii::printable(name)),
            ascii::printable(text));
      return;
    }
    const auto known = std::ranges::find(kFields, name);
    if (known == kFields.end()) {
      extension(name, value, where, text);
      return;
    }
    saw_field_ = true;
    if (name == "mx") {
      mx(value, where);
      return;
    }
    if (std::ranges::find(seen_, name) != seen_.end()) {
      findings_.add("mta_sts.policy_duplicate_field", Severity::warning,
                    fmt::format("{}: '{}' appears again; senders use the first one", where, name),
                    kRef, ascii::printable(text));
      return;
    }
    seen_.push_back(name);
    if (name == "version") version(value, where);
    if (name == "mode") mode(value, where);
    if (name == "max_age") max_age(value, where);
  }

  void extension(std::string_view name, std::string_view value, const std::string& where,
                 std::string_view text) {
    for (std::string_view field : kFields) {
      if (ascii::iequals(name, field)) {
        saw_field_ = true;
        wrong_case_.push_back(field);
        error("mta_sts.policy_field_case",
              fmt::format("{}: field names are case-sensitive: '{}' is an unknown field to "
                          "senders, write '{}'",
                          where, ascii::printable(name), field),
              ascii::printable(text));
        return;
      }
    }
    if (!is_policy_ext_value(value)) {
      error("mta_sts.policy_syntax",
            fmt::format("{}: the value of '{}' is empty or holds control characters or invalid "
                        "UTF-8",
                        where, ascii::printable(name)),
            ascii::printable(text));
      return;
    }
    findings_.add(
        "mta_sts.policy_unknown_field", Severity::info,
        fmt::format("{}: unknown field '{}' is ignored by senders", where, ascii::printable(name)),
        kRef, ascii::printable(text));
    policy_.extensions.push_back({std::string(name), std::string(value)});
  }

  void version(std::string_view value, const std::string& where) {
    if (value != "STSv1") {
      error("mta_sts.policy_version_invalid",
            fmt::format("{}: version '{}' is not 'STSv1'", where, ascii::printable(value)),
            ascii::printable(value));
      return;
    }
    policy_.version = std::string(value);
  }

  void mode(std::string_view value, const std::string& where) {
    if (value == "enforce") {
      policy_.mode = StsMode::enforce;
    } else if (value == "testing") {
      policy_.mode = StsMode::testing;
    } else if (value == "none") {
      policy_.mode = StsMode::none;
    } else {
      const std::string hint =
          value == "report" ? " ('report' is a draft value: use 'testing')"
          : (ascii::iequals(value, "enforce") || ascii::iequals(value, "testing")
             || ascii::iequals(value, "none"))
              ? " (values are case-sensitive)"
              : "";
      error("mta_sts.policy_mode_invalid",
            fmt::format("{}: mode '{}' is not 'enforce', 'testing' or 'none'{}", where,
                        ascii::printable(value), hint),
            ascii::printable(value));
      return;
    }
    mode_set_ = true;
  }

  // sts-policy-max-age-value = 1*10(DIGIT), at most 31557600 (erratum 7282).
  void max_age(std::string_view value, const std::string& where) {
    if (value.empty() || value.size() > 10 || !ascii::all_of(value, ascii::is_digit)) {
      error("mta_sts.policy_max_age_invalid",
            fmt::format("{}: max_age '{}' is not 1 to 10 digits", where, ascii::printable(value)),
            ascii::printable(value));
      return;
    }
    std::uint64_t seconds = 0;
    std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (seconds > kMaxPolicyAge) {
      findings_.add("mta_sts.policy_max_age_too_large", Severity::error,
                    fmt::format("{}: max_age {} is over the maximum of {} seconds (one year)",
                                where, seconds, kMaxPolicyAge),
                    "RFC 8461 §3.2, erratum 7282", std::string(value));
      return;
    }
    policy_.max_age = seconds;
    max_age_set_ = true;
    max_age_where_ = where;
  }

  void mx(std::string_view value, const std::string& where) {
    ++mx_lines_;
    if (policy_.mx.size() == limits_.policy_mx_patterns) {
      if (mx_lines_ == limits_.policy_mx_patterns + 1) {
        error("mta_sts.policy_mx_invalid",
              fmt::format("{}: more than {} mx patterns; the rest were not read", where,
                          limits_.policy_mx_patterns));
      }
      return;
    }
    if (value.empty()) {
      error("mta_sts.policy_mx_invalid", fmt::format("{}: empty mx pattern", where));
      return;
    }
    MxPatternParse parsed = parse_mx_pattern(value, where);
    findings_.append(parsed.findings);
    if (parsed.pattern) policy_.mx.push_back(std::move(*parsed.pattern));
  }

  void finish() {
    auto missing = [&](std::string_view code, std::string_view field, std::string_view what) {
      const bool cased = std::ranges::find(wrong_case_, field) != wrong_case_.end();
      error(code, fmt::format("no '{}:' field{}: {}", field,
                              cased ? " (a field differs only in case)" : "", what));
    };
    if (!saw_field_) {
      error("mta_sts.policy_syntax",
            "the text holds no policy field at all (version, mode, max_age, mx): is this the "
            "policy file?");
    }
    if (std::ranges::find(seen_, "version") == seen_.end()) {
      missing("mta_sts.policy_version_missing", "version", "the policy must say 'version: STSv1'");
    }
    if (std::ranges::find(seen_, "mode") == seen_.end()) {
      missing("mta_sts.policy_mode_missing", "mode", "enforce, testing or none");
    }
    if (std::ranges::find(seen_, "max_age") == seen_.end()) {
      missing("mta_sts.policy_max_age_missing", "max_age", "how long senders cache the policy");
    }
    if (mode_set_ && policy_.mode != StsMode::none && mx_lines_ == 0) {
      missing("mta_sts.policy_mx_missing", "mx",
              "with mode enforce or testing the policy must list the MX hosts");
    }
    if (mode_set_ && policy_.mode == StsMode::testing) {
      findings_.add("mta_sts.mode_testing", Severity::warning,
                    "mode is 'testing': senders report failures but still deliver without TLS; "
                    "nothing is enforced yet",
                    "RFC 8461 §5");
    }
    if (mode_set_ && policy_.mode == StsMode::none) {
      findings_.add("mta_sts.mode_none", Severity::info,
                    "mode is 'none': the policy is withdrawn and senders stop applying it",
                    "RFC 8461 §8.3");
    }
    if (max_age_set_) {
      const std::uint64_t age = policy_.max_age;
      if (age == 0) {
        findings_.add("mta_sts.policy_max_age_zero", Severity::warning,
                      max_age_where_ + ": max_age is 0: senders never cache the policy, so it "
                                       "protects only connections made right after a fetch",
                      kRef, "0");
      } else if (age < kDay || (mode_set_ && policy_.mode == StsMode::enforce && age < kWeek)) {
        findings_.add(
            "mta_sts.policy_max_age_short", Severity::warning,
            fmt::format("{}: max_age {} s is short{}: an attacker who blocks the policy fetch "
                        "after it expires disables it; weeks or more are expected",
                        max_age_where_, age,
                        age < kDay ? " (under a day)" : " for mode enforce (under a week)"),
            kRef, std::to_string(age));
      }
    }
  }

  std::string_view bytes_;
  const Limits& limits_;
  FindingList findings_;
  StsPolicy policy_;
  std::vector<std::string_view> seen_;        // non-mx fields seen
  std::vector<std::string_view> wrong_case_;  // known fields seen only in the wrong case
  std::size_t mx_lines_ = 0;
  bool saw_field_ = false;
  bool mode_set_ = false;
  bool max_age_set_ = false;
  std::string max_age_where_;
};

}  // namespace

std::string_view to_string(StsMode mode) {
  switch (mode) {
    case StsMode::enforce:
      return "enforce";
    case StsMode::testing:
      return "testing";
    case StsMode::none:
      return "none";
  }
  return "none";
}

StsPolicyParse parse_sts_policy(std::string_view bytes, const Limits& limits) {
  return Parser(bytes, limits).run();
}

std::string format_sts_policy(const StsPolicy& policy) {
  std::string out = "version: " + policy.version
                    + "\r\nmode: " + std::string(to_string(policy.mode))
                    + "\r\nmax_age: " + std::to_string(policy.max_age) + "\r\n";
  for (const MxPattern& mx : policy.mx)
    out += "mx: " + mx.to_string() + "\r\n";
  for (const Extension& e : policy.extensions)
    out += e.name + ": " + e.value + "\r\n";
  return out;
}

}  // namespace webshield::records
