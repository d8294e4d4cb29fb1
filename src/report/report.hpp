// The TLS-RPT aggregate report of RFC 8460 §4 as a tidy C++ value. The JSON wire names live
// only in parse.cpp; everything else uses this struct. Pure data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace webshield::report {

// RFC 8460 §4.3 policy-type; senders invent others, kept as `other` with the raw string.
enum class PolicyType { sts, tlsa, no_policy_found, other };

// RFC 8460 §4.3 result-type values (registry of §6.4); unknown ones are `other` + raw string.
enum class ResultType {
  starttls_not_supported,
  certificate_host_mismatch,
  certificate_expired,
  certificate_not_trusted,
  validation_failure,
  tlsa_invalid,
  dnssec_invalid,
  dane_required,
  sts_policy_fetch_error,
  sts_policy_invalid,
  sts_webpki_invalid,
  other,
};

PolicyType policy_type_from(std::string_view wire);
ResultType result_type_from(std::string_view wire);
// The registered wire name ("sts", "certificate-expired"); "" for `other`.
std::string_view to_string(PolicyType type);
std::string_view to_string(ResultType type);

struct FailureDetail {
  ResultType result_type = ResultType::other;
  std::string result_type_raw;  // as sent, always set
  std::optional<std::string> sending_mta_ip;
  std::optional<std::string> receiving_mx_hostname;
  std::optional<std::string> receiving_mx_helo;
  std::optional<std::string> receiving_ip;
  std::uint64_t failed_session_count = 0;
  std::optional<std::string> additional_information;
  std::optional<std::string> failure_reason_code;

  bool operator==(const FailureDetail&) const = default;
};

struct Policy {
  PolicyType policy_type = PolicyType::other;
  std::string policy_type_raw;  // as sent, always set ("" if it was missing)
  std::optional<std::string> policy_domain;
  std::vector<std::string> policy_strings;
  std::vector<std::string> mx_hosts;
  std::uint64_t successful_sessions = 0;
  std::optional<std::uint64_t> failed_sessions;  // absent in some reports
  std::vector<FailureDetail> failure_details;

  bool operator==(const Policy&) const = default;
};

struct DateRange {
  UnixSeconds start = 0;
  UnixSeconds end = 0;

  bool operator==(const DateRange&) const = default;
};

// A report's identity (REPORTS.md): the same report delivered twice has the same identity.
struct ReportIdentity {
  std::string organization_name;
  std::string report_id;
  DateRange date_range;

  bool operator==(const ReportIdentity&) const = default;
};

struct Report {
  std::string organization_name;
  DateRange date_range;
  std::optional<std::string> contact_info;
  std::string report_id;
  std::vector<Policy> policies;
  // Every irregularity met while parsing, for people; bounded by Limits::report_warnings.
  std::vector<std::string> warnings;
  // SHA-256 (hex) of the canonical form of the JSON as received: object keys sorted,
  // no insignificant white space. The same JSON re-sent (or re-compressed) hashes the same.
  std::string canonical_sha256;

  ReportIdentity identity() const { return {organization_name, report_id, date_range}; }
  bool operator==(const Report&) const = default;
};

}  // namespace webshield::report
