// The public check: validation, rate limit, cache and concurrency bound around the checker.
#include "server/check_service.hpp"

#include <fmt/format.h>

#include "check/render.hpp"
#include "core/domain_name.hpp"

namespace webshield::server {
namespace {

constexpr std::size_t kMaxCached = 10'000;

}  // namespace

CheckService::CheckService(check::Checker& checker, const CheckConfig& config, Metrics& metrics)
    : checker_(checker), config_(config), metrics_(metrics), limiter_(config.checks_per_minute) {}

asio::awaitable<Response> CheckService::check(std::string domain_text, std::string client) {
  auto domain = DomainName::parse(domain_text);
  if (!domain || domain->labels().size() < 2) {
    metrics_.check("invalid");
    co_return error_response(
        400, "not a domain name: "
                 + (domain ? "a domain has at least two labels" : domain.error().describe()));
  }
  const auto now = Clock::now();
  const std::string key = client_key(client);
  if (!limiter_.allow(key, now)) {
    metrics_.check("rate_limited");
    Response r = error_response(429, "too many checks from your address: try again later");
    r.fields.emplace_back("Retry-After", std::to_string(limiter_.retry_after(key, now)));
    co_return r;
  }
  if (auto it = cache_.find(domain->ascii()); it != cache_.end() && it->second.expires > now) {
    metrics_.check("cached");
    co_return json_response(200, it->second.json);
  }
  if (running_ >= config_.concurrency) {
    metrics_.check("busy");
    Response r = error_response(503, "too many checks are running: try again in a few seconds");
    r.fields.emplace_back("Retry-After", "5");
    co_return r;
  }
  ++running_;
  metrics_.check("run");
  check::CheckResult result = co_await checker_.check(*domain);
  --running_;
  std::string json =
      check::to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (cache_.size() >= kMaxCached) {
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (cache_.size() >= kMaxCached) cache_.clear();
  }
  cache_[domain->ascii()] =
      Cached{json, Clock::now() + std::chrono::seconds(config_.cache_seconds)};
  co_return json_response(200, std::move(json));
}

asio::awaitable<Response> CheckService::probe(std::string host_text) {
  auto host = DomainName::parse(host_text);
  if (!host || host->labels().size() < 2) {
    co_return error_response(
        400, "not an MX host name: "
                 + (host ? "a host name has at least two labels" : host.error().describe()));
  }
  if (running_ >= config_.concurrency) {
    Response r = error_response(503, "too many checks are running: try again in a few seconds");
    r.fields.emplace_back("Retry-After", "5");
    co_return r;
  }
  ++running_;
  check::MxProbe result = co_await checker_.probe_mx(*host);
  --running_;
  co_return json_response(
      200, check::to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace webshield::server
