// `webshield config --print [--config FILE]`: the effective settings of `webshield serve` (the
// file's, or the defaults), its alert rules and notifications, and every limit on outside data.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "core/limits.hpp"

namespace webshield::cli {
namespace {

struct ConfigArgs {
  bool print = false;
  std::string file;
};

}  // namespace

void add_config_command(CLI::App& app, int& status) {
  CLI::App* config = app.add_subcommand("config", "Show the effective configuration");
  auto args = std::make_shared<ConfigArgs>();
  config->add_flag("--print", args->print, "Print every setting and limit with its value");
  config
      ->add_option("--config", args->file,
                   "The TOML file of `webshield serve` to read (default: built-in settings)")
      ->check(CLI::ExistingFile);
  config->callback([config, args, &status] {
    if (!args->print) {
      std::cerr << config->help();
      status = kExitUsage;
      return;
    }
    server::ServeConfig settings;
    analyze::AlertConfig alerts;
    if (!args->file.empty()) {
      auto loaded = load_config_file(args->file);
      if (!loaded) {
        std::cerr << "webshield: " << loaded.error().describe() << '\n';
        status = kExitUsage;
        return;
      }
      settings = std::move(loaded->serve);
      alerts = std::move(loaded->alerts);
    }
    std::cout << "# webshield serve (flags given to it win over these)\n"
              << server::to_toml(settings) << '\n'
              << "# alert rules and notifications (webshield serve, webshield alerts check)\n"
              << analyze::to_toml(alerts) << "\n[limits]\n";
    for (const LimitInfo& l : describe(Limits{})) {
      std::cout << fmt::format("{} = {}  # {}: {}\n", l.name, l.value, l.unit, l.why);
    }
    status = 0;
  });
}

}  // namespace webshield::cli
