// RFC 8460 §4 report JSON, read with simdjson's DOM parser: the whole document is validated
// before any field is read (simdjson's lazy ondemand API would accept a broken tail), and the
// parser itself refuses nesting deeper than Limits::report_json_depth.
#include "report/parse.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "core/ascii.hpp"
#include "core/digest.hpp"
#include "core/ip_address.hpp"

namespace webshield::report {

namespace dom = simdjson::dom;

struct ReportParser::Impl {
  // quirk: simdjson 3.0.1's parser::set_max_capacity() inverts its test and caps every
  // parser at 32 bytes; the constructor sets the cap correctly.
  explicit Impl(const Limits& l)
      : limits(l), parser(l.report_json_bytes + 64), nested(l.report_string_bytes + 64) {}
  Limits limits;
  dom::parser parser;
  dom::parser nested;  // for policy-string values that hold JSON (a second document)
  bool allocated = false;
};

namespace {

// Keeps the first Limits::report_warnings warnings; the last slot says more were left out.
class Warnings {
 public:
  Warnings(std::vector<std::string>& out, std::size_t max) : out_(out), max_(max) {}
  void add(std::string message) {
    if (max_ == 0) return;
    if (out_.size() + 1 < max_) {
      out_.push_back(std::move(message));
    } else if (out_.size() + 1 == max_) {
      out_.push_back("more warnings left out (limit report_warnings)");
    }
  }

 private:
  std::vector<std::string>& out_;
  std::size_t max_;
};

std::string type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "a number";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::BOOL:
      return "a boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// Walks one parsed document into a Report. The first refusal stops the walk; its path says
// where.
class Walker {
 public:
  Walker(const Limits& limits, Report& report, dom::parser& nested)
      : limits_(limits),
        report_(report),
        warn_(report.warnings, limits.report_warnings),
        nested_(nested) {}

  bool report(dom::element root);
  Error take_error() { return std::move(*error_); }

 private:
  bool refuse(std::string message, const std::string& path) {
    error_ = Error{std::move(message), path};
    return false;
  }
  bool refuse_type(dom::element e, std::string_view expected, const std::string& path) {
    return refuse(fmt::format("expected {}, found {}", expected, type_name(e.type())), path);
  }

  bool string(dom::element e, const std::string& path, std::string& out);
  // An optional string: null is read as absent, with a warning.
  bool optional_string(dom::element e, const std::string& path, std::optional<std::string>& out);
  bool count(dom::element e, const std::string& path, std::uint64_t& out);
  bool string_list(dom::element e, const std::string& path, std::vector<std::string>& out);
  bool date_range(dom::element e, const std::string& path);
  bool datetime(dom::element e, const std::string& path, UnixSeconds& out);
  bool policy_result(dom::element e, const std::string& path, Policy& out);
  bool policy(dom::element e, const std::string& path, Policy& out);
  bool policy_strings(dom::element e, const std::string& path, Policy& out);
  bool summary(dom::element e, const std::string& path, Policy& out);
  bool failure_detail(dom::element e, const std::string& path, FailureDetail& out);
  void check_ip(const std::optional<std::string>& ip, const std::string& path);
  void check_counts(const Policy& p, const std::string& path);
  void unknown_field(std::string_view key, const std::string& path) {
    warn_.add(fmt::format("unknown field \"{}\" ignored ({})", ascii::printable(key), path));
  }
  // Duplicate keys: the first wins (RFC 8259 §4 leaves it open).
  bool first_time(std::vector<std::string_view>& seen, std::string_view key,
                  const std::string& path) {
    if (std::ranges::find(seen, key) != seen.end()) {
      warn_.add(fmt::format("field \"{}\" repeated, the first one is used ({})",
                            ascii::printable(key), path));
      return false;
    }
    seen.push_back(key);
    return true;
  }

