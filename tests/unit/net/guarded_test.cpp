#include "net/guarded.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace webshield::net {
namespace {

// Records what reaches it and answers what it is told to.
class FakeHttpsClient final : public HttpsClient {
 public:
  asio::awaitable<HttpsResponse> fetch(HttpsRequest request) override {
    seen.push_back(std::move(request));
    co_return answer;
  }
  std::vector<HttpsRequest> seen;
  HttpsResponse answer = ok();

 private:
  static HttpsResponse ok() {
    HttpsResponse r;
    r.status = 200;
    return r;
  }
};

class FakeSmtpProber final : public SmtpProber {
 public:
  asio::awaitable<SmtpProbeResult> probe(SmtpProbeRequest request) override {
    seen.push_back(std::move(request));
    co_return answer;
  }
  std::vector<SmtpProbeRequest> seen;
  SmtpProbeResult answer = connected();

 private:
  static SmtpProbeResult connected() {
    SmtpProbeResult r;
    r.connected = true;
    return r;
  }
};

template <class T>
T run(asio::awaitable<T> work) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    out = std::move(value);
  });
  io.run();
  return std::move(out).value();
}

HttpsRequest request_to(std::vector<std::string> addresses) {
  HttpsRequest r;
  r.host = "mta-sts.example.com";
  r.path = "/.well-known/mta-sts.txt";
  r.addresses = std::move(addresses);
  return r;
}

TEST(GuardedHttpsClient, PassesPublicAddressesThrough) {
  FakeHttpsClient inner;
  GuardedHttpsClient guarded(inner);
  const HttpsResponse r = run(guarded.fetch(request_to({"8.8.8.8", "2606:4700::1111"})));
  EXPECT_EQ(r.failure, HttpsFailure::none);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(inner.seen.size(), 1u);
  EXPECT_EQ(inner.seen[0].addresses, (std::vector<std::string>{"8.8.8.8", "2606:4700::1111"}));
  EXPECT_EQ(inner.seen[0].host, "mta-sts.example.com");
}

TEST(GuardedHttpsClient, DropsRefusedAddressesAndKeepsTheRest) {
  FakeHttpsClient inner;
  GuardedHttpsClient guarded(inner);
  const HttpsResponse r =
      run(guarded.fetch(request_to({"10.0.0.5", "8.8.8.8", "::1", "2606:4700::1111"})));
  EXPECT_EQ(r.failure, HttpsFailure::none);
  ASSERT_EQ(inner.seen.size(), 1u);
  EXPECT_EQ(inner.seen[0].addresses, (std::vector<std::string>{"8.8.8.8", "2606:4700::1111"}));
}

TEST(GuardedHttpsClient, NamesDroppedAddressesWhenTheRestFail) {
  FakeHttpsClient inner;
  inner.answer.failure = HttpsFailure::unreachable;
  inner.answer.error = "Connection refused";
  GuardedHttpsClient guarded(inner);
  const HttpsResponse r = run(guarded.fetch(request_to({"192.168.1.1", "8.8.8.8"})));
  EXPECT_EQ(r.failure, HttpsFailure::unreachable);
  EXPECT_EQ(r.error,
            "Connection refused (not connecting to 192.168.1.1: private-use (192.168.0.0/16); the "
            "public check connects to public addresses only)");
}

TEST(GuardedHttpsClient, AnswersAtOnceWhenNothingIsLeft) {
  FakeHttpsClient inner;
  GuardedHttpsClient guarded(inner);
  const HttpsResponse r = run(guarded.fetch(request_to({"127.0.0.1"})));
  EXPECT_TRUE(inner.seen.empty());
  EXPECT_EQ(r.failure, HttpsFailure::unreachable);
  EXPECT_EQ(r.error,
            "not connecting to 127.0.0.1: loopback (127.0.0.0/8); the public check connects to "
            "public addresses only");

  const HttpsResponse many = run(guarded.fetch(
      request_to({"127.0.0.1", "::1", "10.0.0.1", "fe80::1", "169.254.169.254", "nonsense"})));
  EXPECT_TRUE(inner.seen.empty());
  EXPECT_EQ(many.error,
            "not connecting to 127.0.0.1: loopback (127.0.0.0/8), ::1: loopback (::1/128), "
            "10.0.0.1: private-use (10.0.0.0/8), fe80::1: link-local (fe80::/10) and 2 more; the "
            "public check connects to public addresses only");
}

TEST(GuardedHttpsClient, RefusesARequestWithoutAddresses) {
  FakeHttpsClient inner;
  GuardedHttpsClient guarded(inner);
  const HttpsResponse r = run(guarded.fetch(request_to({})));
  EXPECT_TRUE(inner.seen.empty());
  EXPECT_EQ(r.failure, HttpsFailure::unreachable);
  EXPECT_EQ(r.error, "no address of mta-sts.example.com to connect to");
}

SmtpProbeRequest probe_of(std::string address) {
  SmtpProbeRequest r;
  r.host = "mx1.example.com";
  r.address = std::move(address);
  return r;
}

TEST(GuardedSmtpProber, ProbesAPublicAddress) {
  FakeSmtpProber inner;
  GuardedSmtpProber guarded(inner);
  const SmtpProbeResult r = run(guarded.probe(probe_of("2a00:1450:4001::1")));
  ASSERT_EQ(inner.seen.size(), 1u);
  EXPECT_EQ(inner.seen[0].address, "2a00:1450:4001::1");
  EXPECT_EQ(inner.seen[0].host, "mx1.example.com");
  EXPECT_TRUE(r.connected);
  EXPECT_FALSE(r.refused);
}

TEST(GuardedSmtpProber, RefusesASpecialPurposeAddressWithoutConnecting) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"127.0.0.1", "loopback (127.0.0.0/8)"},
      {"::ffff:10.0.0.1", "private-use, IPv4-mapped (::ffff:10.0.0.0/104)"},
      {"fd00::25", "unique-local (fc00::/7)"},
      {"", "not an IP address"},
  };
  for (auto [address, why] : cases) {
    SCOPED_TRACE(address);
    FakeSmtpProber inner;
    GuardedSmtpProber guarded(inner);
    const SmtpProbeResult r = run(guarded.probe(probe_of(std::string(address))));
    EXPECT_TRUE(inner.seen.empty());
    EXPECT_FALSE(r.connected);
    EXPECT_TRUE(r.refused);
    EXPECT_EQ(r.error, fmt::format("not connecting to {}: {}; the public check connects to public "
                                   "addresses only",
                                   address, why));
  }
}

}  // namespace
}  // namespace webshield::net
