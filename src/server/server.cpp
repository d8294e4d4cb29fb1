// Start-up, the main loop and the graceful stop of `webshield serve`.
#include "server/server.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "server/alert_service.hpp"
#include "server/auth.hpp"
#include "server/check_service.hpp"
#include "server/http_server.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "server/report_reader.hpp"
#include "server/routes.hpp"
#include "server/store_threads.hpp"
#include "store/store.hpp"

namespace webshield::server {
namespace {

constexpr auto kGrace = std::chrono::seconds(25);

Result<std::vector<Credential>> read_auth_file(const std::string& path, Log& log) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read the auth file " + path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    log.warning("the auth file can be read by others: chmod 600 it", {{"file", path}});
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_auth_file(text.str());
  if (!parsed) return fail(parsed.error().message, path + ": " + parsed.error().where);
  if (parsed->empty()) return fail("the auth file " + path + " has no user or token");
  return parsed;
}

std::string url_of(const asio::ip::tcp::endpoint& at, bool tls) {
  auto address = at.address();
  std::string host;
  if (address.is_unspecified()) {
    host = "127.0.0.1";
  } else if (address.is_v6()) {
    host = "[" + address.to_string() + "]";
  } else {
    host = address.to_string();
  }
  return fmt::format("{}://{}:{}", tls ? "https" : "http", host, at.port());
}

}  // namespace

int serve(const ServeConfig& config, const Limits& limits, asio::io_context& io,
          check::Checker* checker, const analyze::AlertConfig* alerts,
          check::Checker* posture_checker) {
  Log log(config.log_format == "json" ? Log::Format::json : Log::Format::text);
  const std::string url = config.database.empty() ? store::default_url() : config.database;
  {
    // Opened once here, so that migrations run and a wrong URL stops the start.
    auto opened = store::open(url);
    if (!opened) {
      log.error("cannot open the database",
                {{"database", store::redact_url(url)}, {"error", opened.error().describe()}});
      return 1;
    }
  }

  std::vector<Credential> credentials;
  std::string startup_token;
  if (!config.auth_file.empty()) {
    auto read = read_auth_file(config.auth_file, log);
    if (!read) {
      log.error("cannot use the auth file", {{"error", read.error().describe()}});
      return 1;
    }
    credentials = std::move(*read);
  } else {
    startup_token = random_token();
    credentials.push_back(token_credential("start-up token", startup_token));
  }
  Authenticator auth(std::move(credentials));

  Metrics metrics;
  Committer committer(url, metrics);
  StoreReaders readers(url, 2, metrics);
  ThreadReportReader reader(limits, 2);
  std::optional<CheckService> check;
  if (checker != nullptr) check.emplace(*checker, config.check, metrics);
  const analyze::AlertConfig alert_config = alerts != nullptr ? *alerts : analyze::AlertConfig{};
  auto notifiers = analyze::make_notifiers(alert_config);
  if (!notifiers) {
    log.error("cannot set up the alert notifications", {{"error", notifiers.error().describe()}});
    return 1;
  }
  AlertService alert_service(io, readers, log, alert_config, std::move(*notifiers),
                             posture_checker);
  Routes routes(Services{config, limits, metrics, log, committer, readers, reader, auth,
                         check ? &*check : nullptr, &alert_service});

  ServerOptions options;
  options.listen = config.listen;
  if (!config.tls_cert.empty()) options.tls_cert = config.tls_cert;
  if (!config.tls_key.empty()) options.tls_key = config.tls_key;
  options.trust_forwarded_for = config.trust_forwarded_for;
  options.header_timeout = std::chrono::seconds(config.header_timeout);
  options.body_timeout = std::chrono::seconds(config.body_timeout);
  HttpServer http(io, options, routes, metrics);
  auto at = http.listen();
  if (!at) {
    log.error("cannot start", {{"error", at.error().describe()}});
    return 1;
  }
  const std::string base = url_of(*at, http.tls());
  if (config.log_format == "json") {
    log.info("serving", {{"url", base},
                         {"reports", base + config.report_path},
                         {"database", store::redact_url(url)}});
  } else {
    std::cerr << fmt::format("webshield: serving on {} (reports to {}{}, database {})\n", base,
                             base, config.report_path, store::redact_url(url));
  }
  if (!startup_token.empty()) {
    std::cerr << fmt::format(
        "webshield: dashboard {}/#token={} (no auth file: this token works until the server "
        "stops)\n",
        base, startup_token);
  }
  http.start();
  alert_service.start();

  asio::signal_set signals(io, SIGTERM, SIGINT);
  bool stopping = false;
  std::function<void(boost::system::error_code, int)> on_signal;
  on_signal = [&](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (stopping) {
      log.warning("stopping now", {{"signal", std::to_string(signal)}});
      io.stop();
      return;
    }
    stopping = true;
    alert_service.stop();
    log.info("stopping: finishing the requests in progress", {{"signal", std::to_string(signal)}});
    http.shutdown(kGrace, [&] {
      log.info("stopped");
      io.stop();
    });
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  io.run();
  return 0;
}

}  // namespace webshield::server
