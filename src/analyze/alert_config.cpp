// Reading and printing [alerts], [[notify]] and [[domain]] with toml++.
#include "analyze/alert_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

#include "core/ascii.hpp"
#include "core/domain_name.hpp"
#include "core/toml_table.hpp"

namespace webshield::analyze {
namespace {

// At most this many [[notify]] and [[domain]] entries: a configuration, not a data file.
constexpr std::size_t kMaxNotify = 32;
constexpr std::size_t kMaxDomains = 1000;

using toml_config::TableReader;
using toml_config::where;

// "15m", "1h", "900s" or "900" as seconds.
std::optional<std::int64_t> duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  if (unit != 0) text.remove_suffix(1);
  if (unit == 0) unit = 1;
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n * unit;
}

Result<void> read_thresholds(const toml::table& t, std::string_view file, AlertThresholds& a) {
  TableReader r(t, "alerts.", file);
  r.read("enabled", a.enabled);
  // Seconds, or a duration text like "15m".
  auto read_duration = [&](std::string_view key, std::int64_t& out,
                           std::int64_t min) -> Result<void> {
    std::string text;
    if (const toml::node* n = t.get(key); n != nullptr && n->is_string()) {
      r.read(key, text);
      auto seconds = duration(text);
      if (!seconds || *seconds < min)
        return r.refuse(
            key, fmt::format("must be seconds ({} or more) or a duration like \"15m\"", min));
      out = *seconds;
    } else {
      r.read(key, out);
    }
    return {};
  };
  if (auto read = read_duration("interval", a.interval, 10); !read) return read;
  if (auto read = read_duration("posture_interval", a.posture_interval, 60); !read) return read;
  r.read("testing_days", a.testing_days);
  r.read("cert_days", a.cert_days);
  r.read("rate_threshold", a.rate_threshold);
  r.read("rate_min_sessions", a.rate_min_sessions);
  r.read("jump_factor", a.jump_factor);
  r.read("jump_min_rate", a.jump_min_rate);
  r.read("recent_days", a.recent_days);
  r.read("baseline_days", a.baseline_days);
  r.read("baseline_min_days", a.baseline_min_days);
  r.read("silence_days", a.silence_days);
  r.read("silence_min_active_days", a.silence_min_active_days);
  r.read("cleared_retention_days", a.cleared_retention_days);
  if (auto done = r.finish(); !done) return done;
  if (a.interval < 10) return r.refuse("interval", "must be 10 seconds or more");
  if (a.posture_interval < 60) return r.refuse("posture_interval", "must be 60 seconds or more");
  if (a.testing_days > 3650) return r.refuse("testing_days", "must be 3650 or less");
  if (a.cert_days > 3650) return r.refuse("cert_days", "must be 3650 or less");
  if (a.rate_threshold <= 0 || a.rate_threshold > 1)
    return r.refuse("rate_threshold", "must be a fraction above 0 and at most 1 (0.01 is 1%)");
  if (a.jump_min_rate > 1)
    return r.refuse("jump_min_rate", "must be a fraction of at most 1 (0.005 is 0.5%)");
  if (a.jump_factor < 1) return r.refuse("jump_factor", "must be 1 or more");
  if (a.recent_days > 31) return r.refuse("recent_days", "must be 31 or less");
  if (a.baseline_days < 1 || a.baseline_days > 90)
    return r.refuse("baseline_days", "must be from 1 to 90");
  if (a.baseline_min_days > a.baseline_days)
    return r.refuse("baseline_min_days", "must be at most baseline_days");
  if (a.silence_days < 1 || a.silence_days > 90)
    return r.refuse("silence_days", "must be from 1 to 90");
  if (a.silence_min_active_days > a.baseline_days)
    return r.refuse("silence_min_active_days", "must be at most baseline_days");
  return {};
}

Result<NotifyConfig> read_notify(const toml::table& t, std::string_view file, std::size_t index) {
  NotifyConfig n;
  n.line = static_cast<int>(t.source().begin.line);
  TableReader r(t, fmt::format("notify[{}].", index), file);
  r.read("type", n.type);
  r.read("format", n.format);
  r.read("url", n.url);
  r.read("ca_file", n.ca_file);
  r.read("timeout", n.timeout);
  if (n.type == "mail") {
    r.read("from", n.from);
    r.read("to", n.to);
    r.read("starttls", n.starttls);
    r.read("username", n.username);
    r.read("password_file", n.password_file);
  }
  if (auto done = r.finish(); !done) return std::unexpected(done.error());
  if (n.type != "webhook" && n.type != "mail")
    return r.refuse("type", "must be \"webhook\" or \"mail\"");
  if (n.timeout < 1 || n.timeout > 600) return r.refuse("timeout", "must be from 1 to 600 seconds");
  const std::string scheme = ascii::lower(n.url.substr(0, n.url.find(':')));
  if (url_host(n.url).empty()) return r.refuse("url", "must be a URL with a host");
  if (n.type == "webhook") {
    if (n.format != "json" && n.format != "slack")
      return r.refuse("format", "must be \"json\" or \"slack\"");
    if (scheme != "https" && scheme != "http")
      return r.refuse("url", "must be an https:// (or http://) URL");
    return n;
  }
  if (scheme != "smtp" && scheme != "smtps")
    return r.refuse("url", "must be smtp://host[:port] (STARTTLS) or smtps://host[:port]");
  if (n.from.empty() || n.from.find('@') == std::string::npos)
    return r.refuse("from", "must be a mail address");
  if (n.to.empty()) return r.refuse("to", "must name at least one address");
  for (const std::string& to : n.to) {
    if (to.find('@') == std::string::npos || to.find_first_of("\r\n<>") != std::string::npos)
      return r.refuse("to", "must hold mail addresses");
  }
  if (n.from.find_first_of("\r\n<>") != std::string::npos)
    return r.refuse("from", "must be a mail address");
  // Mail may carry passwords and says what is broken: never in clear over the network.
  if (!n.starttls && !(scheme == "smtp" && is_loopback_host(url_host(n.url))))
    return r.refuse("starttls", "can be false only for smtp:// to a loopback address");
  if (n.password_file.empty() != n.username.empty())
    return r.refuse(n.username.empty() ? "password_file" : "username",
                    "needs username and password_file together");
  return n;
}

}  // namespace

