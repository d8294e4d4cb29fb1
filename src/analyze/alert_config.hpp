// The alert settings of the configuration file (docs/alerts.md): [alerts] thresholds, the
// [[notify]] destinations and the operator's own [[domain]]s. The file is the operator's
// (trusted), but every key is checked: an unknown key or a wrong type is an error naming
// file:line, so that a typo never silently turns alerts off. The server's own sections are
// read by server/config.hpp from the same file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webshield::analyze {

// The thresholds of the alert rules (alerts.hpp). Days are UTC days; a report belongs to the
// day its date range starts on.
struct AlertThresholds {
  bool enabled = true;
  std::int64_t interval = 900;  // seconds between evaluations inside `webshield serve`
  // Posture rules (posture.hpp): seconds between the checks of the [[domain]]s inside
  // `webshield serve`; a policy in mode testing for testing_days alerts, and so does an MX
  // certificate that ends within cert_days. [[domain]] entries may set their own days.
  std::int64_t posture_interval = 6 * 3600;
  std::int64_t testing_days = 30;
  std::int64_t cert_days = 14;
  // Rule "rate": a domain's failure rate on a recent day at or above this, with enough sessions.
  double rate_threshold = 0.01;
  std::uint64_t rate_min_sessions = 100;
  // Rule "jump": a recent day's rate at least jump_factor times the median of the baseline
  // days, and at least jump_min_rate (so that 0 → 0.01% does not fire).
  double jump_factor = 3.0;
  double jump_min_rate = 0.005;
  // The recent window is today and the recent_days before it (reports arrive the day after
  // the day they cover); the baseline is the baseline_days before the recent window. Rules that
  // compare against the baseline need data on baseline_min_days of its days.
  std::int64_t recent_days = 2;
  std::int64_t baseline_days = 14;
  std::int64_t baseline_min_days = 3;
  // Rule "silence": an organisation that reported on silence_min_active_days of the baseline
  // days and then on none of the last silence_days days.
  std::int64_t silence_days = 3;
  std::int64_t silence_min_active_days = 5;
  // Cleared alerts are kept (and shown) this many days, then forgotten.
  std::int64_t cleared_retention_days = 7;
};

struct NotifyConfig {
  std::string type;             // "webhook" or "mail"
  std::string format = "json";  // webhook: "json" or "slack" (Slack/Mattermost {"text": …})
  std::string url;              // webhook: http(s)://…; mail: smtp://host[:port] or smtps://…
  std::string ca_file;          // trust only this CA bundle (tests, private CAs)
  std::int64_t timeout = 20;    // seconds per delivery
  // mail
  std::string from;
  std::vector<std::string> to;
  bool starttls = true;  // required, except smtp:// to a loopback address (tests)
  std::string username;
  std::string password_file;
  int line = 0;  // where the entry starts in the file, for messages
};

struct DomainConfig {
  std::string name;
  std::optional<std::int64_t> testing_days;  // instead of [alerts] testing_days
  std::optional<std::int64_t> cert_days;     // instead of [alerts] cert_days
};

struct AlertConfig {
  AlertThresholds alerts;
  std::vector<NotifyConfig> notify;
  std::vector<DomainConfig> domains;
};

// `file` names the file in messages ("webshield.toml:12: alerts.jump_factor must be …").
Result<AlertConfig> parse_alert_config(std::string_view toml, std::string_view file);

// The effective settings as TOML that parse_alert_config reads back (passwords are in files,
// never in the configuration).
std::string to_toml(const AlertConfig& config);

// Whether `host` (from a URL; "[::1]" or "127.0.0.1" or "localhost") is a loopback address.
bool is_loopback_host(std::string_view host);

// The host of "scheme://[user@]host[:port][/…]", without brackets; empty when there is none.
std::string url_host(std::string_view url);

}  // namespace webshield::analyze
