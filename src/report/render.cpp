#include "report/render.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace webshield::report {
namespace {

void put(nlohmann::json& obj, const char* key, const std::optional<std::string>& value) {
  if (value) obj[key] = *value;
}

}  // namespace

nlohmann::json to_json(const Report& r, const std::optional<ReportSource>& source) {
  nlohmann::json out = nlohmann::json::object();
  out["organization_name"] = r.organization_name;
  out["report_id"] = r.report_id;
  out["date_range"] = {{"start", format_utc(r.date_range.start)},
                       {"end", format_utc(r.date_range.end)}};
  put(out, "contact_info", r.contact_info);
  nlohmann::json policies = nlohmann::json::array();
  for (const Policy& p : r.policies) {
    nlohmann::json pj = nlohmann::json::object();
    pj["policy_type"] = p.policy_type_raw;
    put(pj, "policy_domain", p.policy_domain);
    if (!p.policy_strings.empty()) pj["policy_strings"] = p.policy_strings;
    if (!p.mx_hosts.empty()) pj["mx_hosts"] = p.mx_hosts;
    pj["successful_sessions"] = p.successful_sessions;
    if (p.failed_sessions) pj["failed_sessions"] = *p.failed_sessions;
    if (!p.failure_details.empty()) {
      nlohmann::json details = nlohmann::json::array();
      for (const FailureDetail& d : p.failure_details) {
        nlohmann::json dj = nlohmann::json::object();
        dj["result_type"] = d.result_type_raw;
        put(dj, "sending_mta_ip", d.sending_mta_ip);
        put(dj, "receiving_mx_hostname", d.receiving_mx_hostname);
        put(dj, "receiving_mx_helo", d.receiving_mx_helo);
        put(dj, "receiving_ip", d.receiving_ip);
        dj["failed_session_count"] = d.failed_session_count;
        put(dj, "additional_information", d.additional_information);
        put(dj, "failure_reason_code", d.failure_reason_code);
        details.push_back(std::move(dj));
      }
      pj["failure_details"] = std::move(details);
    }
    policies.push_back(std::move(pj));
  }
  out["policies"] = std::move(policies);
  if (source) {
    nlohmann::json s = nlohmann::json::object();
    s["transport"] = source->transport;
    put(s, "name", source->name);
    put(s, "report_domain", source->report_domain);
    put(s, "submitter", source->submitter);
    put(s, "dkim", source->dkim);
    put(s, "dkim_domain", source->dkim_domain);
    put(s, "dkim_reason", source->dkim_reason);
    if (source->dkim_aligned) s["dkim_aligned"] = *source->dkim_aligned;
    out["source"] = std::move(s);
  }
  out["sha256"] = r.canonical_sha256;
  out["warnings"] = r.warnings;
  return out;
}

void print_summary(std::ostream& out, const Report& r, const std::optional<ReportSource>& source) {
  out << fmt::format("{}  report {}\n  {} .. {}", r.organization_name, r.report_id,
                     format_utc(r.date_range.start), format_utc(r.date_range.end));
  if (r.contact_info) out << "  contact " << *r.contact_info;
  out << '\n';
  if (source) {
    out << "  via " << source->transport;
    if (source->name) out << " " << *source->name;
    if (source->dkim) {
      out << ", DKIM " << *source->dkim;
      if (source->dkim_domain) out << " (d=" << *source->dkim_domain << ")";
      if (source->dkim_aligned && *source->dkim_aligned) out << ", aligned";
      if (source->dkim_reason && source->dkim != "pass") out << ": " << *source->dkim_reason;
    }
    out << '\n';
  }
  for (const Policy& p : r.policies) {
    out << fmt::format("  policy {} {}: {} successful, {} failed\n",
                       p.policy_type_raw.empty() ? "(no type)" : p.policy_type_raw,
                       p.policy_domain.value_or("(no domain)"), p.successful_sessions,
                       p.failed_sessions ? std::to_string(*p.failed_sessions) : "?");
    if (!p.mx_hosts.empty())
      out << "    mx: " << fmt::format("{}", fmt::join(p.mx_hosts, ", ")) << '\n';
    std::map<std::string, std::uint64_t> by_type;
    std::set<std::string> ips, mxs;
    for (const FailureDetail& d : p.failure_details) {
      by_type[d.result_type_raw.empty() ? "(no type)" : d.result_type_raw] +=
          d.failed_session_count;
      if (d.sending_mta_ip) ips.insert(*d.sending_mta_ip);
      if (d.receiving_mx_hostname) mxs.insert(*d.receiving_mx_hostname);
    }
    for (const auto& [type, n] : by_type)
      out << fmt::format("    {:<28} {}\n", type, n);
    if (!ips.empty()) out << "    sending IPs: " << fmt::format("{}", fmt::join(ips, ", ")) << '\n';
    if (!mxs.empty())
      out << "    receiving MX: " << fmt::format("{}", fmt::join(mxs, ", ")) << '\n';
  }
  for (const std::string& w : r.warnings)
    out << "  warning: " << w << '\n';
}

}  // namespace webshield::report
