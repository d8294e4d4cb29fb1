// `webshield serve`: the report endpoint, the dashboard, the public check page and the API
// (docs/serve.md). Settings come from --config (TOML, packaging/webshield.toml) and the flags,
// which win over the file.
#include <iostream>
#include <memory>

#include "cli/check_options.hpp"
#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "net/guarded.hpp"
#include "server/config.hpp"
#include "server/server.hpp"

namespace webshield::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  server::ServeConfig flags;  // only the options given on the command line are used
  CheckArgs check;
  bool check_allow_private = false;
  bool no_check = false;
};

// Copies each option given on the command line over the file's value.
void apply_flags(const CLI::App& cmd, const ServeArgs& a, server::ServeConfig& c) {
  auto given = [&](const char* name) { return cmd.get_option(name)->count() > 0; };
  const server::ServeConfig& f = a.flags;
  if (given("--db")) c.database = f.database;
  if (given("--listen")) c.listen = f.listen;
  if (given("--tls-cert")) c.tls_cert = f.tls_cert;
  if (given("--tls-key")) c.tls_key = f.tls_key;
  if (given("--auth-file")) c.auth_file = f.auth_file;
  if (given("--report-path")) c.report_path = f.report_path;
  if (given("--domain")) c.domains = f.domains;
  if (given("--log-format")) c.log_format = f.log_format;
  if (given("--report-posts-per-minute")) c.report_posts_per_minute = f.report_posts_per_minute;
  if (given("--trust-forwarded-for")) c.trust_forwarded_for = true;
  if (given("--header-timeout")) c.header_timeout = f.header_timeout;
  if (given("--body-timeout")) c.body_timeout = f.body_timeout;
  server::CheckConfig& k = c.check;
  if (given("--check-allow-private")) k.allow_private = true;
  if (given("--no-check")) k.enabled = false;
  if (given("--check-concurrency")) k.concurrency = f.check.concurrency;
  if (given("--resolver")) k.resolver = a.check.dns.resolver;
  if (given("--trust-anchor")) k.trust_anchors = a.check.dns.trust_anchors;
  if (given("--no-dnssec")) k.no_dnssec = true;
  if (given("--stub-resolver")) k.stub_resolver = true;
  if (given("--timeout")) k.timeout = a.check.dns.timeout;
  if (given("--ca-file")) k.ca_file = a.check.ca_file;
  if (given("--no-smtp")) k.no_smtp = true;
  if (given("--https-port")) k.https_port = a.check.https_port;
  if (given("--smtp-port")) k.smtp_port = a.check.smtp_port;
}

int run_serve(const CLI::App& cmd, const ServeArgs& args) {
  server::ServeConfig config;
  analyze::AlertConfig alerts;
  if (!args.config_file.empty()) {
    auto loaded = load_config_file(args.config_file);
    if (!loaded) {
      std::cerr << "webshield: " << loaded.error().describe() << '\n';
      return kExitUsage;
    }
    config = std::move(loaded->serve);
    alerts = std::move(loaded->alerts);
  }
  apply_flags(cmd, args, config);

  asio::io_context io;
  std::unique_ptr<CheckEngine> engine;
  std::unique_ptr<net::GuardedHttpsClient> guarded_https;
  std::unique_ptr<net::GuardedSmtpProber> guarded_smtp;
  std::unique_ptr<check::Checker> checker;
  if (config.check.enabled) {
    auto made = CheckEngine::create(io, check_args_of(config.check), check::Parts{});
    if (!made) {
      std::cerr << "webshield: the public check: " << made.error().describe() << '\n';
      return kExitUsage;
    }
    engine = std::move(*made);
    net::HttpsClient* https = engine->https.get();
    net::SmtpProber* smtp = engine->smtp.get();
    if (!config.check.allow_private) {  // anyone may ask: only public addresses (SSRF)
      guarded_https = std::make_unique<net::GuardedHttpsClient>(*https);
      guarded_smtp = std::make_unique<net::GuardedSmtpProber>(*smtp);
      https = guarded_https.get();
      smtp = guarded_smtp.get();
    }
    checker = std::make_unique<check::Checker>(*engine->resolver, *https, *smtp, engine->options);
  }
  // The operator's own [[domain]]s, with the [check] settings but not the address guard of the
  // public check: the operator chose these domains.
  std::unique_ptr<check::Checker> posture_checker;
  if (alerts.alerts.enabled && !alerts.domains.empty()) {
    if (!engine) {
      auto made = CheckEngine::create(io, check_args_of(config.check), check::Parts{});
      if (!made) {
        std::cerr << "webshield: the posture checks: " << made.error().describe() << '\n';
        return kExitUsage;
      }
      engine = std::move(*made);
    }
    posture_checker = std::make_unique<check::Checker>(*engine->resolver, *engine->https,
                                                       *engine->smtp, engine->options);
  }
  return server::serve(config, Limits{}, io, checker.get(), &alerts, posture_checker.get());
}

}  // namespace

