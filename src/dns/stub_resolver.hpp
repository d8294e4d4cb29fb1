// A stub resolver for bulk work: every question goes straight to one recursive, validating
// resolver the user runs and trusts (a local unbound or knot-resolver, reached over a trusted
// path), over UDP with EDNS(0) and over TCP when the reply is truncated; the AD bit of its
// replies is taken as the DNSSEC verdict (RFC 6840 §5.7, RFC 4035 §3.2.3: bogus data comes
// back as SERVFAIL). A few microseconds of CPU per question where libunbound's own validator
// needs tens, so a scan is limited by the resolver, not by us.
//
// Replies are matched on the socket, the sender, the ID and the question; answers are cached
// for their TTL (host lookups only, bounded entries), identical questions in flight are asked
// once, and datagrams are sent and received in batches (sendmmsg, recvmmsg).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "dns/message.hpp"
#include "dns/resolver.hpp"

namespace webshield::dns {

struct StubOptions {
  std::string server;    // "IP", "IP:PORT" or "[IPv6]:PORT"
  bool trust_ad = true;  // false: every answer is insecure
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::size_t cache_entries = 100'000;
  std::size_t sockets = 4;  // UDP sockets, each on its own random source port
  Limits limits;
};

class StubResolver final : public Resolver {
 public:
  static Result<std::unique_ptr<StubResolver>> create(asio::io_context& io,
                                                      const StubOptions& options);
  ~StubResolver() override;
  StubResolver(const StubResolver&) = delete;
  StubResolver& operator=(const StubResolver&) = delete;

  void resolve(const std::string& name, std::uint16_t type, Callback done) override;

  std::size_t questions() const override { return questions_; }
  std::size_t queries_sent() const { return sent_; }  // sent to the server, retries included

 private:
  struct Question;
  struct Socket;

  StubResolver(asio::io_context& io, const StubOptions& options, asio::ip::udp::endpoint server);
  void send_udp(Question& q);
  static void flush(Socket& socket);
  void receive(Socket& socket);
  void drain(Socket& socket);
  void on_datagram(Socket& socket, std::string_view wire, bool cut);
  void ask_tcp(Question& q);
  asio::awaitable<void> tcp_exchange(std::string key, std::uint64_t serial,
                                     std::shared_ptr<asio::ip::tcp::socket> tcp, std::string frame);
  void deliver(Question& q, Reply reply);
  void schedule_retry(Question& q, std::chrono::milliseconds after);
  void finish(const std::string& key, Answer answer);
  void remember(const std::string& key, std::uint16_t type, const Answer& answer);
  void go_idle_if_done();

  asio::io_context& io_;
  StubOptions options_;
  asio::ip::udp::endpoint server_;
  std::vector<std::shared_ptr<Socket>> sockets_;
  std::size_t next_socket_ = 0;
  std::mt19937 random_;
  std::uint64_t serial_ = 0;
  std::size_t questions_ = 0;
  std::size_t sent_ = 0;

  std::unordered_map<std::string, std::unique_ptr<Question>> inflight_;  // by cache key
  std::unordered_map<std::uint32_t, Question*> by_id_;  // socket index << 16 | query ID

  struct Cached {
    Answer answer;
    std::chrono::steady_clock::time_point expires;
    std::uint64_t serial = 0;
  };
  std::unordered_map<std::string, Cached> cache_;
  std::deque<std::pair<std::string, std::uint64_t>> cache_order_;  // oldest first
};

}  // namespace webshield::dns
