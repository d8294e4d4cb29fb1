// What `webshield serve` answers (docs/serve.md): the report endpoint of RFC 8460 §5.4, the
// JSON API, sign-in, /healthz, /metrics and the dashboard's pages.
//
// SECURITY: the report endpoint, the public check, sign-in, /healthz and the pages are open;
// everything else needs a session cookie (HttpOnly, SameSite=Strict) or a bearer token of the
// auth file. Reports are read only under Limits (report_reader.hpp) and answered 2xx only
// after their commit; sign-in and the check are rate-limited per client address.
#pragma once

#include <chrono>
#include <set>
#include <string>

#include "core/limits.hpp"
#include "server/alert_service.hpp"
#include "server/auth.hpp"
#include "server/check_service.hpp"
#include "server/config.hpp"
#include "server/http_server.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "server/rate_limiter.hpp"
#include "server/report_reader.hpp"
#include "server/store_threads.hpp"

namespace webshield::server {

struct Services {
  const ServeConfig& config;
  const Limits& limits;
  Metrics& metrics;
  Log& log;
  Committer& committer;
  StoreReaders& readers;
  ReportReader& reader;
  Authenticator& auth;
  CheckService* check = nullptr;   // nullptr: the public check is off
  AlertService* alerts = nullptr;  // told about stored reports; nullptr: no alert rules
};

class Routes final : public Handler {
 public:
  explicit Routes(Services services);
  ~Routes() override;

  std::variant<Response, std::size_t> on_head(const RequestHead& head) override;
  asio::awaitable<Response> handle(Request request) override;
  std::string_view route_of(const RequestHead& head) const override;

 private:
  asio::awaitable<Response> post_report(Request request);
  asio::awaitable<Response> sign_in(Request request);
  asio::awaitable<Response> api(const RequestHead& head, const std::string& user);
  asio::awaitable<Response> probe(const RequestHead& head);
  asio::awaitable<Response> healthz();
  Response page(const RequestHead& head) const;
  // The signed-in user (bearer token or session cookie), or none; a database error when the
  // session cannot be looked up.
  asio::awaitable<Result<std::optional<std::string>>> user_of(const RequestHead& head);
  asio::awaitable<Response> sign_out(const RequestHead& head);
  bool served(const report::Report& report) const;

  Services s_;
  std::set<std::string> domains_;  // lower case, no final dot
  RateLimiter report_limiter_;
  RateLimiter sign_in_limiter_;
  Sessions sessions_;
  asio::thread_pool hashing_;  // PBKDF2 runs here, not on the event loop
};

}  // namespace webshield::server
