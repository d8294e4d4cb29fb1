// The options `check` and `scan` share, and the engine they build: resolver, HTTPS client and
// SMTP prober configured from them.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "dns/resolver.hpp"
#include "server/config.hpp"

namespace webshield::cli {

// How DNS is asked: `check`, `scan` and the DKIM key lookups of `report parse`.
struct DnsArgs {
  std::string resolver;
  std::vector<std::string> trust_anchors;
  bool no_dnssec = false;
  bool stub = false;  // --stub-resolver
  double timeout = 10;
};

void add_dns_options(CLI::App& cmd, DnsArgs& args);
Result<std::unique_ptr<dns::Resolver>> make_resolver(asio::io_context& io, const DnsArgs& args);

struct CheckArgs {
  DnsArgs dns;
  bool no_smtp = false;
  std::string ca_file;
  std::uint16_t https_port = 443;
  std::uint16_t smtp_port = 25;
};

void add_check_options(CLI::App& cmd, CheckArgs& args);

// The [check] section of the configuration file as these options.
CheckArgs check_args_of(const server::CheckConfig& config);

struct CheckEngine {
  std::unique_ptr<dns::Resolver> resolver;
  std::unique_ptr<net::CurlHttpsClient> https;
  std::unique_ptr<net::AsioSmtpProber> smtp;
  check::CheckOptions options;

  static Result<std::unique_ptr<CheckEngine>> create(asio::io_context& io, const CheckArgs& args,
                                                     check::Parts parts);
};

}  // namespace webshield::cli
