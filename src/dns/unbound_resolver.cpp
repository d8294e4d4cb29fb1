#include "dns/unbound_resolver.hpp"

#include <fmt/format.h>
#include <unbound.h>

#include <charconv>
#include <filesystem>

#include "core/ip_address.hpp"

namespace webshield::dns {
namespace {

constexpr const char* kRootAnchor = "/usr/share/dns/root.key";
constexpr int kClassIn = 1;
constexpr int kNxdomain = 3;

Answer classify(int err, const ub_result* r) {
  Answer a;
  if (err != 0 || r == nullptr) {
    a.why = ub_strerror(err);
    return a;
  }
  a.ttl = static_cast<std::uint32_t>(r->ttl);
  a.security = r->secure != 0  ? Security::secure
               : r->bogus != 0 ? Security::bogus
                               : Security::insecure;
  if (r->why_bogus != nullptr) a.why = r->why_bogus;
  if (r->canonname != nullptr && r->qname != nullptr
      && std::string_view(r->canonname) != std::string_view(r->qname)) {
    a.canonical_name = r->canonname;
    if (a.canonical_name.ends_with('.')) a.canonical_name.pop_back();
  }
  if (r->rcode == kNxdomain) {
    a.status = Status::nxdomain;
  } else if (r->rcode != 0) {
    a.status = Status::servfail;
    if (a.why.empty()) a.why = fmt::format("rcode {}", r->rcode);
  } else if (r->havedata != 0) {
    a.status = Status::answer;
    for (int i = 0; r->data[i] != nullptr; ++i) {
      a.rdata.emplace_back(r->data[i], static_cast<std::size_t>(r->len[i]));
    }
  } else {
    a.status = Status::nodata;
  }
  return a;
}

}  // namespace

struct UnboundResolver::Query {
  UnboundResolver* owner;
  Callback done;
  asio::steady_timer timer;
  int id = 0;
};

Result<std::string> forwarder_address(std::string_view text) {
  std::string host(text);
  std::string port = "53";
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return fail("unterminated '['", std::string(text));
    host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return fail("expected ':' after ']'", std::string(text));
      port = std::string(text.substr(close + 2));
    }
  } else if (std::ranges::count(text, ':') == 1) {
    const auto colon = text.find(':');
    host = std::string(text.substr(0, colon));
    port = std::string(text.substr(colon + 1));
  }
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
    return fail("bad port '" + port + "'", std::string(text));
  }
  if (!is_ip_address(host)) return fail("not an IP address", std::string(text));
  return host + "@" + port;
}

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::create(asio::io_context& io,
                                                                 const ResolverOptions& options) {
  ub_ctx* ctx = ub_ctx_create();
  if (ctx == nullptr) return fail("cannot create a libunbound context");
  auto check = [&](int rc, std::string what) -> Result<void> {
    if (rc == 0) return {};
    ub_ctx_delete(ctx);
    return fail(std::move(what) + ": " + ub_strerror(rc));
  };
  // Threads, not a forked process (the default).
  if (auto ok = check(ub_ctx_async(ctx, 1), "async mode"); !ok) return std::unexpected(ok.error());
  // libunbound answers special-use names such as .test locally; let them reach the server.
  if (auto ok = check(ub_ctx_set_option(ctx, "local-zone:", "test. transparent"), "local-zone");
      !ok) {
    return std::unexpected(ok.error());
  }
  if (options.forwarder) {
    auto address = forwarder_address(*options.forwarder);
    if (!address) {
      ub_ctx_delete(ctx);
      return fail("--resolver: " + address.error().describe());
    }
    if (auto ok = check(ub_ctx_set_fwd(ctx, address->c_str()), "forwarder"); !ok) {
      return std::unexpected(ok.error());
    }
    // A forwarder on this machine (a local resolver, a test server) must be reachable.
    if (auto ok = check(ub_ctx_set_option(ctx, "do-not-query-localhost:", "no"), "localhost");
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (options.validate && options.trust_anchor_files.empty()) {
    if (std::filesystem::exists(kRootAnchor)) {
      if (auto ok = check(ub_ctx_add_ta_file(ctx, kRootAnchor), kRootAnchor); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  for (const std::string& file : options.trust_anchor_files) {
    if (!std::filesystem::exists(file)) {
      ub_ctx_delete(ctx);
      return fail("trust anchor file not found", file);
    }
    if (auto ok = check(ub_ctx_add_ta_file(ctx, file.c_str()), "trust anchor " + file); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return std::unique_ptr<UnboundResolver>(new UnboundResolver(io, ctx, options.timeout));
}

UnboundResolver::UnboundResolver(asio::io_context& io, ub_ctx* ctx,
                                 std::chrono::milliseconds timeout)
    : io_(io), ctx_(ctx), fd_(io, ub_fd(ctx)), timeout_(timeout) {}

UnboundResolver::~UnboundResolver() {
  for (auto& [query, owned] : queries_)
    ub_cancel(ctx_, query->id);
  queries_.clear();
  fd_.cancel();
  fd_.release();  // unbound owns the descriptor
  ub_ctx_delete(ctx_);
}

void UnboundResolver::watch() {
  if (watching_) return;
  watching_ = true;
  fd_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // cancelled: `this` may be gone, and watching_ was reset by whoever cancelled
    watching_ = false;
    ub_process(ctx_);
    if (!queries_.empty()) watch();
  });
}

void UnboundResolver::resolve(const std::string& name, std::uint16_t type, Callback done) {
  ++questions_;
  auto query = std::make_unique<Query>(Query{this, std::move(done), asio::steady_timer(io_), 0});
  Query* raw = query.get();
  const int rc = ub_resolve_async(ctx_, name.c_str(), type, kClassIn, raw, &on_result, &raw->id);
  if (rc != 0) {
    Answer failed;
    failed.why = ub_strerror(rc);
    asio::post(io_, [cb = std::move(raw->done), failed]() { cb(failed); });
    return;
  }
  queries_.emplace(raw, std::move(query));
  raw->timer.expires_after(timeout_);
  raw->timer.async_wait([this, raw](boost::system::error_code ec) {
    if (ec || !queries_.contains(raw)) return;
    ub_cancel(ctx_, raw->id);
    Answer timed_out;
    timed_out.status = Status::timeout;
    timed_out.why = fmt::format("no answer within {} ms", timeout_.count());
    finish(raw, std::move(timed_out));
  });
  watch();
}

void UnboundResolver::on_result(void* data, int err, ub_result* result) {
  auto* query = static_cast<Query*>(data);
  Answer answer = classify(err, result);
  ub_resolve_free(result);
  query->owner->finish(query, std::move(answer));
}

void UnboundResolver::finish(Query* query, Answer answer) {
  auto it = queries_.find(query);
  if (it == queries_.end()) return;
  std::unique_ptr<Query> owned = std::move(it->second);
  queries_.erase(it);
  owned->timer.cancel();
  if (queries_.empty() && watching_) {
    // Nothing left to wait for: an idle wait on unbound's descriptor would keep the event
    // loop running forever.
    watching_ = false;
    fd_.cancel();
  }
  Callback done = std::move(owned->done);
  // Deliver from the event loop, never from inside ub_process or the destructor of a timer.
  asio::post(io_, [done = std::move(done), answer = std::move(answer)]() { done(answer); });
}

}  // namespace webshield::dns
