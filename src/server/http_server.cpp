// The HTTP/1.1 wire with Boost.Beast: accepting, TLS, reading heads and bodies under limits and
// timeouts, writing answers, and the graceful stop. The only file that includes Beast.
#include "server/http_server.hpp"

// clang-format off
#include "net/asio.hpp"
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <charconv>
#include <limits>
#include <list>

#include "core/ascii.hpp"

namespace webshield::server {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

Result<tcp::endpoint> parse_listen(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("expected ADDRESS:PORT, e.g. 127.0.0.1:8480");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535)
    return fail("the port must be a number from 0 to 65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "::";
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(std::string(host), bad);
  if (bad) return fail("'" + std::string(host) + "' is not an IP address");
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

namespace {

// One client connection, as the stop sees it.
struct Connection {
  tcp::socket* socket = nullptr;
  bool busy = false;  // a request is being read, handled or answered
};

// The read deadline of a connection. Beast's own stream timeout closes the socket, which leaves
// no way to answer 408; this one only cancels the read, and the session answers. A generation
// number keeps a late expiry of an earlier arming from cancelling a later read.
class Deadline {
 public:
  Deadline(asio::io_context& io, tcp::socket& socket)
      : state_(std::make_shared<State>(State{asio::steady_timer(io), &socket})) {}
  ~Deadline() { disarm(); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void arm(std::chrono::seconds after) {
    State& s = *state_;
    s.fired = false;
    const unsigned generation = ++s.generation;
    s.timer.expires_after(after);
    s.timer.async_wait([state = state_, generation](boost::system::error_code ec) {
      if (ec || state->generation != generation) return;
      state->fired = true;
      boost::system::error_code ignored;
      state->socket->cancel(ignored);
    });
  }
  void disarm() {
    ++state_->generation;
    state_->timer.cancel();
  }
  bool fired() const { return state_->fired; }

 private:
  struct State {
    asio::steady_timer timer;
    tcp::socket* socket;
    unsigned generation = 0;
    bool fired = false;
  };
  std::shared_ptr<State> state_;
};

template <class Stream>
beast::tcp_stream& lowest(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

bool has_body(const http::request_parser<http::string_body>& parser) {
  return parser.chunked() || parser.content_length().value_or(0) > 0;
}

RequestHead head_of(const http::request_parser<http::string_body>& parser, const std::string& peer,
                    bool tls, bool trust_forwarded_for) {
  const auto& req = parser.get();
  RequestHead head;
  head.method = std::string(req.method_string());
  const auto beast_target = req.target();
  const std::string_view target(beast_target.data(), beast_target.size());
  const std::size_t q = target.find('?');
  head.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) head.query = std::string(target.substr(q + 1));
  for (const auto& f : req)
    head.fields.emplace_back(
        ascii::lower(std::string_view(f.name_string().data(), f.name_string().size())),
        std::string(f.value()));
  head.client = peer;
  if (trust_forwarded_for) {
    if (auto forwarded = head.field("x-forwarded-for")) {
      if (auto client = forwarded_client(*forwarded)) head.client = std::move(*client);
    }
  }
  head.tls = tls;
  return head;
}

http::response<http::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                           bool head_only) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "webshield");
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.fields)
    res.insert(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (head_only) res.body().clear();  // Content-Length stays that of the GET
  return res;
}

}  // namespace

struct HttpServer::Impl {
  asio::io_context& io;
  const ServerOptions& options;
  Handler& handler;
  Metrics& metrics;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
  std::list<Connection> connections;
  bool stopping = false;
  std::function<void()> on_drained;
  asio::steady_timer grace_timer;

  Impl(asio::io_context& io_, const ServerOptions& options_, Handler& handler_, Metrics& metrics_)
      : io(io_),
        options(options_),
        handler(handler_),
        metrics(metrics_),
        acceptor(io_),
        grace_timer(io_) {}