  const Limits& limits_;
  Report& report_;
  Warnings warn_;
  dom::parser& nested_;
  std::size_t details_ = 0;
  std::optional<Error> error_;
};

bool Walker::string(dom::element e, const std::string& path, std::string& out) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return refuse_type(e, "a string", path);
  if (s.size() > limits_.report_string_bytes) {
    return refuse(fmt::format("string of {} bytes, over the limit report_string_bytes ({})",
                              s.size(), limits_.report_string_bytes),
                  path);
  }
  out.assign(s);
  return true;
}

bool Walker::optional_string(dom::element e, const std::string& path,
                             std::optional<std::string>& out) {
  if (e.is_null()) {
    warn_.add(fmt::format("null read as absent ({})", path));
    out.reset();
    return true;
  }
  std::string s;
  if (!string(e, path, s)) return false;
  out = std::move(s);
  return true;
}

bool Walker::count(dom::element e, const std::string& path, std::uint64_t& out) {
  switch (e.type()) {
    case dom::element_type::UINT64:
      out = e.get_uint64().value_unsafe();
      return true;
    case dom::element_type::INT64: {
      const std::int64_t v = e.get_int64().value_unsafe();
      if (v < 0) return refuse("negative session count", path);
      out = static_cast<std::uint64_t>(v);
      return true;
    }
    case dom::element_type::DOUBLE: {
      const double v = e.get_double().value_unsafe();
      if (!(v >= 0 && v < 1e18) || v != static_cast<double>(static_cast<std::uint64_t>(v))) {
        return refuse("session count is not a whole number", path);
      }
      warn_.add(fmt::format("session count written as a decimal number ({})", path));
      out = static_cast<std::uint64_t>(v);
      return true;
    }
    case dom::element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      if (s.empty() || s.size() > 18 || !ascii::all_of(s, ascii::is_digit)) {
        return refuse("session count is a string that is not a number", path);
      }
      warn_.add(fmt::format("session count written as a string ({})", path));
      out = std::stoull(std::string(s));
      return true;
    }
    default:
      return refuse_type(e, "a session count", path);
  }
}

bool Walker::string_list(dom::element e, const std::string& path, std::vector<std::string>& out) {
  dom::array items;
  if (e.get_array().get(items) != simdjson::SUCCESS) return refuse_type(e, "an array", path);
  if (items.size() > limits_.report_policy_strings) {
    return refuse(fmt::format("{} entries, over the limit report_policy_strings ({})", items.size(),
                              limits_.report_policy_strings),
                  path);
  }
  std::size_t i = 0;
  for (dom::element item : items) {
    std::string s;
    if (!string(item, fmt::format("{}[{}]", path, i++), s)) return false;
    out.push_back(std::move(s));
  }
  return true;
}

bool Walker::datetime(dom::element e, const std::string& path, UnixSeconds& out) {
  std::string text;
  if (!string(e, path, text)) return false;
  const Result<ParsedTime> t = parse_rfc3339(text);
  if (!t) return refuse(t.error().message + ": \"" + ascii::printable(text) + "\"", path);
  // quirk: Microsoft (2023-01, 2024-03) sends "2024-03-26T00:00:00" without a time zone;
  // fixtures mta-sts-exporter/microsoft-2.json and mox/microsoft.eml.
  if (!t->had_zone) warn_.add(fmt::format("date-range without time zone, read as UTC ({})", path));
  if (t->had_fraction) warn_.add(fmt::format("fractional seconds dropped ({})", path));
  if (t->had_leap_second) warn_.add(fmt::format("leap second read as :59 ({})", path));
  out = t->utc;
  return true;
}

bool Walker::date_range(dom::element e, const std::string& path) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return refuse_type(e, "an object", path);
  bool start = false, end = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = path + "." + std::string(key);
    if (!first_time(seen, key, path)) continue;
    if (key == "start-datetime") {
      if (!datetime(value, here, report_.date_range.start)) return false;
      start = true;
    } else if (key == "end-datetime") {
      if (!datetime(value, here, report_.date_range.end)) return false;
      end = true;
    } else {
      unknown_field(key, path);
    }
  }
  // RFC 8460 §4.4: the date range is part of the report's identity.
  if (!start) return refuse("start-datetime missing", path);
  if (!end) return refuse("end-datetime missing", path);
  if (report_.date_range.end < report_.date_range.start) {
    warn_.add(fmt::format("date-range ends before it starts ({})", path));
  }
  return true;
}

