// The options `check` and `scan` share, and the engine they build: resolver, HTTPS client and
// SMTP prober configured from them.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "dns/unbound_resolver.hpp"

namespace webshield::cli {

struct CheckArgs {
  bool no_smtp = false;
  bool no_dnssec = false;
  std::string resolver;
  std::vector<std::string> trust_anchors;
  std::string ca_file;
  double timeout = 10;
  std::uint16_t https_port = 443;
  std::uint16_t smtp_port = 25;
};

void add_check_options(CLI::App& cmd, CheckArgs& args);

struct CheckEngine {
  std::unique_ptr<dns::UnboundResolver> resolver;
  std::unique_ptr<net::CurlHttpsClient> https;
  std::unique_ptr<net::AsioSmtpProber> smtp;
  check::CheckOptions options;

  static Result<std::unique_ptr<CheckEngine>> create(asio::io_context& io, const CheckArgs& args,
                                                     check::Parts parts);
};

}  // namespace webshield::cli
