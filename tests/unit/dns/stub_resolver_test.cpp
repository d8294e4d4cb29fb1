// The stub resolver against a scripted DNS server on loopback (UDP and TCP on one port): it
// can drop, forge, truncate or withhold replies, which a real server will not do on demand.
#include "dns/stub_resolver.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <thread>

#include "dns/rdata.hpp"
#include "dns_messages.hpp"

namespace webshield::dns {
namespace {

using namespace std::string_literals;
using namespace dnstest;
using std::chrono::milliseconds;

struct Query {
  std::uint16_t id = 0;
  std::string name;  // as text, lower case
  std::uint16_t type = 0;
  bool tcp = false;
};

Query read_query(std::string_view wire) {
  Query q;
  q.id = static_cast<std::uint16_t>(static_cast<std::uint8_t>(wire[0]) << 8
                                    | static_cast<std::uint8_t>(wire[1]));
  std::size_t i = 12;
  while (wire[i] != 0) {
    if (!q.name.empty()) q.name += '.';
    q.name += wire.substr(i + 1, static_cast<std::uint8_t>(wire[i]));
    i += 1 + static_cast<std::uint8_t>(wire[i]);
  }
  q.type = static_cast<std::uint16_t>(static_cast<std::uint8_t>(wire[i + 1]) << 8
                                      | static_cast<std::uint8_t>(wire[i + 2]));
  return q;
}

// An A record answer (192.0.2.1) to `q`, with the given extra header flags.
std::string answer_to(const Query& q, std::uint16_t flags = 0,
                      std::string address = "\xc0\x00\x02\x01"s) {
  ReplyBuilder b(q.name, q.type);
  b.id = q.id;
  b.flags |= flags;
  if ((flags & 0x0200) == 0) b.rr(pointer(kQuestionName), q.type, 300, address);
  return b.build();
}

// Runs on its own event loop and thread, so that the resolver's loop ends when the resolver
// has nothing left to do.
class ScriptedServer {
 public:
  // Returns the replies to send, in order (none: the query is dropped).
  using Script = std::function<std::vector<std::string>(const Query&)>;

  explicit ScriptedServer(Script script)
      : udp_(io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        tcp_(io_),
        script_(std::move(script)) {
    const std::uint16_t port = udp_.local_endpoint().port();
    const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
    tcp_.open(at.protocol());
    tcp_.set_option(asio::socket_base::reuse_address(true));
    tcp_.bind(at);
    tcp_.listen();
    receive();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ScriptedServer() {
    io_.stop();
    thread_.join();
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(udp_.local_endpoint().port());
  }

  std::vector<Query> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void receive() {
    udp_.async_receive_from(asio::buffer(buffer_), peer_,
                            [this](boost::system::error_code ec, std::size_t n) {
                              if (ec) return;
                              const Query q = read_query(std::string_view(buffer_.data(), n));
                              record(q);
                              for (const std::string& reply : script_(q))
                                udp_.send_to(asio::buffer(reply), peer_);
                              receive();
                            });
  }

  void accept() {
    tcp_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      // Small and blocking: one query per connection, framed with a two-byte length.
      std::array<unsigned char, 2> len{};
      asio::read(s, asio::buffer(len));
      std::string wire(static_cast<std::size_t>(len[0] << 8 | len[1]), '\0');
      asio::read(s, asio::buffer(wire));
      Query q = read_query(wire);
      q.tcp = true;
      record(q);
      for (const std::string& reply : script_(q)) {
        const std::string framed = u16(static_cast<std::uint16_t>(reply.size())) + reply;
        asio::write(s, asio::buffer(framed));
      }
      accept();
    });
  }

  void record(const Query& q) {
    std::lock_guard lock(mutex_);
    seen_.push_back(q);
  }

  asio::io_context io_;
  asio::ip::udp::socket udp_;
  asio::ip::tcp::acceptor tcp_;
  Script script_;
  std::array<char, 65536> buffer_{};
  asio::ip::udp::endpoint peer_;
  mutable std::mutex mutex_;
  std::vector<Query> seen_;
  std::thread thread_;
};

class StubResolverTest : public ::testing::Test {
 protected:
  std::unique_ptr<StubResolver> stub(const ScriptedServer& server, bool trust_ad = true,
                                     milliseconds timeout = milliseconds(3000)) {
    StubOptions options;
    options.server = server.address();
    options.trust_ad = trust_ad;
    options.timeout = timeout;
    return StubResolver::create(io, options).value();
  }

  Answer ask(Resolver& resolver, const std::string& name, std::uint16_t type = kA) {
    Answer got;
    resolver.resolve(name, type, [&got](Answer a) { got = std::move(a); });
    io.restart();
    io.run();  // returns once nothing is in flight: the stub does not keep the loop alive
    return got;
  }

