#include "report/report.hpp"

#include <utility>

namespace webshield::report {
namespace {

// RFC 8460 §4.3 (policy types) and §4.3 / §6.4 (result types): the wire names.
constexpr std::pair<PolicyType, std::string_view> kPolicyTypes[] = {
    {PolicyType::sts, "sts"},
    {PolicyType::tlsa, "tlsa"},
    {PolicyType::no_policy_found, "no-policy-found"},
};

constexpr std::pair<ResultType, std::string_view> kResultTypes[] = {
    {ResultType::starttls_not_supported, "starttls-not-supported"},
    {ResultType::certificate_host_mismatch, "certificate-host-mismatch"},
    {ResultType::certificate_expired, "certificate-expired"},
    {ResultType::certificate_not_trusted, "certificate-not-trusted"},
    {ResultType::validation_failure, "validation-failure"},
    {ResultType::tlsa_invalid, "tlsa-invalid"},
    {ResultType::dnssec_invalid, "dnssec-invalid"},
    {ResultType::dane_required, "dane-required"},
    {ResultType::sts_policy_fetch_error, "sts-policy-fetch-error"},
    {ResultType::sts_policy_invalid, "sts-policy-invalid"},
    {ResultType::sts_webpki_invalid, "sts-webpki-invalid"},
};

}  // namespace

PolicyType policy_type_from(std::string_view wire) {
  for (auto [type, name] : kPolicyTypes)
    if (wire == name) return type;
  return PolicyType::other;
}

ResultType result_type_from(std::string_view wire) {
  for (auto [type, name] : kResultTypes)
    if (wire == name) return type;
  return ResultType::other;
}

std::string_view to_string(PolicyType type) {
  for (auto [t, name] : kPolicyTypes)
    if (t == type) return name;
  return "";
}

std::string_view to_string(ResultType type) {
  for (auto [t, name] : kResultTypes)
    if (t == type) return name;
  return "";
}

}  // namespace webshield::report
