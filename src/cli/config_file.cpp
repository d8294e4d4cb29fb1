// One read of the configuration file for `serve`, `alerts check` and `config --print`.
#include "cli/config_file.hpp"

#include "core/toml_table.hpp"

namespace webshield::cli {

Result<ConfigFile> load_config_file(const std::string& path) {
  auto text = toml_config::read_file(path);
  if (!text) return std::unexpected(text.error());
  auto serve = server::parse_config(*text, path);
  if (!serve) return std::unexpected(serve.error());
  auto alerts = analyze::parse_alert_config(*text, path);
  if (!alerts) return std::unexpected(alerts.error());
  return ConfigFile{std::move(*serve), std::move(*alerts)};
}

}  // namespace webshield::cli
