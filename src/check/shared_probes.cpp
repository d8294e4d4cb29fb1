#include "check/shared_probes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace webshield::check {

asio::awaitable<net::HttpsResponse> SharedHttpsClient::fetch(net::HttpsRequest request) {
  std::vector<std::string> addresses = request.addresses;
  std::ranges::sort(addresses);
  const std::string key = fmt::format("{} {}:{}{} [{}]", request.method, request.host, request.port,
                                      request.path, fmt::join(addresses, ","));
  auto ex = co_await asio::this_coro::executor;
  Task<net::HttpsResponse> task = memory_.get(
      key, [&] { return Task<net::HttpsResponse>(ex, inner_.fetch(std::move(request))); });
  co_return co_await task.get();
}

asio::awaitable<net::SmtpProbeResult> SharedSmtpProber::probe(net::SmtpProbeRequest request) {
  const std::string key = fmt::format("{} {}:{}", request.host, request.address, request.port);
  auto ex = co_await asio::this_coro::executor;
  Task<net::SmtpProbeResult> task = memory_.get(
      key, [&] { return Task<net::SmtpProbeResult>(ex, inner_.probe(std::move(request))); });
  co_return co_await task.get();
}

}  // namespace webshield::check
