// The public check behind the address guard: a domain whose policy host, MX host and reporting
// endpoint point at special-purpose addresses gets findings that say why nothing was probed,
// and no probe reaches the real clients. And the MX probe's addresses: the next one is tried
// when one cannot be reached, as a sender would.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "check/check.hpp"
#include "core/domain_name.hpp"
#include "dns/rdata.hpp"
#include "net/guarded.hpp"

namespace webshield::check {
namespace {

using dns::Answer;

// A zone in a map; every other question is NXDOMAIN.
class FakeResolver final : public dns::Resolver {
 public:
  explicit FakeResolver(asio::io_context& io) : io_(io) {}

  void add(const std::string& name, std::uint16_t type, std::string rdata) {
    Answer& a = zone_[{name, type}];
    a.status = dns::Status::answer;
    a.security = dns::Security::insecure;
    a.ttl = 300;
    a.rdata.push_back(std::move(rdata));
  }

  void resolve(const std::string& name, std::uint16_t type, Callback done) override {
    ++questions_;
    Answer answer;
    answer.status = dns::Status::nxdomain;
    answer.security = dns::Security::insecure;
    std::string key = name;
    if (key.ends_with('.')) key.pop_back();
    if (auto it = zone_.find({key, type}); it != zone_.end()) answer = it->second;
    asio::post(io_, [done = std::move(done), answer = std::move(answer)]() mutable {
      done(std::move(answer));
    });
  }

  std::size_t questions() const override { return questions_; }

