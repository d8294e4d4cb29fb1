// The STARTTLS probe of an MX host (RFC 3207, RFC 8461 §4.2, RFC 7672 §3): banner, EHLO,
// STARTTLS, a TLS handshake with SNI set to the MX name, and what a sender would learn from it
// (protocol version, certificate chain and its verification result). Nothing is sent after the
// handshake but QUIT. Untrusted input: every byte the server sends, bounded per line and reply.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/asio.hpp"

namespace webshield::net {

struct SmtpProbeRequest {
  std::string host;     // the MX name: SNI and the certificate's expected DNS-ID
  std::string address;  // where to connect
  std::uint16_t port = 25;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // for the whole dialogue
};

struct SmtpProbeResult {
  bool connected = false;          // TCP connection and a 220 banner
  bool refused = false;            // not tried: the address guard refused it (guarded.hpp)
  bool starttls_offered = false;   // STARTTLS in the EHLO reply
  bool starttls_accepted = false;  // 220 to STARTTLS
  std::string starttls_reply;      // the server's reply when it refused
  bool handshake = false;          // a TLS session came up with TLS 1.2 or later
  bool old_tls_only = false;       // a session came up only when TLS 1.0/1.1 was allowed
  std::string tls_version;         // "TLSv1.3", …
  long verify_result = -1;         // OpenSSL X509_V_* code; 0 is a valid chain and name
  std::vector<std::string> chain;  // DER certificates, the server's first
  std::string error;               // what went wrong, for messages
};

class SmtpProber {
 public:
  virtual ~SmtpProber() = default;
  virtual asio::awaitable<SmtpProbeResult> probe(SmtpProbeRequest request) = 0;
};

class AsioSmtpProber final : public SmtpProber {
 public:
  // `ca_file`: trust only this bundle instead of the system store.
  explicit AsioSmtpProber(std::optional<std::string> ca_file) : ca_file_(std::move(ca_file)) {}
  asio::awaitable<SmtpProbeResult> probe(SmtpProbeRequest request) override;

 private:
  std::optional<std::string> ca_file_;
};

}  // namespace webshield::net