bool Walker::policy_strings(dom::element e, const std::string& path, Policy& out) {
  if (e.is_null()) {
    warn_.add(fmt::format("policy-string is null, read as absent ({})", path));
    return true;
  }
  if (e.is_string()) {
    std::string text;
    if (!string(e, path, text)) return false;
    const std::string_view trimmed = ascii::trim_wsp(text);
    if (!trimmed.empty() && trimmed.front() == '[') {
      // quirk: Microsoft's TLSA policy-string is ONE string holding a JSON-encoded array of
      // TLSA records; decoded here as a second document, bounded like the first.
      dom::element inner;
      if (nested_.parse(trimmed.data(), trimmed.size(), true).get(inner) == simdjson::SUCCESS
          && inner.is_array()) {
        std::vector<std::string> decoded;
        const std::optional<Error> saved = error_;
        if (string_list(inner, path, decoded)) {
          warn_.add(
              fmt::format("policy-string is one string holding a JSON array, decoded ({})", path));
          out.policy_strings = std::move(decoded);
          return true;
        }
        error_ = saved;
      }
    }
    warn_.add(fmt::format("policy-string is a string, not an array ({})", path));
    out.policy_strings.push_back(std::move(text));
    return true;
  }
  return string_list(e, path, out.policy_strings);
}

bool Walker::policy(dom::element e, const std::string& path, Policy& out) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return refuse_type(e, "an object", path);
  bool type = false, domain = false, strings = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = path + "." + std::string(key);
    if (!first_time(seen, key, path)) continue;
    if (key == "policy-type") {
      if (!string(value, here, out.policy_type_raw)) return false;
      out.policy_type = policy_type_from(out.policy_type_raw);
      type = true;
    } else if (key == "policy-string") {
      if (!policy_strings(value, here, out)) return false;
      strings = true;
    } else if (key == "policy-domain") {
      if (!optional_string(value, here, out.policy_domain)) return false;
      domain = out.policy_domain.has_value();
    } else if (key == "mx-host") {
      if (value.is_null()) {
        warn_.add(fmt::format("mx-host is null, read as absent ({})", here));
      } else if (value.is_string()) {
        // quirk: the RFC 8460 Appendix B example gives mx-host as a string; erratum 6241 makes
        // it an array. Fixture parsedmarc/rfc8460.json.
        std::string host;
        if (!string(value, here, host)) return false;
        warn_.add(fmt::format("mx-host is a string, not an array ({})", here));
        out.mx_hosts.push_back(std::move(host));
      } else if (!string_list(value, here, out.mx_hosts)) {
        return false;
      }
    } else {
      unknown_field(key, path);
    }
  }
  if (!type) warn_.add(fmt::format("policy-type missing ({})", path));
  if (type && out.policy_type == PolicyType::other) {
    warn_.add(fmt::format("unknown policy-type \"{}\" kept as is ({})",
                          ascii::printable(out.policy_type_raw), path));
  }
  // quirk: the sys4 reporter leaves policy-domain out for no-policy-found; fixture
  // mail-auth/rpt03.json.
  if (!domain) warn_.add(fmt::format("policy-domain missing ({})", path));
  // quirk: Mail.ru leaves policy-string out of sts policies; fixture parsedmarc/mail.ru.json.
  if (!strings && (out.policy_type == PolicyType::sts || out.policy_type == PolicyType::tlsa)) {
    warn_.add(fmt::format("policy-string missing for a {} policy ({})", out.policy_type_raw, path));
  }
  return true;
}

