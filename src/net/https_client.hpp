// HTTPS requests for the check: the MTA-STS policy fetch of RFC 8461 §3.3 (no redirects,
// TLS 1.2 or later, DNS-ID certificate check with SNI, a size cap) and harmless requests to
// TLS-RPT endpoints. Addresses come from our own resolver (CURLOPT_RESOLVE), never the system's.
// Untrusted input: everything the server sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/asio.hpp"

namespace webshield::net {

struct HttpsRequest {
  std::string host;  // for SNI, the certificate check and the Host header
  std::uint16_t port = 443;
  std::string path = "/";
  std::vector<std::string> addresses;  // where to connect, from our resolver
  std::string method = "GET";          // GET, HEAD or OPTIONS
  std::size_t max_body = 64 * 1024;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// Why a request got no HTTP answer.
enum class HttpsFailure {
  none,
  unreachable,     // connection refused or timed out
  tls,             // handshake failed (including TLS below 1.2)
  cert_expired,    // expired or not yet valid
  cert_untrusted,  // no chain to a trusted root
  cert_name,       // certificate not valid for the host name
  too_large,       // body over max_body
  other,
};

struct HttpsResponse {
  HttpsFailure failure = HttpsFailure::none;
  std::string error;  // libcurl's or OpenSSL's explanation
  long status = 0;
  std::string content_type;
  std::string location;  // of a redirect, not followed
  std::string body;
};

class HttpsClient {
 public:
  virtual ~HttpsClient() = default;
  virtual asio::awaitable<HttpsResponse> fetch(HttpsRequest request) = 0;
};

// libcurl, one blocking transfer per worker thread of a small pool; results come back on the
// caller's executor.
class CurlHttpsClient final : public HttpsClient {
 public:
  // `ca_file`: trust only this bundle instead of the system store.
  explicit CurlHttpsClient(std::optional<std::string> ca_file, std::size_t threads = 8);
  ~CurlHttpsClient() override;

  asio::awaitable<HttpsResponse> fetch(HttpsRequest request) override;

 private:
  std::optional<std::string> ca_file_;
  asio::thread_pool pool_;
};

}  // namespace webshield::net
