// The public check behind `GET /api/v1/check?domain=D`: anyone may ask, so it is bounded.
// Requests per client address are rate-limited, at most `concurrency` checks run at once (the
// rest answer 503), and results are cached for `cache_seconds`. The checker it is given must
// refuse special-purpose addresses (net/guarded.hpp) unless the operator allowed them.
// Untrusted input: the domain text.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "check/check.hpp"
#include "server/config.hpp"
#include "server/http.hpp"
#include "server/metrics.hpp"
#include "server/rate_limiter.hpp"

namespace webshield::server {

class CheckService {
 public:
  using Clock = std::chrono::steady_clock;

  CheckService(check::Checker& checker, const CheckConfig& config, Metrics& metrics);

  // 200 with the `check --json` object, or the error answer.
  asio::awaitable<Response> check(std::string domain_text, std::string client);

  // 200 with the live probe of one MX host (check/mx_probe.hpp), or the error answer. For
  // signed-in users only (the caller checks): not rate-limited, never cached, but it counts
  // against `concurrency` with the checks, and connects through the same address guard.
  asio::awaitable<Response> probe(std::string host_text);

 private:
  struct Cached {
    std::string json;
    Clock::time_point expires;
  };

  check::Checker& checker_;
  const CheckConfig& config_;
  Metrics& metrics_;
  RateLimiter limiter_;
  std::size_t running_ = 0;
  std::map<std::string, Cached> cache_;
};

}  // namespace webshield::server
