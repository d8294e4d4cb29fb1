// The HTTP/1.1 server (Boost.Beast): plain HTTP, or HTTPS with TLS 1.2 or later when given a
// certificate. It reads a request head within `header_timeout` and its body within
// `body_timeout` (slow clients get 408), caps the head at Limits::http_header_bytes and the
// body at what the handler allows for that request (413 before reading a larger declared
// body), answers `Expect: 100-continue`, keeps connections alive, and bounds the number of
// connections.
//
// SECURITY: every byte from clients is untrusted. Beast parses the wire; the handler sees
// only RequestHead/Request (server/http.hpp) after the limits above. Nothing here needs
// privileges after the listening socket is bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "core/result.hpp"
#include "net/asio.hpp"
#include "server/http.hpp"
#include "server/metrics.hpp"

namespace webshield::server {

class Handler {
 public:
  virtual ~Handler() = default;
  // After the head: an answer at once (the body is not read), or the most body bytes the
  // request may carry.
  virtual std::variant<Response, std::size_t> on_head(const RequestHead& head) = 0;
  virtual asio::awaitable<Response> handle(Request request) = 0;
  // The metrics label of a request's route ("report", "api", …).
  virtual std::string_view route_of(const RequestHead& head) const = 0;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8480";  // ADDR:PORT, [IPv6]:PORT; port 0 picks one
  std::optional<std::string> tls_cert;    // PEM chain
  std::optional<std::string> tls_key;
  std::size_t header_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{60};
  std::chrono::seconds write_timeout{60};
  std::size_t max_connections = 1000;
  bool trust_forwarded_for = false;  // take the client from X-Forwarded-For (behind a proxy)
};

// "127.0.0.1:8480", "[::1]:8480", ":8480" (all addresses).
Result<asio::ip::tcp::endpoint> parse_listen(std::string_view text);

class HttpServer {
 public:
  HttpServer(asio::io_context& io, ServerOptions options, Handler& handler, Metrics& metrics);
  ~HttpServer();

  // Binds and listens (and loads the certificate); returns where.
  Result<asio::ip::tcp::endpoint> listen();
  void start();
  // Stops accepting, lets requests in progress finish within `grace` and closes idle
  // connections; `done` runs once every connection is closed.
  void shutdown(std::chrono::seconds grace, std::function<void()> done);

  bool tls() const { return options_.tls_cert.has_value(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ServerOptions options_;
};

}  // namespace webshield::server
