// `webshield config --print`: the effective settings and every limit on outside data.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/limits.hpp"

namespace webshield::cli {

void add_config_command(CLI::App& app, int& status) {
  CLI::App* config = app.add_subcommand("config", "Show the effective configuration");
  auto print = std::make_shared<bool>(false);
  config->add_flag("--print", *print, "Print every setting and limit with its value");
  config->callback([config, print, &status] {
    if (!*print) {
      std::cerr << config->help();
      status = kExitUsage;
      return;
    }
    std::cout << "[limits]\n";
    for (const LimitInfo& l : describe(Limits{})) {
      std::cout << fmt::format("{} = {}  # {}: {}\n", l.name, l.value, l.unit, l.why);
    }
    status = 0;
  });
}

}  // namespace webshield::cli
