// Wall time of one full check against the sum of its round trips: wraps the resolver, the
// HTTPS client and the SMTP prober with decorators that add up how long each operation took,
// then checks one domain. With every independent step concurrent, the wall time should be
// close to the longest chain of dependent steps, far below the sum.
//
// usage: webshield_bench_check_latency DNS_IP:PORT TRUST_ANCHOR CA_FILE HTTPS_PORT SMTP_PORT DOMAIN
#include <chrono>
#include <iostream>

#include "check/check.hpp"
#include "dns/unbound_resolver.hpp"

namespace {

using namespace webshield;
using Clock = std::chrono::steady_clock;

struct Totals {
  Clock::duration dns{};
  Clock::duration https{};
  Clock::duration smtp{};
  int dns_queries = 0;
  int https_requests = 0;
  int smtp_probes = 0;
};

class TimedResolver final : public dns::Resolver {
 public:
  TimedResolver(dns::Resolver& inner, Totals& totals) : inner_(inner), totals_(totals) {}
  void resolve(const std::string& name, std::uint16_t type, Callback done) override {
    const auto started = Clock::now();
    ++totals_.dns_queries;
    inner_.resolve(name, type, [this, started, done = std::move(done)](dns::Answer answer) {
      totals_.dns += Clock::now() - started;
      done(std::move(answer));
    });
  }
  std::size_t questions() const override { return inner_.questions(); }

 private:
  dns::Resolver& inner_;
  Totals& totals_;
};

class TimedHttps final : public net::HttpsClient {
 public:
  TimedHttps(net::HttpsClient& inner, Totals& totals) : inner_(inner), totals_(totals) {}
  asio::awaitable<net::HttpsResponse> fetch(net::HttpsRequest request) override {
    const auto started = Clock::now();
    ++totals_.https_requests;
    net::HttpsResponse response = co_await inner_.fetch(std::move(request));
    totals_.https += Clock::now() - started;
    co_return response;
  }

 private:
  net::HttpsClient& inner_;
  Totals& totals_;
};

class TimedSmtp final : public net::SmtpProber {
 public:
  TimedSmtp(net::SmtpProber& inner, Totals& totals) : inner_(inner), totals_(totals) {}
  asio::awaitable<net::SmtpProbeResult> probe(net::SmtpProbeRequest request) override {
    const auto started = Clock::now();
    ++totals_.smtp_probes;
    net::SmtpProbeResult result = co_await inner_.probe(std::move(request));
    totals_.smtp += Clock::now() - started;
    co_return result;
  }

 private:
  net::SmtpProber& inner_;
  Totals& totals_;
};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: " << argv[0]
              << " DNS_IP:PORT TRUST_ANCHOR CA_FILE HTTPS_PORT SMTP_PORT DOMAIN\n";
    return 64;
  }
  asio::io_context io;
  dns::ResolverOptions options;
  options.forwarder = argv[1];
  options.trust_anchor_files = {argv[2]};
  auto resolver = dns::UnboundResolver::create(io, options);
  if (!resolver) {
    std::cerr << resolver.error().describe() << '\n';
    return 1;
  }
  const std::string ca_file = argv[3];
  net::CurlHttpsClient https(ca_file);
  net::AsioSmtpProber smtp(ca_file);
  Totals totals;
  TimedResolver timed_resolver(**resolver, totals);
  TimedHttps timed_https(https, totals);
  TimedSmtp timed_smtp(smtp, totals);
  check::Checker checker(timed_resolver, timed_https, timed_smtp,
                         {.parts = {},
                          .https_port = static_cast<std::uint16_t>(std::stoi(argv[4])),
                          .smtp_port = static_cast<std::uint16_t>(std::stoi(argv[5]))});
  auto domain = DomainName::parse(argv[6]);
  if (!domain) return 64;

  const auto started = Clock::now();
  std::string verdict;
  asio::co_spawn(io, checker.check(*domain), [&verdict](std::exception_ptr, check::CheckResult r) {
    verdict = std::string(to_string(r.verdict));
  });
  io.run();
  const auto wall = Clock::now() - started;
  const auto sum = totals.dns + totals.https + totals.smtp;
  std::cout << "domain " << argv[6] << " verdict " << verdict << "\n"
            << "dns queries " << totals.dns_queries << " (" << ms(totals.dns) << " ms summed)\n"
            << "https requests " << totals.https_requests << " (" << ms(totals.https)
            << " ms summed)\n"
            << "smtp probes " << totals.smtp_probes << " (" << ms(totals.smtp) << " ms summed)\n"
            << "sum of round trips " << ms(sum) << " ms, wall time " << ms(wall) << " ms, ratio "
            << ms(wall) / ms(sum) << "\n";
  return 0;
}
