// The live check of one domain (RFC 8460 §3, RFC 8461 §3-§5, RFC 7672): DNS lookups and
// probes run concurrently on one event loop, and every rule of docs/findings.md that needs the
// network is judged here; the text rules come from records/. Untrusted input: everything the
// network returns.
#pragma once

#include <chrono>
#include <cstdint>

#include "check/mx_probe.hpp"
#include "check/result.hpp"
#include "core/domain_name.hpp"
#include "core/limits.hpp"
#include "core/result.hpp"
#include "dns/resolver.hpp"
#include "net/asio.hpp"
#include "net/https_client.hpp"
#include "net/smtp_probe.hpp"

namespace webshield::check {

// Which parts of the check run (`scan --parts`); each needs the ones it builds on: rua needs
// tlsrpt, policy needs mta_sts, smtp and dane need mx.
struct Parts {
  bool tlsrpt = true;
  bool rua = true;
  bool mta_sts = true;
  bool policy = true;
  bool mx = true;
  bool smtp = true;
  bool dane = true;
};

// "tlsrpt,mta-sts,mx": the named parts only.
Result<Parts> parse_parts(std::string_view list);

struct CheckOptions {
  Parts parts;
  std::uint16_t https_port = 443;
  std::uint16_t smtp_port = 25;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // each HTTPS or SMTP probe
};

class Checker {
 public:
  Checker(dns::Resolver& resolver, net::HttpsClient& https, net::SmtpProber& smtp,
          CheckOptions options, Limits limits = {})
      : resolver_(resolver), https_(https), smtp_(smtp), options_(options), limits_(limits) {}

  asio::awaitable<CheckResult> check(DomainName domain);
  // One MX host now, on every address (mx_probe.hpp), with this checker's resolver, prober
  // and options.
  asio::awaitable<MxProbe> probe_mx(DomainName host);

 private:
  dns::Resolver& resolver_;
  net::HttpsClient& https_;
  net::SmtpProber& smtp_;
  CheckOptions options_;
  Limits limits_;
};

}  // namespace webshield::check