std::string url_host(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos)
    rest = rest.substr(at + 1);
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return {};
    return std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<AlertConfig> parse_alert_config(std::string_view text, std::string_view file) {
  auto parsed = toml_config::parse(text, file);
  if (!parsed) return std::unexpected(parsed.error());
  const toml::table& root = *parsed;
  AlertConfig c;
  if (const toml::node* node = root.get("alerts")) {
    const toml::table* t = node->as_table();
    if (t == nullptr) return fail("alerts must be a table: [alerts]", where(*node, file));
    if (auto done = read_thresholds(*t, file, c.alerts); !done)
      return std::unexpected(done.error());
  }
  if (const toml::node* node = root.get("notify")) {
    const toml::array* list = node->as_array();
    if (list == nullptr || !list->is_array_of_tables())
      return fail("notify must be a list of tables: [[notify]]", where(*node, file));
    if (list->size() > kMaxNotify)
      return fail("more than 32 [[notify]] entries", where(*node, file));
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto n = read_notify(*list->get(i)->as_table(), file, i);
      if (!n) return std::unexpected(n.error());
      c.notify.push_back(std::move(*n));
    }
  }
  if (const toml::node* node = root.get("domain")) {
    const toml::array* list = node->as_array();
    if (list == nullptr || !list->is_array_of_tables())
      return fail("domain must be a list of tables: [[domain]]", where(*node, file));
    if (list->size() > kMaxDomains)
      return fail("more than 1000 [[domain]] entries", where(*node, file));
    for (std::size_t i = 0; i < list->size(); ++i) {
      DomainConfig d;
      const toml::table& entry = *list->get(i)->as_table();
      TableReader r(entry, fmt::format("domain[{}].", i), file);
      r.read("name", d.name);
      std::int64_t days = 0;
      if (entry.contains("testing_days")) {
        r.read("testing_days", days);
        d.testing_days = days;
      }
      if (entry.contains("cert_days")) {
        r.read("cert_days", days);
        d.cert_days = days;
      }
      if (auto done = r.finish(); !done) return std::unexpected(done.error());
      if (d.testing_days.value_or(0) > 3650)
        return r.refuse("testing_days", "must be 3650 or less");
      if (d.cert_days.value_or(0) > 3650) return r.refuse("cert_days", "must be 3650 or less");
      if (d.name.empty() || d.name.size() > 253 || d.name.find_first_of(" /@:") != std::string::npos
          || !DomainName::parse(d.name))
        return r.refuse("name", "must be a domain name");
      c.domains.push_back(std::move(d));
    }
  }
  return c;
}

std::string to_toml(const AlertConfig& c) {
  const AlertThresholds& a = c.alerts;
  toml::table alerts{{"enabled", a.enabled},
                     {"interval", a.interval},
                     {"posture_interval", a.posture_interval},
                     {"testing_days", a.testing_days},
                     {"cert_days", a.cert_days},
                     {"rate_threshold", a.rate_threshold},
                     {"rate_min_sessions", static_cast<std::int64_t>(a.rate_min_sessions)},
                     {"jump_factor", a.jump_factor},
                     {"jump_min_rate", a.jump_min_rate},
                     {"recent_days", a.recent_days},
                     {"baseline_days", a.baseline_days},
                     {"baseline_min_days", a.baseline_min_days},
                     {"silence_days", a.silence_days},
                     {"silence_min_active_days", a.silence_min_active_days},
                     {"cleared_retention_days", a.cleared_retention_days}};
  toml::array notify;
  for (const NotifyConfig& n : c.notify) {
    toml::table t{{"type", n.type}, {"url", n.url}, {"timeout", n.timeout}};
    if (!n.ca_file.empty()) t.insert("ca_file", n.ca_file);
    if (n.type == "webhook") {
      t.insert("format", n.format);
    } else {
      toml::array to;
      for (const std::string& s : n.to)
        to.push_back(s);
      t.insert("from", n.from);
      t.insert("to", to);
      t.insert("starttls", n.starttls);
      if (!n.username.empty()) {
        t.insert("username", n.username);
        t.insert("password_file", n.password_file);
      }
    }
    notify.push_back(std::move(t));
  }
  toml::array domains;
  for (const DomainConfig& d : c.domains) {
    toml::table t{{"name", d.name}};
    if (d.testing_days) t.insert("testing_days", *d.testing_days);
    if (d.cert_days) t.insert("cert_days", *d.cert_days);
    domains.push_back(std::move(t));
  }
  toml::table root{{"alerts", alerts}};
  if (!notify.empty()) root.insert("notify", notify);
  if (!domains.empty()) root.insert("domain", domains);
  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

}  // namespace webshield::analyze