  Result<void> load_tls() {
    tls.emplace(asio::ssl::context::tls_server);
    SSL_CTX* ctx = tls->native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_use_certificate_chain_file(ctx, options.tls_cert->c_str()) != 1)
      return fail("cannot read the certificate chain " + *options.tls_cert);
    if (SSL_CTX_use_PrivateKey_file(ctx, options.tls_key->c_str(), SSL_FILETYPE_PEM) != 1)
      return fail("cannot read the private key " + *options.tls_key);
    if (SSL_CTX_check_private_key(ctx) != 1)
      return fail("the private key does not belong to the certificate");
    return {};
  }

  void drained_maybe() {
    if (!stopping || !connections.empty() || !on_drained) return;
    grace_timer.cancel();
    auto done = std::move(on_drained);
    on_drained = nullptr;
    done();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (stopping) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors and the like: wait a little instead of spinning.
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (connections.size() >= options.max_connections) {
        socket.close(ec);
        continue;
      }
      asio::co_spawn(io, connection(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> connection(tcp::socket socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) co_return;
    std::string peer = remote.address().to_string();
    if (remote.address().is_v6() && remote.address().to_v6().is_v4_mapped())
      peer = asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string();
    socket.set_option(tcp::no_delay(true), ec);
    auto it = connections.insert(connections.end(), Connection{});
    metrics.connections(1);
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      it->socket = &lowest(stream).socket();
      lowest(stream).expires_after(options.header_timeout);
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        co_await serve(stream, *it, peer, true);
        lowest(stream).expires_after(std::chrono::seconds(5));
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    } else {
      beast::tcp_stream stream(std::move(socket));
      it->socket = &stream.socket();
      co_await serve(stream, *it, peer, false);
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    connections.erase(it);
    metrics.connections(-1);
    drained_maybe();
  }

  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, Response response, unsigned version, bool keep_alive,
                              bool head_only, std::string_view route, Clock::time_point started) {
    const int status = response.status;
    auto res = to_beast(std::move(response), version, keep_alive, head_only);
    boost::system::error_code ec;
    lowest(stream).expires_after(options.write_timeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    metrics.request(route, status, Clock::now() - started);
    co_return !ec;
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, Connection& conn, const std::string& peer,
                              bool is_tls) {
    beast::flat_buffer buffer;
    Deadline deadline(io, lowest(stream).socket());
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_bytes));
      // The handler's limit is set once the head is read. (Not boost::none: Beast 1.74 compares
      // a Content-Length with an empty optional as larger and refuses every body.)
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      conn.busy = false;
      if (stopping) co_return;
      boost::system::error_code ec;
      lowest(stream).expires_never();
      deadline.arm(options.header_timeout);
      co_await http::async_read_header(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      deadline.disarm();
      const auto started = Clock::now();
      if (ec) {
        // A closed or idle connection ends quietly; a broken or slow request gets an answer.
        const bool slow = deadline.fired();
        if (ec == http::error::end_of_stream || buffer.size() == 0 || stopping
            || (ec == asio::error::operation_aborted && !slow))
          co_return;
        const bool large = ec == http::error::header_limit;
        Response r = slow    ? error_response(408, "the request head took too long")
                     : large ? error_response(431, "the request head is too large")
                             : error_response(400, "malformed HTTP request: " + ec.message());
        co_await write(stream, std::move(r), 11, false, false, "http", started);
        co_return;
      }
      conn.busy = true;
      const unsigned version = parser.get().version();
      const bool head_only = parser.get().method() == http::verb::head;
      RequestHead head = head_of(parser, peer, is_tls, options.trust_forwarded_for);
      const std::string_view route = handler.route_of(head);
      auto decision = handler.on_head(head);
      Response response;
      if (auto* early = std::get_if<Response>(&decision)) {
        response = std::move(*early);
        if (has_body(parser)) response.close = true;  // the body was not read
      } else {
        const std::size_t limit = std::get<std::size_t>(decision);
        const auto declared = parser.content_length();
        if (declared && *declared > limit) {
          response = error_response(413, fmt::format("the body of {} bytes is over the limit of "
                                                     "{} bytes for this request",
                                                     *declared, limit));
          response.close = true;
        } else {
          if (auto expect = head.field("expect");
              expect && ascii::iequals(*expect, "100-continue")) {
            http::response<http::empty_body> go_on{http::status::continue_, version};
            lowest(stream).expires_after(options.write_timeout);
            co_await http::async_write(stream, go_on,
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
          }
          parser.body_limit(limit);
          lowest(stream).expires_never();
          deadline.arm(options.body_timeout);
          co_await http::async_read(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
          deadline.disarm();
          if (ec == http::error::body_limit) {
            response = error_response(413, fmt::format("the body is over the limit of {} bytes "
                                                       "for this request",
                                                       limit));
            response.close = true;
          } else if (deadline.fired()) {
            response = error_response(408, "the request body took too long");
            response.close = true;
          } else if (ec) {
            if (ec == http::error::end_of_stream || ec == http::error::partial_message) co_return;
            response = error_response(400, "malformed HTTP request: " + ec.message());
            response.close = true;
          } else {
            Request request{std::move(head), std::move(parser.get().body())};
            response = co_await handler.handle(std::move(request));
          }
        }
      }
      const bool keep_alive = parser.get().keep_alive() && !response.close && !stopping;
      if (!co_await write(stream, std::move(response), version, keep_alive, head_only, route,
                          started))
        co_return;
      if (!keep_alive) co_return;
    }
  }
};

HttpServer::HttpServer(asio::io_context& io, ServerOptions options, Handler& handler,
                       Metrics& metrics)
    : options_(std::move(options)) {
  impl_ = std::make_unique<Impl>(io, options_, handler, metrics);
}

HttpServer::~HttpServer() = default;

Result<tcp::endpoint> HttpServer::listen() {
  auto endpoint = parse_listen(options_.listen);
  if (!endpoint) return endpoint;
  if (options_.tls_cert.has_value() != options_.tls_key.has_value())
    return fail("--tls-cert and --tls-key go together");
  if (options_.tls_cert) {
    if (auto loaded = impl_->load_tls(); !loaded) return std::unexpected(loaded.error());
  }
  boost::system::error_code ec;
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && endpoint->address().is_v6()) acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(fmt::format("cannot listen on {}: {}", options_.listen, ec.message()));
  return acceptor.local_endpoint();
}

void HttpServer::start() {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
}

void HttpServer::shutdown(std::chrono::seconds grace, std::function<void()> done) {
  Impl& s = *impl_;
  s.stopping = true;
  s.on_drained = std::move(done);
  boost::system::error_code ec;
  s.acceptor.close(ec);
  for (Connection& c : s.connections)
    if (!c.busy && c.socket != nullptr) c.socket->cancel(ec);
  s.grace_timer.expires_after(grace);
  s.grace_timer.async_wait([&s](boost::system::error_code wait) {
    if (wait) return;
    boost::system::error_code ignored;
    for (Connection& c : s.connections)
      if (c.socket != nullptr) c.socket->close(ignored);
  });
  s.drained_maybe();
}

}  // namespace webshield::server