  asio::io_context io;
};

TEST_F(StubResolverTest, AnswersAndCachesForTheTtl) {
  ScriptedServer server([](const Query& q) { return std::vector{answer_to(q)}; });
  auto resolver = stub(server);
  const Answer a = ask(*resolver, "mx1.example");
  ASSERT_EQ(a.status, Status::answer) << a.why;
  EXPECT_EQ(decode_address(a.rdata.at(0)).value(), "192.0.2.1");
  EXPECT_EQ(a.security, Security::insecure);
  EXPECT_EQ(ask(*resolver, "MX1.example.").status, Status::answer);
  EXPECT_EQ(server.seen().size(), 1u);  // the second came from the cache
  EXPECT_EQ(resolver->questions(), 2u);
  EXPECT_EQ(resolver->queries_sent(), 1u);
}

TEST_F(StubResolverTest, AsksIdenticalQuestionsInFlightOnce) {
  ScriptedServer server([](const Query& q) { return std::vector{answer_to(q)}; });
  auto resolver = stub(server);
  int answered = 0;
  for (int i = 0; i < 3; ++i)
    resolver->resolve("shared.example", kA,
                      [&answered](const Answer& a) { answered += a.status == Status::answer; });
  io.run();
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(server.seen().size(), 1u);
}

TEST_F(StubResolverTest, RetriesALostDatagram) {
  int count = 0;
  ScriptedServer server([&count](const Query& q) {
    return ++count == 1 ? std::vector<std::string>{} : std::vector{answer_to(q)};
  });
  auto resolver = stub(server, true, milliseconds(1500));
  EXPECT_EQ(ask(*resolver, "lossy.example").status, Status::answer);
  EXPECT_EQ(server.seen().size(), 2u);
}

TEST_F(StubResolverTest, IgnoresRepliesWithAnotherIdOrQuestion) {
  ScriptedServer server([](const Query& q) {
    Query wrong_id = q;
    wrong_id.id = static_cast<std::uint16_t>(q.id + 1);
    Query wrong_name = q;
    wrong_name.name = "attacker.example";
    return std::vector{answer_to(wrong_id, 0, "\x0a\x00\x00\x01"s),
                       answer_to(wrong_name, 0, "\x0a\x00\x00\x02"s), answer_to(q)};
  });
  auto resolver = stub(server);
  const Answer a = ask(*resolver, "victim.example");
  ASSERT_EQ(a.status, Status::answer);
  EXPECT_EQ(decode_address(a.rdata.at(0)).value(), "192.0.2.1");
}

TEST_F(StubResolverTest, AsksAgainOverTcpWhenTruncated) {
  ScriptedServer server(
      [](const Query& q) { return std::vector{q.tcp ? answer_to(q) : answer_to(q, 0x0200)}; });
  auto resolver = stub(server);
  const Answer a = ask(*resolver, "big.example");
  ASSERT_EQ(a.status, Status::answer) << a.why;
  ASSERT_EQ(server.seen().size(), 2u);
  EXPECT_TRUE(server.seen()[1].tcp);
}

TEST_F(StubResolverTest, TakesTheAdBitOnlyWhenTrusted) {
  ScriptedServer server([](const Query& q) { return std::vector{answer_to(q, 0x0020)}; });
  EXPECT_EQ(ask(*stub(server), "signed.example").security, Security::secure);
  EXPECT_EQ(ask(*stub(server, false), "signed.example").security, Security::insecure);
}

TEST_F(StubResolverTest, ASilentServerTimesOut) {
  ScriptedServer server([](const Query&) { return std::vector<std::string>{}; });
  auto resolver = stub(server, true, milliseconds(300));
  const Answer a = ask(*resolver, "silent.example");
  EXPECT_EQ(a.status, Status::timeout);
  EXPECT_TRUE(a.failed());
  // Failures are not cached: the next question is asked again.
  ask(*resolver, "silent.example");
  EXPECT_GE(server.seen().size(), 2u);
}

TEST_F(StubResolverTest, ServfailAndMalformedRepliesAreFailures) {
  ScriptedServer server([](const Query& q) {
    if (q.name == "broken.example") return std::vector{answer_to(q).substr(0, 20)};
    ReplyBuilder b(q.name, q.type);
    b.id = q.id;
    b.flags = 0x8182;
    return std::vector{b.build()};
  });
  auto resolver = stub(server);
  EXPECT_EQ(ask(*resolver, "fail.example").status, Status::servfail);
  const Answer broken = ask(*resolver, "broken.example");
  EXPECT_EQ(broken.status, Status::servfail);
  EXPECT_NE(broken.why.find("malformed reply"), std::string::npos) << broken.why;
}

TEST(StubResolverOptions, RefusesABadServerAddress) {
  asio::io_context io;
  StubOptions options;
  options.server = "resolver.example";
  EXPECT_FALSE(StubResolver::create(io, options).has_value());
  options.server = "127.0.0.1:99999";
  EXPECT_FALSE(StubResolver::create(io, options).has_value());
}

}  // namespace
}  // namespace webshield::dns
