// Decorators for the public check of `webshield serve` (docs/serve.md): an HTTPS client and an
// SMTP prober that connect only to public addresses (address_guard.hpp), so that a domain whose
// names point at 127.0.0.1, 10.0.0.5 or fe80::1 cannot make the server talk to its own network.
//
// SECURITY: the addresses come from the resolver and are controlled by whoever publishes the
// domain. A refused address is dropped before the inner client sees it; with none left, the
// answer is a failure that says why, and nothing connects. A request without addresses is
// refused too: the inner client would otherwise fall back to the system resolver.
#pragma once

#include "net/https_client.hpp"
#include "net/smtp_probe.hpp"

namespace webshield::net {

class GuardedHttpsClient final : public HttpsClient {
 public:
  explicit GuardedHttpsClient(HttpsClient& inner) : inner_(inner) {}
  asio::awaitable<HttpsResponse> fetch(HttpsRequest request) override;

 private:
  HttpsClient& inner_;
};

class GuardedSmtpProber final : public SmtpProber {
 public:
  explicit GuardedSmtpProber(SmtpProber& inner) : inner_(inner) {}
  asio::awaitable<SmtpProbeResult> probe(SmtpProbeRequest request) override;

 private:
  SmtpProber& inner_;
};

}  // namespace webshield::net
