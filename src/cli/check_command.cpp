// `webshield check DOMAIN...`: the live check of one or more domains, all on one event loop.
#include <iostream>
#include <memory>
#include <optional>

#include "check/check.hpp"
#include "check/render.hpp"
#include "cli/commands.hpp"
#include "dns/unbound_resolver.hpp"

namespace webshield::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> domains;
  bool json = false;
  bool no_smtp = false;
  std::string resolver;
  std::vector<std::string> trust_anchors;
  std::string ca_file;
  double timeout = 10;
  std::uint16_t https_port = 443;
  std::uint16_t smtp_port = 25;
};

int run_check(const CheckArgs& args) {
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
  dns::ResolverOptions options;
  if (!args.resolver.empty()) options.forwarder = args.resolver;
  options.trust_anchor_files = args.trust_anchors;
  options.timeout = std::chrono::milliseconds(static_cast<long>(args.timeout * 1000));
  auto resolver = dns::UnboundResolver::create(io, options);
  if (!resolver) {
    std::cerr << "webshield: " << resolver.error().describe() << '\n';
    return kExitUsage;
  }
  const std::optional<std::string> ca_file =
      args.ca_file.empty() ? std::nullopt : std::optional<std::string>(args.ca_file);
  net::CurlHttpsClient https(ca_file);
  net::AsioSmtpProber smtp(ca_file);
  check::Checker checker(**resolver, https, smtp,
                         {.smtp = !args.no_smtp,
                          .https_port = args.https_port,
                          .smtp_port = args.smtp_port,
                          .timeout = options.timeout});

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
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check the TLS-RPT, MTA-STS, MX and DANE posture of domains, live");
  cmd->add_option("domain", args->domains, "Domains to check (concurrently)")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object per domain (JSON Lines)");
  cmd->add_option("--resolver", args->resolver,
                  "Send every DNS query to this server (IP[:PORT]) instead of resolving from the "
                  "root");
  cmd->add_option("--trust-anchor", args->trust_anchors,
                  "DNSSEC trust anchor file (DS or DNSKEY records) to use instead of the root's, "
                  "for private signed zones; may be repeated")
      ->check(CLI::ExistingFile);
  cmd->add_option("--ca-file", args->ca_file,
                  "Trust only the CA certificates in this PEM file, instead of the system's")
      ->check(CLI::ExistingFile);
  cmd->add_option("--timeout", args->timeout, "Seconds to wait for each DNS answer or probe")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--no-smtp", args->no_smtp, "Do not connect to port 25 of the MX hosts");
  cmd->add_option("--https-port", args->https_port, "Port of the HTTPS probes")
      ->capture_default_str();
  cmd->add_option("--smtp-port", args->smtp_port, "Port of the SMTP probes")->capture_default_str();
  cmd->callback([args, &status] { status = run_check(*args); });
}

}  // namespace webshield::cli