bool Walker::summary(dom::element e, const std::string& path, Policy& out) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return refuse_type(e, "an object", path);
  bool successes = false, failures = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = path + "." + std::string(key);
    if (!first_time(seen, key, path)) continue;
    if (key == "total-successful-session-count") {
      if (!count(value, here, out.successful_sessions)) return false;
      successes = true;
    } else if (key == "total-failure-session-count") {
      std::uint64_t n = 0;
      if (!count(value, here, n)) return false;
      out.failed_sessions = n;
      failures = true;
    } else {
      unknown_field(key, path);
    }
  }
  if (!successes)
    warn_.add(fmt::format("total-successful-session-count missing, read as 0 ({})", path));
  if (!failures) warn_.add(fmt::format("total-failure-session-count missing ({})", path));
  return true;
}

void Walker::check_ip(const std::optional<std::string>& ip, const std::string& path) {
  if (!ip) return;
  if (!is_ip_address(*ip)) {
    warn_.add(fmt::format("not an IP address: \"{}\" ({})", ascii::printable(*ip), path));
  }
}

bool Walker::failure_detail(dom::element e, const std::string& path, FailureDetail& out) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return refuse_type(e, "an object", path);
  bool type = false, count_seen = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = path + "." + std::string(key);
    if (!first_time(seen, key, path)) continue;
    if (key == "result-type") {
      if (!string(value, here, out.result_type_raw)) return false;
      out.result_type = result_type_from(out.result_type_raw);
      type = true;
    } else if (key == "sending-mta-ip") {
      if (!optional_string(value, here, out.sending_mta_ip)) return false;
      check_ip(out.sending_mta_ip, here);
    } else if (key == "receiving-ip") {
      if (!optional_string(value, here, out.receiving_ip)) return false;
      check_ip(out.receiving_ip, here);
    } else if (key == "receiving-mx-hostname" || key == "receiving-mx-host-name") {
      // quirk: one sender spells it receiving-mx-host-name (REPORTS.md).
      if (key != "receiving-mx-hostname") {
        warn_.add(fmt::format("receiving-mx-host-name read as receiving-mx-hostname ({})", here));
      }
      if (out.receiving_mx_hostname) continue;
      if (!optional_string(value, here, out.receiving_mx_hostname)) return false;
    } else if (key == "receiving-mx-helo") {
      if (!optional_string(value, here, out.receiving_mx_helo)) return false;
    } else if (key == "failed-session-count") {
      if (!count(value, here, out.failed_session_count)) return false;
      count_seen = true;
    } else if (key == "additional-information") {
      if (!optional_string(value, here, out.additional_information)) return false;
    } else if (key == "failure-reason-code" || key == "failure-error-code") {
      // quirk: the obsolete draft name failure-error-code still appears (REPORTS.md).
      if (key != "failure-reason-code") {
        warn_.add(
            fmt::format("failure-error-code (draft name) read as failure-reason-code ({})", here));
      }
      if (out.failure_reason_code) continue;
      if (!optional_string(value, here, out.failure_reason_code)) return false;
    } else {
      unknown_field(key, path);
    }
  }
  if (!type) warn_.add(fmt::format("result-type missing ({})", path));
  if (type && out.result_type == ResultType::other) {
    warn_.add(fmt::format("unknown result-type \"{}\" kept as is ({})",
                          ascii::printable(out.result_type_raw), path));
  }
  if (!count_seen) warn_.add(fmt::format("failed-session-count missing, read as 0 ({})", path));
  return true;
}

void Walker::check_counts(const Policy& p, const std::string& path) {
  if (!p.failed_sessions) return;
  std::uint64_t sum = 0;
  for (const FailureDetail& d : p.failure_details)
    sum += std::min<std::uint64_t>(d.failed_session_count, UINT64_MAX - sum);
  if (p.failure_details.empty()) {
    if (*p.failed_sessions > 0) {
      warn_.add(fmt::format("{} failed sessions counted without failure-details ({})",
                            *p.failed_sessions, path));
    }
  } else if (sum != *p.failed_sessions) {
    // RFC 8460 §4.3: failure types can overlap, so the details need not add up to the total.
    warn_.add(fmt::format(
        "failure-details add up to {} failed sessions, total-failure-session-count says {} ({})",
        sum, *p.failed_sessions, path));
  }
}

