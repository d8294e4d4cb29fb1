// The configuration of `webshield serve`: a TOML file (packaging/webshield.toml) whose keys
// mirror the command-line flags; flags given on the command line win. Unknown keys and wrong
// types are errors that name the key and line, so that a typo never goes unnoticed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webshield::server {

// The public check page.
struct CheckConfig {
  bool enabled = true;
  bool allow_private = false;   // connect to private and other special-purpose addresses too
  std::size_t concurrency = 4;  // checks running at once; more answer 503
  std::int64_t cache_seconds = 300;
  double checks_per_minute = 10;  // per client address
  // How the check looks things up and connects, as the flags of `webshield check`.
  std::string resolver;
  std::vector<std::string> trust_anchors;
  bool no_dnssec = false;
  bool stub_resolver = false;
  std::string ca_file;
  bool no_smtp = false;
  std::uint16_t https_port = 443;
  std::uint16_t smtp_port = 25;
  double timeout = 10;  // seconds, each DNS question and probe
};

struct ServeConfig {
  std::string listen = "127.0.0.1:8480";
  std::string tls_cert;  // with tls_key: HTTPS
  std::string tls_key;
  std::string report_path = "/tlsrpt";
  std::string auth_file;                 // empty: a token made at start-up
  std::string log_format = "text";       // or "json"
  std::vector<std::string> domains;      // policy domains accepted; empty: all
  double report_posts_per_minute = 120;  // per client address; 0: no limit
  bool trust_forwarded_for = false;
  // Slow clients (slowloris): the request head must arrive within header_timeout seconds of
  // the connection or the previous answer, the body within body_timeout; else 408.
  std::int64_t header_timeout = 10;
  std::int64_t body_timeout = 60;
  std::string database;  // URL; empty: store::default_url()
  CheckConfig check;
};

// `file` names the file in messages.
Result<ServeConfig> parse_config(std::string_view toml, std::string_view file);

// The effective configuration as TOML that parse_config reads back.
std::string to_toml(const ServeConfig& config);

}  // namespace webshield::server
