#include "net/smtp_probe.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl.hpp>

#include "core/ascii.hpp"
#include "net/smtp_reply.hpp"

namespace webshield::net {
namespace {

namespace ssl = asio::ssl;
using asio::ip::tcp;

constexpr std::size_t kMaxLine = 1000;  // RFC 5321 §4.5.3.1.5: reply lines of 512 octets
constexpr std::size_t kMaxLines = 100;  // lines in one multi-line reply
constexpr std::string_view kEhloName = "webshield.invalid";

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // text after the code and separator
};

// Reads one SMTP reply (RFC 5321 §4.2: "250-…" lines up to "250 …").
template <class Stream>
asio::awaitable<std::optional<Reply>> read_reply(Stream& stream, std::string& buffer) {
  Reply reply;
  for (std::size_t n = 0; n < kMaxLines; ++n) {
    const std::size_t end = co_await asio::async_read_until(
        stream, asio::dynamic_buffer(buffer, kMaxLine + 2), "\r\n", asio::use_awaitable);
    const std::string line = buffer.substr(0, end - 2);
    buffer.erase(0, end);
    auto parsed = parse_reply_line(line);
    if (!parsed) co_return std::nullopt;
    if (n > 0 && parsed->code != reply.code) co_return std::nullopt;  // RFC 5321 §4.2.1
    reply.code = parsed->code;
    reply.lines.emplace_back(parsed->text);
    if (parsed->last) co_return reply;
  }
  co_return std::nullopt;
}

ssl::context make_context(const std::optional<std::string>& ca_file, bool legacy) {
  ssl::context ctx(ssl::context::tls_client);
  if (ca_file) {
    ctx.load_verify_file(*ca_file);
  } else {
    ctx.set_default_verify_paths();
  }
  SSL_CTX* native = ctx.native_handle();
  if (legacy) {
    // Only to learn whether an old protocol works at all: Debian's OpenSSL otherwise refuses
    // anything below TLS 1.2.
    SSL_CTX_set_security_level(native, 0);
    SSL_CTX_set_min_proto_version(native, TLS1_VERSION);
    SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
  } else {
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  }
  return ctx;
}

// One connection: banner, EHLO, STARTTLS, handshake. Returns false when the dialogue broke.
asio::awaitable<bool> attempt(const SmtpProbeRequest& request,
                              const std::optional<std::string>& ca_file, bool legacy,
                              SmtpProbeResult& result) {
  auto ex = co_await asio::this_coro::executor;
  ssl::context ctx = make_context(ca_file, legacy);
  ssl::stream<tcp::socket> stream(ex, ctx);
  asio::steady_timer deadline(ex, request.timeout);
  deadline.async_wait([&stream](boost::system::error_code ec) {
    if (!ec) stream.lowest_layer().close();
  });
  std::string buffer;
  const std::string stage_connect = "connect";
  std::string stage = stage_connect;
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(request.address), request.port);
    co_await stream.lowest_layer().async_connect(endpoint, asio::use_awaitable);
    stage = "banner";
    auto banner = co_await read_reply(stream.next_layer(), buffer);
    if (!banner || banner->code != 220) {
      result.error = "no 220 banner";
      co_return false;
    }
    result.connected = true;
    stage = "EHLO";
    co_await asio::async_write(stream.next_layer(),
                               asio::buffer(fmt::format("EHLO {}\r\n", kEhloName)),
                               asio::use_awaitable);
    auto ehlo = co_await read_reply(stream.next_layer(), buffer);
    if (!ehlo || ehlo->code != 250) {
      result.error = "EHLO refused";
      co_return false;
    }
    result.starttls_offered = std::ranges::any_of(ehlo->lines, [](const std::string& l) {
      return ascii::iequals(ascii::trim_wsp(l), "STARTTLS");
    });
    stage = "STARTTLS";
    co_await asio::async_write(stream.next_layer(), asio::buffer(std::string("STARTTLS\r\n")),
                               asio::use_awaitable);
    auto starttls = co_await read_reply(stream.next_layer(), buffer);
    if (!starttls || starttls->code != 220) {
      result.starttls_reply =
          starttls ? fmt::format("{} {}", starttls->code,
                                 starttls->lines.empty() ? "" : starttls->lines.front())
                   : "no reply";
      co_return true;
    }
    result.starttls_accepted = true;

    stage = "TLS handshake";
    SSL* ssl = stream.native_handle();
    // SNI = MX name (RFC 8461 §4.2); SSL_set_tlsext_host_name is a macro with a C cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(request.host.c_str()));
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(
        param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    X509_VERIFY_PARAM_set1_host(param, request.host.c_str(), request.host.size());
    // Keep going whatever the chain: the verdict is read afterwards, as a sender would judge.
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    result.tls_version = SSL_get_version(ssl);
    result.verify_result = SSL_get_verify_result(ssl);
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
      for (int i = 0; i < sk_X509_num(chain); ++i) {
        unsigned char* der = nullptr;
        const int len = i2d_X509(sk_X509_value(chain, i), &der);
        if (len > 0)
          result.chain.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
        OPENSSL_free(der);
      }
    }
    if (legacy) {
      result.old_tls_only = true;
    } else {
      result.handshake = true;
    }
    // Polite end; failures here do not matter.
    boost::system::error_code ignored;
    co_await asio::async_write(stream, asio::buffer(std::string("QUIT\r\n")),
                               asio::redirect_error(asio::use_awaitable, ignored));
  } catch (const boost::system::system_error& e) {
    result.error = fmt::format("{}: {}", stage, e.code().message());
    co_return stage != stage_connect&& result.connected;
  }
  deadline.cancel();
  co_return true;
}

}  // namespace

asio::awaitable<SmtpProbeResult> AsioSmtpProber::probe(SmtpProbeRequest request) {
  SmtpProbeResult result;
  const bool completed = co_await attempt(request, ca_file_, false, result);
  if (completed && result.starttls_accepted && !result.handshake && result.connected) {
    // The handshake failed: would it work with an old protocol?
    SmtpProbeResult legacy;
    co_await attempt(request, ca_file_, true, legacy);
    if (legacy.old_tls_only) {
      legacy.error = result.error;
      result = std::move(legacy);
    }
  }
  co_return result;
}

}  // namespace webshield::net