bool Walker::policy_result(dom::element e, const std::string& path, Policy& out) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return refuse_type(e, "an object", path);
  bool policy_seen = false, summary_seen = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = path + "." + std::string(key);
    if (!first_time(seen, key, path)) continue;
    if (key == "policy") {
      if (!policy(value, here, out)) return false;
      policy_seen = true;
    } else if (key == "summary") {
      if (!summary(value, here, out)) return false;
      summary_seen = true;
    } else if (key == "failure-details") {
      if (value.is_null()) {
        warn_.add(fmt::format("failure-details is null, read as absent ({})", here));
        continue;
      }
      dom::array items;
      if (value.get_array().get(items) != simdjson::SUCCESS) {
        return refuse_type(value, "an array", here);
      }
      details_ += items.size();
      if (details_ > limits_.report_failure_details) {
        return refuse(fmt::format("more than {} failure details in the report (limit "
                                  "report_failure_details)",
                                  limits_.report_failure_details),
                      here);
      }
      out.failure_details.reserve(items.size());
      std::size_t i = 0;
      for (dom::element item : items) {
        FailureDetail d;
        if (!failure_detail(item, fmt::format("{}[{}]", here, i++), d)) return false;
        out.failure_details.push_back(std::move(d));
      }
    } else {
      unknown_field(key, path);
    }
  }
  if (!policy_seen) warn_.add(fmt::format("policy missing ({})", path));
  // A policy result without its summary carries no count at all.
  if (!summary_seen) return refuse("summary missing: the policy result has no counts", path);
  check_counts(out, path);
  return true;
}

bool Walker::report(dom::element root) {
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return refuse(
        fmt::format("not a TLS-RPT report: the JSON is {}, not an object", type_name(root.type())),
        "$");
  }
  bool org = false, range = false, id = false, policies = false, contact = false;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    const std::string here = "$." + std::string(key);
    if (!first_time(seen, key, "$")) continue;
    if (key == "organization-name") {
      if (!string(value, here, report_.organization_name)) return false;
      org = true;
    } else if (key == "date-range") {
      if (!date_range(value, here)) return false;
      range = true;
    } else if (key == "contact-info") {
      // quirk: Stalwart-built senders send "contact-info": null.
      if (!optional_string(value, here, report_.contact_info)) return false;
      contact = true;
    } else if (key == "report-id") {
      if (!string(value, here, report_.report_id)) return false;
      if (report_.report_id.empty()) warn_.add("report-id is empty ($.report-id)");
      id = true;
    } else if (key == "policies") {
      dom::array items;
      if (value.get_array().get(items) != simdjson::SUCCESS) {
        return refuse_type(value, "an array of policy results", here);
      }
      if (items.size() > limits_.report_policies) {
        return refuse(fmt::format("{} policies, over the limit report_policies ({})", items.size(),
                                  limits_.report_policies),
                      here);
      }
      report_.policies.reserve(items.size());
      std::size_t i = 0;
      for (dom::element item : items) {
        Policy p;
        if (!policy_result(item, fmt::format("{}[{}]", here, i++), p)) return false;
        report_.policies.push_back(std::move(p));
      }
      if (items.size() == 0) warn_.add("policies is empty ($.policies)");
      policies = true;
    } else {
      unknown_field(key, "$");
    }
  }
  // RFC 8460 §4.4: organization-name, date-range and report-id are REQUIRED and make the
  // report's identity; without them it cannot be stored or told apart.
  if (!org) return refuse("not a TLS-RPT report: organization-name missing", "$");
  if (!range) return refuse("not a TLS-RPT report: date-range missing", "$");
  if (!id) return refuse("not a TLS-RPT report: report-id missing", "$");
  if (!policies) return refuse("not a TLS-RPT report: policies missing", "$");
  if (!contact) warn_.add("contact-info missing ($)");
  return true;
}

