#include "dns/stub_resolver.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <array>

#include "core/ascii.hpp"
#include "dns/message.hpp"
#include "dns/rdata.hpp"
#include "dns/unbound_resolver.hpp"

namespace webshield::dns {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Replies larger than what we advertise (kEdnsPayload) come truncated, or are cut here and
// asked again over TCP.
constexpr std::size_t kDatagramBytes = 4096;
constexpr std::size_t kReceiveBatch = 32;             // datagrams per recvmmsg
constexpr std::size_t kSendBatch = 64;                // datagrams per sendmmsg
constexpr int kReceiveBufferBytes = 4 * 1024 * 1024;  // bursts of replies in a bulk scan
constexpr milliseconds kFirstRetry{1000};
constexpr std::uint32_t kMaxCacheSeconds = 3600;

std::string cache_key(const std::string& name, std::uint16_t type) {
  std::string key = ascii::lower(name);
  if (key.ends_with('.')) key.pop_back();
  key += '/';
  key += std::to_string(type);
  return key;
}

// The key of a question in flight: the socket it was sent on and its query ID.
std::uint32_t id_key(std::size_t socket, std::uint16_t id) {
  return static_cast<std::uint32_t>(socket << 16 | id);
}

Answer failure(Status status, std::string why) {
  Answer a;
  a.status = status;
  a.why = std::move(why);
  return a;
}

}  // namespace

// One UDP socket: queries waiting for the next batched send, and a batch of receive buffers.
struct StubResolver::Socket {
  explicit Socket(asio::io_context& io) : udp(io), buffers(kReceiveBatch * kDatagramBytes) {}
  asio::ip::udp::socket udp;
  std::vector<char> buffers;
  std::vector<std::string> outgoing;  // queries for the next sendmmsg
  bool flush_posted = false;
  bool receiving = false;
  std::uint64_t generation = 0;  // a completion from an earlier wait is stale
  std::size_t index = 0;
};

struct StubResolver::Question {
  Question(asio::io_context& io, std::string k) : key(std::move(k)), deadline(io), retry(io) {}
  std::string key;
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t id = 0;
  std::size_t socket = 0;
  std::uint64_t serial = 0;
  std::string query;
  std::vector<Callback> waiters;
  asio::steady_timer deadline;
  asio::steady_timer retry;
  milliseconds retry_after = kFirstRetry;
  std::shared_ptr<asio::ip::tcp::socket> tcp;
};

Result<std::unique_ptr<StubResolver>> StubResolver::create(asio::io_context& io,
                                                           const StubOptions& options) {
  auto address = forwarder_address(options.server);
  if (!address) return fail("--resolver: " + address.error().describe());
  const auto at = address->rfind('@');
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address->substr(0, at), ec);
  if (ec) return fail("--resolver: " + ec.message(), options.server);
  const auto port = static_cast<std::uint16_t>(std::stoul(address->substr(at + 1)));
  if (options.sockets == 0) return fail("the stub resolver needs at least one socket");
  std::unique_ptr<StubResolver> stub(new StubResolver(io, options, {ip, port}));
  for (std::size_t i = 0; i < options.sockets; ++i) {
    auto socket = std::make_shared<Socket>(io);
    socket->index = i;
    socket->udp.open(ip.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6(), ec);
    if (!ec) socket->udp.non_blocking(true, ec);
    if (ec) return fail("cannot open a UDP socket: " + ec.message());
    // Larger receive buffers keep bursts of replies; the kernel may grant less.
    socket->udp.set_option(asio::socket_base::receive_buffer_size(kReceiveBufferBytes), ec);
    socket->udp.connect(stub->server_, ec);  // the kernel drops datagrams from anyone else
    if (ec) return fail("cannot reach " + options.server + ": " + ec.message());
    stub->sockets_.push_back(std::move(socket));
  }
  return stub;
}

StubResolver::StubResolver(asio::io_context& io, const StubOptions& options,
                           asio::ip::udp::endpoint server)
    : io_(io), options_(options), server_(server), random_(std::random_device{}()) {}

StubResolver::~StubResolver() {
  for (auto& [key, q] : inflight_) {
    q->deadline.cancel();
    q->retry.cancel();
    if (q->tcp) q->tcp->close();
  }
  for (auto& socket : sockets_) {
    ++socket->generation;
    socket->udp.close();
  }
}

