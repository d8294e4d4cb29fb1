// `webshield check DOMAIN...`: the live check of one or more domains, all on one event loop.
#include <iostream>
#include <memory>
#include <optional>

#include "check/render.hpp"
#include "cli/check_options.hpp"
#include "cli/commands.hpp"

namespace webshield::cli {
namespace {

struct Args {
  std::vector<std::string> domains;
  bool json = false;
  CheckArgs check;
};

int run_check(const Args& args) {
  std::vector<DomainName> domains;
  for (const std::string& text : args.domains) {
    auto name = DomainName::parse(text);
    if (!name) {
      std::cerr << "webshield: '" << text << "' is not a domain name: " << name.error().describe()
                << '\n';
      return kExitUsage;
    }
    domains.push_back(std::move(*name));
  }

  asio::io_context io;
  auto engine = CheckEngine::create(io, args.check, check::Parts{});
  if (!engine) {
    std::cerr << "webshield: " << engine.error().describe() << '\n';
    return kExitUsage;
  }
  CheckEngine& e = **engine;
  check::Checker checker(*e.resolver, *e.https, *e.smtp, e.options);

  std::vector<std::optional<check::CheckResult>> results(domains.size());
  for (std::size_t i = 0; i < domains.size(); ++i) {
    asio::co_spawn(io, checker.check(domains[i]),
                   [&results, i](std::exception_ptr error, check::CheckResult result) {
                     if (error) std::rethrow_exception(error);
                     results[i] = std::move(result);
                   });
  }
  io.run();

  Findings all;
  const bool color = check::use_color(stdout);
  for (const auto& result : results) {
    all.insert(all.end(), result->findings.begin(), result->findings.end());
    if (args.json) {
      std::cout << check::to_json(*result).dump() << '\n';
    } else {
      check::print_check(std::cout, *result, color);
      if (results.size() > 1) std::cout << '\n';
    }
  }
  return exit_status(verdict_of(all));
}

}  // namespace

void add_check_command(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check the TLS-RPT, MTA-STS, MX and DANE posture of domains, live");
  cmd->add_option("domain", args->domains, "Domains to check (concurrently)")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object per domain (JSON Lines)");
  add_check_options(*cmd, args->check);
  cmd->callback([args, &status] { status = run_check(*args); });
}

}  // namespace webshield::cli
