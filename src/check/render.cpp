#include "check/render.hpp"

#include <unistd.h>

#include <cstdlib>

namespace webshield::check {
namespace {

std::string_view color_of(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "\033[1;31m";
    case Severity::warning:
      return "\033[1;33m";
    case Severity::info:
      return "\033[36m";
    case Severity::unknown:
      return "\033[1;35m";
  }
  return "";
}

constexpr std::string_view kReset = "\033[0m";

nlohmann::json extensions_json(const std::vector<records::Extension>& extensions) {
  nlohmann::json out = nlohmann::json::array();
  for (const records::Extension& e : extensions) {
    out.push_back({{"name", e.name}, {"value", e.value}});
  }
  return out;
}

}  // namespace

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fileno(stream)) == 1;
}

void print_findings(std::ostream& out, const Findings& findings, bool color) {
  for (const Finding& f : findings) {
    const std::string_view severity = to_string(f.severity);
    if (color) out << color_of(f.severity);
    out << severity;
    if (color) out << kReset;
    out << std::string(8 - severity.size(), ' ') << f.code << ": " << f.message;
    if (!f.ref.empty()) out << " [" << f.ref << "]";
    out << '\n';
  }
}

void print_verdict(std::ostream& out, Verdict verdict, const Findings& findings, bool color) {
  std::size_t counts[4] = {};
  for (const Finding& f : findings)
    ++counts[static_cast<int>(f.severity)];
  const Severity shown = verdict == Verdict::fail   ? Severity::error
                         : verdict == Verdict::warn ? Severity::warning
                                                    : Severity::info;
  if (color) out << color_of(shown);
  out << to_string(verdict);
  if (color) out << kReset;
  out << ": " << counts[static_cast<int>(Severity::error)] << " error(s), "
      << counts[static_cast<int>(Severity::warning)] << " warning(s), "
      << counts[static_cast<int>(Severity::info)] << " note(s)\n";
}

nlohmann::json to_json(const Finding& f) {
  return {{"code", f.code},
          {"severity", to_string(f.severity)},
          {"message", f.message},
          {"ref", f.ref},
          {"subject", f.subject}};
}

nlohmann::json to_json(const Findings& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const Finding& f : findings)
    out.push_back(to_json(f));
  return out;
}

nlohmann::json to_json(const records::TlsRptRecord& record) {
  nlohmann::json rua = nlohmann::json::array();
  for (const records::RuaUri& uri : record.rua) {
    nlohmann::json item{{"uri", uri.text}, {"scheme", records::to_string(uri.scheme)}};
    if (uri.mailto) {
      nlohmann::json to = nlohmann::json::array();
      for (const records::Mailbox& box : uri.mailto->to)
        to.push_back(box.to_string());
      item["mailboxes"] = to;
    }
    if (uri.https) {
      item["host"] = uri.https->host;
      item["port"] = uri.https->port;
      item["path"] = uri.https->path;
    }
    rua.push_back(item);
  }
  return {
      {"version", "TLSRPTv1"}, {"rua", rua}, {"extensions", extensions_json(record.extensions)}};
}

nlohmann::json to_json(const CheckResult& r) {
  nlohmann::json rua = nlohmann::json::array();
  for (const RuaResult& u : r.tlsrpt.rua) {
    rua.push_back({{"uri", u.uri}, {"scheme", u.scheme}, {"status", to_string(u.status)}});
  }
  nlohmann::json mta_sts{{"status", to_string(r.mta_sts.status)},
                         {"record", nullptr},
                         {"id", nullptr},
                         {"policy", nullptr}};
  if (r.mta_sts.record) mta_sts["record"] = *r.mta_sts.record;
  if (r.mta_sts.id) mta_sts["id"] = *r.mta_sts.id;
  if (r.mta_sts.policy) mta_sts["policy"] = to_json(*r.mta_sts.policy);
  nlohmann::json mx = nlohmann::json::array();
  for (const MxResult& m : r.mx) {
    nlohmann::json host{
        {"host", m.host},      {"preference", m.preference}, {"addresses", m.addresses},
        {"cname", m.cname},    {"dnssec", m.dnssec},         {"matches_policy", nullptr},
        {"starttls", nullptr}, {"tls_version", nullptr},     {"tlsa", m.tlsa}};
    if (m.matches_policy) host["matches_policy"] = *m.matches_policy;
    if (m.starttls) host["starttls"] = *m.starttls;
    if (!m.tls_version.empty()) host["tls_version"] = m.tls_version;
    mx.push_back(host);
  }
  return {{"domain", r.domain},
          {"verdict", to_string(r.verdict)},
          {"checked_at", r.checked_at},
          {"tlsrpt",
           {{"status", to_string(r.tlsrpt.status)}, {"records", r.tlsrpt.records}, {"rua", rua}}},
          {"mta_sts", mta_sts},
          {"mx", mx},
          {"dane", {{"status", r.dane.status}}},
          {"findings", to_json(r.findings)}};
}

void print_check(std::ostream& out, const CheckResult& r, bool color) {
  out << r.domain << ": " << to_string(r.verdict) << "  (checked " << r.checked_at << ")\n";
  auto section = [&](std::string_view title, std::string_view status, std::string_view prefix) {
    out << "\n" << title << ": " << status << '\n';
    print_findings(out, with_prefix(r.findings, prefix), color);
  };
  section("TLS-RPT", to_string(r.tlsrpt.status), "tlsrpt.");
  for (const std::string& record : r.tlsrpt.records)
    out << "    " << record << '\n';
  for (const RuaResult& u : r.tlsrpt.rua) {
    out << "    destination " << u.uri << ": " << to_string(u.status) << '\n';
  }
  section("MTA-STS", to_string(r.mta_sts.status), "mta_sts.");
  if (r.mta_sts.record) out << "    " << *r.mta_sts.record << '\n';
  section("MX", to_string(verdict_of(with_prefix(r.findings, "mx."))), "mx.");
  for (const MxResult& m : r.mx) {
    out << "    " << m.preference << " " << m.host;
    for (const std::string& a : m.addresses)
      out << " " << a;
    out << '\n';
  }
  section("DANE", r.dane.status, "dane.");
  out << '\n';
  print_verdict(out, r.verdict, r.findings, color);
}

nlohmann::json to_json(const records::StsRecord& record) {
  return {
      {"version", "STSv1"}, {"id", record.id}, {"extensions", extensions_json(record.extensions)}};
}

nlohmann::json to_json(const records::StsPolicy& policy) {
  nlohmann::json mx = nlohmann::json::array();
  for (const records::MxPattern& p : policy.mx)
    mx.push_back(p.to_string());
  return {{"version", policy.version},
          {"mode", records::to_string(policy.mode)},
          {"max_age", policy.max_age},
          {"mx", mx},
          {"extensions", extensions_json(policy.extensions)}};
}

}  // namespace webshield::check