// Canonical JSON (keys sorted by their bytes, no insignificant white space, strings with the
// fewest escapes) so that the same report sent twice hashes the same however it was laid out.
void canonical(dom::element e, std::string& out);

void canonical_string(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
}

void canonical(dom::element e, std::string& out) {
  switch (e.type()) {
    case dom::element_type::OBJECT: {
      // Sorted by key, repeated keys in their order (std::stable_sort trips a deprecation
      // warning in libstdc++ 12 under clang).
      struct Field {
        std::string_view key;
        std::size_t order;
        dom::element value;
      };
      std::vector<Field> fields;
      // Bound to a local: iterating value_unsafe() of a temporary result dangles.
      const dom::object obj = e.get_object().value_unsafe();
      for (auto [key, value] : obj)
        fields.push_back({key, fields.size(), value});
      std::ranges::sort(fields, [](const Field& a, const Field& b) {
        return a.key != b.key ? a.key < b.key : a.order < b.order;
      });
      out += '{';
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        canonical_string(fields[i].key, out);
        out += ':';
        canonical(fields[i].value, out);
      }
      out += '}';
      return;
    }
    case dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      const dom::array items = e.get_array().value_unsafe();
      for (dom::element item : items) {
        if (!first) out += ',';
        first = false;
        canonical(item, out);
      }
      out += ']';
      return;
    }
    case dom::element_type::INT64:
      out += fmt::format("{}", e.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      out += fmt::format("{}", e.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      out += fmt::format("{}", e.get_double().value_unsafe());
      return;
    case dom::element_type::STRING:
      canonical_string(e.get_string().value_unsafe(), out);
      return;
    case dom::element_type::BOOL:
      out += e.get_bool().value_unsafe() ? "true" : "false";
      return;
    case dom::element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

}  // namespace

ReportParser::ReportParser(const Limits& limits) : impl_(std::make_unique<Impl>(limits)) {}
ReportParser::~ReportParser() = default;

Result<Report> ReportParser::parse(std::string_view json) {
  const Limits& limits = impl_->limits;
  if (json.size() > limits.report_json_bytes) {
    return fail(fmt::format("report of {} bytes, over the limit report_json_bytes ({})",
                            json.size(), limits.report_json_bytes));
  }
  Report report;
  // quirk: a UTF-8 byte order mark is not JSON (RFC 8259 §8.1) but some writers add one.
  if (json.starts_with("\xEF\xBB\xBF")) {
    json.remove_prefix(3);
    report.warnings.push_back("UTF-8 byte order mark before the JSON, skipped");
  }
  if (!impl_->allocated) {
    // The depth bound is enforced by simdjson's DOM parser in every build.
    if (impl_->parser.allocate(4096, limits.report_json_depth) != simdjson::SUCCESS
        || impl_->nested.allocate(4096, limits.report_json_depth) != simdjson::SUCCESS) {
      return fail("cannot allocate the JSON parser");
    }
    impl_->allocated = true;
  }
  const simdjson::padded_string padded(json);
  dom::element root;
  if (const auto err = impl_->parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    if (err == simdjson::DEPTH_ERROR) {
      return fail(fmt::format("JSON nested deeper than the limit report_json_depth ({})",
                              limits.report_json_depth),
                  "$");
    }
    return fail(std::string("not JSON: ") + simdjson::error_message(err), "$");
  }
  Walker walker(limits, report, impl_->nested);
  if (!walker.report(root)) return std::unexpected(walker.take_error());
  std::string canon;
  canon.reserve(json.size());
  canonical(root, canon);
  report.canonical_sha256 = sha256_hex(canon);
  return report;
}

Result<Report> parse_report(std::string_view json, const Limits& limits) {
  ReportParser parser(limits);
  return parser.parse(json);
}

}  // namespace webshield::report