void add_serve_command(CLI::App& app, int& status) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Receive TLS-RPT reports over HTTPS (RFC 8460 §5.4) and serve the dashboard, the public "
      "check page and the JSON API until SIGTERM (docs/serve.md). Exit status 0 after a clean "
      "stop, 1 the database, auth file or address cannot be used, 64 bad usage.");
  server::ServeConfig& f = args->flags;
  cmd->add_option("--config", args->config_file, "TOML configuration (packaging/webshield.toml)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--db", f.database,
                  "Database URL: sqlite:PATH or postgresql://… (default "
                  "sqlite:$XDG_DATA_HOME/webshield/webshield.db)");
  cmd->add_option("--listen", f.listen, "ADDRESS:PORT to listen on; port 0 picks a free one")
      ->default_str("127.0.0.1:8480");
  cmd->add_option("--tls-cert", f.tls_cert, "PEM certificate chain: serve HTTPS (TLS 1.2+)");
  cmd->add_option("--tls-key", f.tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--auth-file", f.auth_file,
                  "Users and tokens allowed on the dashboard and API (`webshield auth`); "
                  "without it a token is made at start-up and printed");
  cmd->add_option("--report-path", f.report_path, "Path that receives reports")
      ->default_str("/tlsrpt");
  cmd->add_option("--domain", f.domains,
                  "Accept reports only for this policy domain; may be repeated (default: all)");
  cmd->add_option("--log-format", f.log_format, "Log lines as text or JSON")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  cmd->add_option("--report-posts-per-minute", f.report_posts_per_minute,
                  "Reports a minute one client address (IPv6: its /64) may post; 0: no limit")
      ->check(CLI::NonNegativeNumber)
      ->default_str("120");
  cmd->add_flag("--trust-forwarded-for", f.trust_forwarded_for,
                "Take the client's address from X-Forwarded-For (only behind a proxy that sets "
                "it)");
  cmd->add_option("--header-timeout", f.header_timeout,
                  "Seconds a client has to send a request head (else 408)")
      ->check(CLI::PositiveNumber)
      ->default_str("10");
  cmd->add_option("--body-timeout", f.body_timeout,
                  "Seconds a client has to send a request body (else 408)")
      ->check(CLI::PositiveNumber)
      ->default_str("60");
  cmd->add_flag("--no-check", args->no_check, "Turn the public check page off");
  cmd->add_flag("--check-allow-private", args->check_allow_private,
                "Let the public check connect to private, loopback and other special-purpose "
                "addresses (for a server inside a private network)");
  cmd->add_option("--check-concurrency", f.check.concurrency, "Public checks running at once")
      ->check(CLI::PositiveNumber)
      ->default_str("4");
  add_check_options(*cmd, args->check);
  cmd->callback([cmd, args, &status] { status = run_serve(*cmd, *args); });
}

}  // namespace webshield::cli