void StubResolver::resolve(const std::string& name, std::uint16_t type, Callback done) {
  ++questions_;
  const std::string key = cache_key(name, type);
  if (auto hit = cache_.find(key); hit != cache_.end()) {
    if (Clock::now() < hit->second.expires) {
      asio::post(io_, [done = std::move(done), answer = hit->second.answer]() { done(answer); });
      return;
    }
    cache_.erase(hit);
  }
  if (auto asked = inflight_.find(key); asked != inflight_.end()) {
    asked->second->waiters.push_back(std::move(done));
    return;
  }
  auto owned = std::make_unique<Question>(io_, key);
  Question& q = *owned;
  q.name = name;
  q.type = type;
  q.serial = ++serial_;
  q.waiters.push_back(std::move(done));
  q.socket = next_socket_++ % sockets_.size();
  do {
    q.id = static_cast<std::uint16_t>(random_());
  } while (by_id_.contains(id_key(q.socket, q.id)));
  auto query = encode_query(q.id, name, type);
  if (!query) {
    asio::post(io_, [done = std::move(q.waiters.front()), why = query.error().describe()]() {
      done(failure(Status::servfail, why));
    });
    return;
  }
  q.query = std::move(*query);
  by_id_.emplace(id_key(q.socket, q.id), &q);
  inflight_.emplace(key, std::move(owned));

  q.deadline.expires_after(options_.timeout);
  q.deadline.async_wait([this, key, serial = q.serial](boost::system::error_code ec) {
    if (ec) return;
    auto it = inflight_.find(key);
    if (it == inflight_.end() || it->second->serial != serial) return;
    finish(key, failure(Status::timeout,
                        fmt::format("no answer within {} ms", options_.timeout.count())));
  });
  send_udp(q);
  schedule_retry(q, std::min(kFirstRetry, options_.timeout / 2));
  receive(*sockets_[q.socket]);
}

// Queries leave in batches: everything asked during one turn of the event loop goes out in
// one sendmmsg per socket, which saves most of the system-call cost of a bulk scan.
void StubResolver::send_udp(Question& q) {
  ++sent_;
  Socket& socket = *sockets_[q.socket];
  socket.outgoing.push_back(q.query);
  if (socket.flush_posted) return;
  socket.flush_posted = true;
  asio::post(io_, [weak = std::weak_ptr<Socket>(sockets_[q.socket])]() {
    if (auto alive = weak.lock()) flush(*alive);
  });
}

