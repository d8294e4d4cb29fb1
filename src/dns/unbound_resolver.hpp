// Resolver on libunbound's asynchronous API, driven by the Asio event loop: the context's
// file descriptor is watched with a stream_descriptor and ub_process() runs when it is
// readable. DNSSEC-validating; recursive from the root by default, or forwarding to one server.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "dns/resolver.hpp"

struct ub_ctx;
struct ub_result;

namespace webshield::dns {

struct ResolverOptions {
  // "IP" or "IP:PORT" ("[IPv6]:PORT"): send every query there instead of recursing.
  std::optional<std::string> forwarder;
  // Trust anchor files (DS or DNSKEY records in zone-file format). When empty, the root's
  // anchor from /usr/share/dns/root.key is used; when given, they replace it (a private
  // signed zone has no chain from the root).
  std::vector<std::string> trust_anchor_files;
  // False: no trust anchor at all, every answer is insecure (for servers that cannot be
  // validated from the root, such as an authoritative server used as forwarder).
  bool validate = true;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

class UnboundResolver final : public Resolver {
 public:
  static Result<std::unique_ptr<UnboundResolver>> create(asio::io_context& io,
                                                         const ResolverOptions& options);
  ~UnboundResolver() override;
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  void resolve(const std::string& name, std::uint16_t type, Callback done) override;

  std::size_t questions() const override { return questions_; }

 private:
  struct Query;

  UnboundResolver(asio::io_context& io, ub_ctx* ctx, std::chrono::milliseconds timeout);
  void watch();
  void finish(Query* query, Answer answer);
  static void on_result(void* data, int err, ub_result* result);

  asio::io_context& io_;
  ub_ctx* ctx_;
  asio::posix::stream_descriptor fd_;
  std::chrono::milliseconds timeout_;
  bool watching_ = false;
  std::size_t questions_ = 0;
  std::map<Query*, std::unique_ptr<Query>> queries_;
};

// Parses "IP", "IP:PORT" or "[IPv6]:PORT" into unbound's "IP@PORT" form.
Result<std::string> forwarder_address(std::string_view text);

}  // namespace webshield::dns
