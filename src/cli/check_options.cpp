#include "cli/check_options.hpp"

#include "dns/stub_resolver.hpp"
#include "dns/unbound_resolver.hpp"

namespace webshield::cli {

void add_dns_options(CLI::App& cmd, DnsArgs& args) {
  cmd.add_option("--resolver", args.resolver,
                 "Send every DNS query to this server (IP[:PORT]) instead of resolving from the "
                 "root");
  cmd.add_option("--trust-anchor", args.trust_anchors,
                 "DNSSEC trust anchor file (DS or DNSKEY records) to use instead of the root's, "
                 "for private signed zones; may be repeated")
      ->check(CLI::ExistingFile);
  cmd.add_flag("--no-dnssec", args.no_dnssec,
               "Do not validate DNSSEC: every answer counts as insecure (for a forwarder that "
               "cannot be validated from the root)");
  cmd.add_flag("--stub-resolver", args.stub,
               "Send queries straight to --resolver and take its AD bit as the DNSSEC verdict, "
               "instead of validating here: many times faster for bulk scans, for a validating "
               "resolver you run and reach over a trusted path (a local unbound)");
  cmd.add_option("--timeout", args.timeout,
                 "Seconds to wait for each DNS answer, HTTPS request or SMTP dialogue")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

Result<std::unique_ptr<dns::Resolver>> make_resolver(asio::io_context& io, const DnsArgs& args) {
  if (args.no_dnssec && !args.trust_anchors.empty()) {
    return fail("--no-dnssec and --trust-anchor exclude each other");
  }
  const auto timeout = std::chrono::milliseconds(static_cast<long>(args.timeout * 1000));
  if (args.stub) {
    if (args.resolver.empty()) return fail("--stub-resolver needs --resolver");
    if (!args.trust_anchors.empty()) {
      return fail("--stub-resolver trusts the resolver's validation: no --trust-anchor");
    }
    dns::StubOptions options;
    options.server = args.resolver;
    options.trust_ad = !args.no_dnssec;
    options.timeout = timeout;
    return dns::StubResolver::create(io, options);
  }
  dns::ResolverOptions options;
  if (!args.resolver.empty()) options.forwarder = args.resolver;
  options.trust_anchor_files = args.trust_anchors;
  options.validate = !args.no_dnssec;
  options.timeout = timeout;
  return dns::UnboundResolver::create(io, options);
}

void add_check_options(CLI::App& cmd, CheckArgs& args) {
  add_dns_options(cmd, args.dns);
  cmd.add_option("--ca-file", args.ca_file,
                 "Trust only the CA certificates in this PEM file, instead of the system's")
      ->check(CLI::ExistingFile);
  cmd.add_flag("--no-smtp", args.no_smtp, "Do not connect to port 25 of the MX hosts");
  cmd.add_option("--https-port", args.https_port, "Port of the HTTPS probes")
      ->capture_default_str();
  cmd.add_option("--smtp-port", args.smtp_port, "Port of the SMTP probes")->capture_default_str();
}

CheckArgs check_args_of(const server::CheckConfig& k) {
  CheckArgs args;
  args.dns.resolver = k.resolver;
  args.dns.trust_anchors = k.trust_anchors;
  args.dns.no_dnssec = k.no_dnssec;
  args.dns.stub = k.stub_resolver;
  args.dns.timeout = k.timeout;
  args.ca_file = k.ca_file;
  args.no_smtp = k.no_smtp;
  args.https_port = k.https_port;
  args.smtp_port = k.smtp_port;
  return args;
}

Result<std::unique_ptr<CheckEngine>> CheckEngine::create(asio::io_context& io,
                                                         const CheckArgs& args,
                                                         check::Parts parts) {
  auto engine = std::make_unique<CheckEngine>();
  auto resolver = make_resolver(io, args.dns);
  if (!resolver) return std::unexpected(resolver.error());
  engine->resolver = std::move(*resolver);
  const std::optional<std::string> ca_file =
      args.ca_file.empty() ? std::nullopt : std::optional<std::string>(args.ca_file);
  engine->https = std::make_unique<net::CurlHttpsClient>(ca_file);
  engine->smtp = std::make_unique<net::AsioSmtpProber>(ca_file);
  if (args.no_smtp) parts.smtp = false;
  engine->options = {
      .parts = parts,
      .https_port = args.https_port,
      .smtp_port = args.smtp_port,
      .timeout = std::chrono::milliseconds(static_cast<long>(args.dns.timeout * 1000))};
  return engine;
}

}  // namespace webshield::cli