 private:
  asio::io_context& io_;
  std::map<std::pair<std::string, std::uint16_t>, Answer> zone_;
  std::size_t questions_ = 0;
};

std::string wire_name(std::string_view name) {
  std::string out;
  while (!name.empty()) {
    const auto dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    out += static_cast<char>(label.size());
    out += label;
    name.remove_prefix(dot == std::string_view::npos ? name.size() : dot + 1);
  }
  return out + '\0';
}

std::string txt(std::string_view text) {
  return static_cast<char>(text.size()) + std::string(text);
}

class NeverHttps final : public net::HttpsClient {
 public:
  asio::awaitable<net::HttpsResponse> fetch(net::HttpsRequest request) override {
    ADD_FAILURE() << "fetched " << request.host;
    co_return net::HttpsResponse{};
  }
};

class NeverSmtp final : public net::SmtpProber {
 public:
  asio::awaitable<net::SmtpProbeResult> probe(net::SmtpProbeRequest request) override {
    ADD_FAILURE() << "probed " << request.address;
    co_return net::SmtpProbeResult{};
  }
};

// Checks example.com with `checker`, whose resolver answers on `io`.
std::optional<CheckResult> check_example_com(asio::io_context& io, Checker& checker) {
  std::optional<CheckResult> result;
  asio::co_spawn(io, checker.check(DomainName::parse("example.com").value()),
                 [&](std::exception_ptr e, CheckResult r) {
                   if (e) std::rethrow_exception(e);
                   result = std::move(r);
                 });
  io.run();
  return result;
}

const Finding* find(const Findings& findings, std::string_view code) {
  for (const Finding& f : findings)
    if (f.code == code) return &f;
  return nullptr;
}

TEST(GuardedCheck, SaysWhyNothingWasProbed) {
  asio::io_context io;
  FakeResolver resolver(io);
  resolver.add("example.com", dns::kMx, std::string("\0\x0a", 2) + wire_name("mx.example.com"));
  resolver.add("mx.example.com", dns::kA, std::string("\x7f\0\0\x01", 4));
  resolver.add("_mta-sts.example.com", dns::kTxt, txt("v=STSv1; id=20240101"));
  resolver.add("mta-sts.example.com", dns::kA, std::string("\x0a\0\0\x05", 4));
  resolver.add("_smtp._tls.example.com", dns::kTxt,
               txt("v=TLSRPTv1; rua=https://tlsrpt.example.com/v1"));
  resolver.add("tlsrpt.example.com", dns::kAaaa,
               std::string("\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16));
  NeverHttps https;
  NeverSmtp smtp;
  net::GuardedHttpsClient guarded_https(https);
  net::GuardedSmtpProber guarded_smtp(smtp);
  Checker checker(resolver, guarded_https, guarded_smtp, CheckOptions{});

  const std::optional<CheckResult> result = check_example_com(io, checker);
  ASSERT_TRUE(result.has_value());

  const Finding* policy = find(result->findings, "mta_sts.policy_unreachable");
  ASSERT_NE(policy, nullptr);
  EXPECT_NE(policy->message.find("not connecting to 10.0.0.5: private-use (10.0.0.0/8); the "
                                 "public check connects to public addresses only"),
            std::string::npos)
      << policy->message;

  const Finding* mx = find(result->findings, "mx.unreachable");
  ASSERT_NE(mx, nullptr);
  EXPECT_EQ(mx->message,
            "mx.example.com (127.0.0.1) was not probed: not connecting to 127.0.0.1: loopback "
            "(127.0.0.0/8); the public check connects to public addresses only");

  const Finding* rua = find(result->findings, "tlsrpt.rua_https_unreachable");
  ASSERT_NE(rua, nullptr);
  EXPECT_NE(rua->message.find("not connecting to fd00::1: unique-local (fc00::/7)"),
            std::string::npos)
      << rua->message;
}

// Answers from a script by address; records the addresses asked, in order.
class ScriptedSmtp final : public net::SmtpProber {
 public:
  std::map<std::string, net::SmtpProbeResult> results;
  std::vector<std::string> asked;

  asio::awaitable<net::SmtpProbeResult> probe(net::SmtpProbeRequest request) override {
    asked.push_back(request.address);
    net::SmtpProbeResult r;
    r.error = "connection refused";
    if (auto it = results.find(request.address); it != results.end()) r = it->second;
    co_return r;
  }
};

CheckResult check_mx_with(ScriptedSmtp& smtp, const std::vector<std::string>& a_records) {
  asio::io_context io;
  FakeResolver resolver(io);
  resolver.add("example.com", dns::kMx, std::string("\0\x0a", 2) + wire_name("mx.example.com"));
  for (const std::string& a : a_records)
    resolver.add("mx.example.com", dns::kA, a);
  NeverHttps https;
  Checker checker(resolver, https, smtp, CheckOptions{});
  auto result = check_example_com(io, checker);
  EXPECT_TRUE(result.has_value());
  return result.value_or(CheckResult{});
}

const std::string kFirst("\xc0\0\x02\x01", 4);   // 192.0.2.1
const std::string kSecond("\xc0\0\x02\x02", 4);  // 192.0.2.2
const std::string kThird("\xc0\0\x02\x03", 4);   // 192.0.2.3

TEST(CheckMxAddresses, TriesTheNextAddressWhenOneCannotBeReached) {
  ScriptedSmtp smtp;
  net::SmtpProbeResult up;
  up.connected = true;  // a banner, but no STARTTLS offered
  smtp.results["192.0.2.2"] = up;
  const CheckResult result = check_mx_with(smtp, {kFirst, kSecond});
  EXPECT_EQ(smtp.asked, (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(find(result.findings, "mx.unreachable"), nullptr);
  EXPECT_NE(find(result.findings, "mx.starttls_missing"), nullptr);
}

TEST(CheckMxAddresses, StopsAtTheFirstAddressThatAnswers) {
  ScriptedSmtp smtp;
  net::SmtpProbeResult up;
  up.connected = true;
  smtp.results["192.0.2.1"] = up;
  (void)check_mx_with(smtp, {kFirst, kSecond});
  EXPECT_EQ(smtp.asked, std::vector<std::string>{"192.0.2.1"});
}

TEST(CheckMxAddresses, NamesEveryAddressTriedWhenNoneAnswers) {
  ScriptedSmtp smtp;
  const CheckResult result = check_mx_with(smtp, {kFirst, kSecond, kThird});
  EXPECT_EQ(smtp.asked, (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));  // at most two
  const Finding* mx = find(result.findings, "mx.unreachable");
  ASSERT_NE(mx, nullptr);
  EXPECT_NE(mx->message.find("port 25 of mx.example.com (192.0.2.1, 192.0.2.2) could not be "
                             "reached: connection refused"),
            std::string::npos)
      << mx->message;
}

}  // namespace
}  // namespace webshield::check
