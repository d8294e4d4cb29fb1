#include "net/guarded.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "net/address_guard.hpp"

namespace webshield::net {
namespace {

constexpr std::string_view kPublicOnly = "the public check connects to public addresses only";
constexpr std::size_t kNamed = 4;  // refused addresses named in one message

// "not connecting to 127.0.0.1: loopback (127.0.0.0/8), ::1: loopback (::1/128)"
std::string not_connecting(const std::vector<std::pair<std::string, Refusal>>& refused) {
  std::string out = "not connecting to ";
  for (std::size_t i = 0; i < refused.size() && i < kNamed; ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{}: {}", refused[i].first, to_string(refused[i].second));
  }
  if (refused.size() > kNamed) out += fmt::format(" and {} more", refused.size() - kNamed);
  return out;
}

}  // namespace

asio::awaitable<HttpsResponse> GuardedHttpsClient::fetch(HttpsRequest request) {
  std::vector<std::string> kept;
  std::vector<std::pair<std::string, Refusal>> refused;
  for (std::string& address : request.addresses) {
    if (auto refusal = special_purpose(address)) {
      refused.emplace_back(std::move(address), std::move(*refusal));
    } else {
      kept.push_back(std::move(address));
    }
  }
  if (kept.empty()) {
    HttpsResponse response;
    response.failure = HttpsFailure::unreachable;
    response.error = refused.empty() ? fmt::format("no address of {} to connect to", request.host)
                                     : fmt::format("{}; {}", not_connecting(refused), kPublicOnly);
    co_return response;
  }
  request.addresses = std::move(kept);
  HttpsResponse response = co_await inner_.fetch(std::move(request));
  if (response.failure != HttpsFailure::none && !refused.empty()) {
    response.error += fmt::format(" ({}; {})", not_connecting(refused), kPublicOnly);
  }
  co_return response;
}

asio::awaitable<SmtpProbeResult> GuardedSmtpProber::probe(SmtpProbeRequest request) {
  if (auto refusal = special_purpose(request.address)) {
    SmtpProbeResult result;
    result.refused = true;
    result.error = fmt::format("{}; {}", not_connecting({{request.address, std::move(*refusal)}}),
                               kPublicOnly);
    co_return result;
  }
  SmtpProbeResult result = co_await inner_.probe(std::move(request));
  co_return result;
}

}  // namespace webshield::net
