// Reading and printing the serve configuration with toml++.
#include "server/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

#include "core/toml_table.hpp"

namespace webshield::server {
namespace {

using toml_config::TableReader;
using toml_config::where;

const toml::table* section(const toml::table& root, std::string_view name) {
  const toml::node* node = root.get(name);
  return node == nullptr ? nullptr : node->as_table();
}

}  // namespace

Result<ServeConfig> parse_config(std::string_view text, std::string_view file) {
  auto parsed = toml_config::parse(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const toml::table& root = *parsed;
  ServeConfig c;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    // [alerts], [[notify]] and [[domain]] belong to the alert rules (analyze/alert_config.hpp).
    if (name == "alerts" || name == "notify" || name == "domain") continue;
    if ((name != "server" && name != "database" && name != "check") || !node.is_table())
      return fail("unknown section or key " + name + " (expected [server], [database], [check])",
                  where(node, file));
  }
  if (const toml::table* t = section(root, "server")) {
    TableReader r(*t, "server.", file);
    r.read("listen", c.listen);
    r.read("tls_cert", c.tls_cert);
    r.read("tls_key", c.tls_key);
    r.read("report_path", c.report_path);
    r.read("auth_file", c.auth_file);
    r.read("log_format", c.log_format);
    r.read("domains", c.domains);
    r.read("report_posts_per_minute", c.report_posts_per_minute);
    r.read("trust_forwarded_for", c.trust_forwarded_for);
    r.read("header_timeout", c.header_timeout);
    r.read("body_timeout", c.body_timeout);
    if (auto done = r.finish(); !done) return std::unexpected(done.error());
  }
  if (const toml::table* t = section(root, "database")) {
    TableReader r(*t, "database.", file);
    r.read("url", c.database);
    if (auto done = r.finish(); !done) return std::unexpected(done.error());
  }
  if (const toml::table* t = section(root, "check")) {
    TableReader r(*t, "check.", file);
    CheckConfig& k = c.check;
    r.read("enabled", k.enabled);
    r.read("allow_private", k.allow_private);
    r.read("concurrency", k.concurrency);
    r.read("cache_seconds", k.cache_seconds);
    r.read("checks_per_minute", k.checks_per_minute);
    r.read("resolver", k.resolver);
    r.read("trust_anchors", k.trust_anchors);
    r.read("no_dnssec", k.no_dnssec);
    r.read("stub_resolver", k.stub_resolver);
    r.read("ca_file", k.ca_file);
    r.read("no_smtp", k.no_smtp);
    r.read("https_port", k.https_port);
    r.read("smtp_port", k.smtp_port);
    r.read("timeout", k.timeout);
    if (auto done = r.finish(); !done) return std::unexpected(done.error());
  }
  if (c.log_format != "text" && c.log_format != "json")
    return fail("server.log_format must be \"text\" or \"json\"", std::string(file));
  if (c.report_path.empty() || c.report_path.front() != '/')
    return fail("server.report_path must start with /", std::string(file));
  if (c.header_timeout < 1 || c.body_timeout < 1)
    return fail("server.header_timeout and server.body_timeout must be 1 or more seconds",
                std::string(file));
  if (c.check.concurrency == 0)
    return fail("check.concurrency must be 1 or more", std::string(file));
  return c;
}

std::string to_toml(const ServeConfig& c) {
  auto strings = [](const std::vector<std::string>& list) {
    toml::array a;
    for (const std::string& s : list)
      a.push_back(s);
    return a;
  };
  const CheckConfig& k = c.check;
  toml::table root{
      {"server", toml::table{{"listen", c.listen},
                             {"tls_cert", c.tls_cert},
                             {"tls_key", c.tls_key},
                             {"report_path", c.report_path},
                             {"auth_file", c.auth_file},
                             {"log_format", c.log_format},
                             {"domains", strings(c.domains)},
                             {"report_posts_per_minute", c.report_posts_per_minute},
                             {"trust_forwarded_for", c.trust_forwarded_for},
                             {"header_timeout", c.header_timeout},
                             {"body_timeout", c.body_timeout}}},
      {"database", toml::table{{"url", c.database}}},
      {"check", toml::table{{"enabled", k.enabled},
                            {"allow_private", k.allow_private},
                            {"concurrency", static_cast<std::int64_t>(k.concurrency)},
                            {"cache_seconds", k.cache_seconds},
                            {"checks_per_minute", k.checks_per_minute},
                            {"resolver", k.resolver},
                            {"trust_anchors", strings(k.trust_anchors)},
                            {"no_dnssec", k.no_dnssec},
                            {"stub_resolver", k.stub_resolver},
                            {"ca_file", k.ca_file},
                            {"no_smtp", k.no_smtp},
                            {"https_port", static_cast<std::int64_t>(k.https_port)},
                            {"smtp_port", static_cast<std::int64_t>(k.smtp_port)},
                            {"timeout", k.timeout}}},
  };
  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

}  // namespace webshield::server
