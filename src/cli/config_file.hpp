// The configuration file of `webshield serve` (--config): its settings and its alert rules,
// read once and parsed by both.
#pragma once

#include <string>

#include "analyze/alert_config.hpp"
#include "core/result.hpp"
#include "server/config.hpp"

namespace webshield::cli {

struct ConfigFile {
  server::ServeConfig serve;
  analyze::AlertConfig alerts;
};

Result<ConfigFile> load_config_file(const std::string& path);

}  // namespace webshield::cli