void StubResolver::flush(Socket& socket) {  // static: needs only the socket
  socket.flush_posted = false;
  std::array<mmsghdr, kSendBatch> headers{};
  std::array<iovec, kSendBatch> vectors{};
  std::size_t done = 0;
  while (done < socket.outgoing.size()) {
    const std::size_t n = std::min(kSendBatch, socket.outgoing.size() - done);
    for (std::size_t i = 0; i < n; ++i) {
      std::string& query = socket.outgoing[done + i];
      vectors[i] = {query.data(), query.size()};
      headers[i] = {};
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(socket.udp.native_handle(), headers.data(),
                                static_cast<unsigned>(n), MSG_DONTWAIT);
    // A full send buffer or an error loses the rest of this batch: the retry timers resend.
    if (sent <= 0) break;
    done += static_cast<std::size_t>(sent);
  }
  socket.outgoing.clear();
}

void StubResolver::schedule_retry(Question& q, milliseconds after) {
  q.retry.expires_after(after);
  q.retry.async_wait([this, key = q.key, serial = q.serial](boost::system::error_code ec) {
    if (ec) return;
    auto it = inflight_.find(key);
    if (it == inflight_.end() || it->second->serial != serial || it->second->tcp) return;
    Question& again = *it->second;
    send_udp(again);
    again.retry_after *= 2;
    schedule_retry(again, again.retry_after);
  });
}

void StubResolver::receive(Socket& socket) {
  if (socket.receiving) return;
  socket.receiving = true;
  socket.udp.async_wait(
      asio::ip::udp::socket::wait_read,
      [this, &socket, generation = ++socket.generation](boost::system::error_code ec) {
        if (ec == asio::error::operation_aborted || generation != socket.generation) return;
        socket.receiving = false;
        if (!ec) drain(socket);
        if (!inflight_.empty()) receive(socket);
      });
}

// Reads every datagram waiting on the socket, a batch per recvmmsg.
void StubResolver::drain(Socket& socket) {
  std::array<mmsghdr, kReceiveBatch> headers{};
  std::array<iovec, kReceiveBatch> vectors{};
  while (true) {
    for (std::size_t i = 0; i < kReceiveBatch; ++i) {
      vectors[i] = {socket.buffers.data() + i * kDatagramBytes, kDatagramBytes};
      headers[i] = {};
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int got = ::recvmmsg(socket.udp.native_handle(), headers.data(), kReceiveBatch,
                               MSG_DONTWAIT, nullptr);
    // EAGAIN: drained. Other errors (an ICMP port unreachable on the connected socket) are
    // left to the retries and the deadline.
    if (got <= 0) return;
    for (int i = 0; i < got; ++i) {
      const auto& h = headers[static_cast<std::size_t>(i)];
      const std::string_view datagram(
          socket.buffers.data() + static_cast<std::size_t>(i) * kDatagramBytes, h.msg_len);
      on_datagram(socket, datagram, (h.msg_hdr.msg_flags & MSG_TRUNC) != 0);
      if (inflight_.empty()) return;
    }
    if (static_cast<std::size_t>(got) < kReceiveBatch) return;
  }
}

void StubResolver::on_datagram(Socket& socket, std::string_view wire, bool cut) {
  if (wire.size() < 2) return;
  const auto id = static_cast<std::uint16_t>(static_cast<std::uint8_t>(wire[0]) << 8
                                             | static_cast<std::uint8_t>(wire[1]));
  const auto it = by_id_.find(id_key(socket.index, id));
  if (it == by_id_.end()) return;  // late, duplicated or forged
  Question& q = *it->second;
  if (cut) {  // longer than our buffer: the whole of it comes over TCP
    if (!q.tcp) ask_tcp(q);
    return;
  }
  auto reply = parse_reply(wire, q.name, q.type, options_.limits);
  if (!reply) {
    // A reply to another question (forged or a bug) is ignored; a broken one ends the question.
    if (reply.error().message == "the reply is for another question") return;
    finish(q.key, failure(Status::servfail, "malformed reply: " + reply.error().describe()));
    return;
  }
  if (reply->truncated) {
    if (!q.tcp) ask_tcp(q);
    return;
  }
  deliver(q, std::move(*reply));
}

void StubResolver::deliver(Question& q, Reply reply) {
  Answer answer = std::move(reply.answer);
  answer.security =
      options_.trust_ad && reply.authenticated ? Security::secure : Security::insecure;
  finish(q.key, std::move(answer));
}

// Truncated over UDP: the same question over TCP (RFC 7766), two-byte length framing.
void StubResolver::ask_tcp(Question& q) {
  q.retry.cancel();
  q.tcp = std::make_shared<asio::ip::tcp::socket>(io_);
  std::string frame;
  frame.push_back(static_cast<char>(q.query.size() >> 8));
  frame.push_back(static_cast<char>(q.query.size() & 0xff));
  frame += q.query;
  ++sent_;
  asio::co_spawn(io_, tcp_exchange(q.key, q.serial, q.tcp, std::move(frame)), asio::detached);
}

asio::awaitable<void> StubResolver::tcp_exchange(std::string key, std::uint64_t serial,
                                                 std::shared_ptr<asio::ip::tcp::socket> tcp,
                                                 std::string frame) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const asio::ip::tcp::endpoint server(server_.address(), server_.port());
  co_await tcp->async_connect(server, token);
  if (!ec) co_await asio::async_write(*tcp, asio::buffer(frame), token);
  std::array<unsigned char, 2> length{};
  if (!ec) co_await asio::async_read(*tcp, asio::buffer(length), token);
  std::string wire;
  if (!ec) {
    wire.resize(static_cast<std::size_t>(length[0]) << 8 | length[1]);
    co_await asio::async_read(*tcp, asio::buffer(wire), token);
  }
  // Closed because the question ended (time-out, or the resolver went away): nothing to do.
  if (ec == asio::error::operation_aborted) co_return;
  auto it = inflight_.find(key);
  if (it == inflight_.end() || it->second->serial != serial) co_return;
  Question& q = *it->second;
  if (ec) {
    finish(key, failure(Status::servfail, "TCP: " + ec.message()));
    co_return;
  }
  auto reply = parse_reply(wire, q.name, q.type, options_.limits);
  if (!reply) {
    finish(key, failure(Status::servfail, "malformed reply over TCP: " + reply.error().describe()));
  } else if (reply->truncated) {
    finish(key, failure(Status::servfail, "truncated reply over TCP"));
  } else {
    deliver(q, std::move(*reply));
  }
}

void StubResolver::finish(const std::string& key, Answer answer) {
  auto it = inflight_.find(key);
  if (it == inflight_.end()) return;
  std::unique_ptr<Question> q = std::move(it->second);
  inflight_.erase(it);
  by_id_.erase(id_key(q->socket, q->id));
  q->deadline.cancel();
  q->retry.cancel();
  if (q->tcp) q->tcp->close();
  remember(key, q->type, answer);
  for (Callback& done : q->waiters) {
    asio::post(io_, [done = std::move(done), answer]() { done(answer); });
  }
  go_idle_if_done();
}

// Host lookups (A, AAAA, TLSA), which many domains of a scan share, are kept for their TTL (at
// most an hour), positive or negative; failures never. Per-domain records are not worth it.
void StubResolver::remember(const std::string& key, std::uint16_t type, const Answer& answer) {
  if (type != kA && type != kAaaa && type != kTlsa) return;
  if (options_.cache_entries == 0 || answer.failed() || answer.ttl == 0) return;
  while (cache_.size() >= options_.cache_entries && !cache_order_.empty()) {
    const auto& [old, serial] = cache_order_.front();
    if (auto it = cache_.find(old); it != cache_.end() && it->second.serial == serial) {
      cache_.erase(it);
    }
    cache_order_.pop_front();
  }
  const auto expires = Clock::now() + std::chrono::seconds(std::min(answer.ttl, kMaxCacheSeconds));
  const std::uint64_t serial = ++serial_;
  cache_.insert_or_assign(key, Cached{answer, expires, serial});
  cache_order_.emplace_back(key, serial);
}

// An idle receive would keep the event loop running forever: stop listening when nothing is
// in flight (a later question listens again).
void StubResolver::go_idle_if_done() {
  if (!inflight_.empty()) return;
  for (auto& socket : sockets_) {
    if (!socket->receiving) continue;
    socket->receiving = false;
    ++socket->generation;
    boost::system::error_code ec;
    socket->udp.cancel(ec);
  }
}

}  // namespace webshield::dns
