// The routes of `webshield serve`.
#include "server/routes.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

#include "analyze/alert_run.hpp"
#include "core/ascii.hpp"
#include "core/domain_name.hpp"
#include "server/resume.hpp"
#include "store/json.hpp"
#include "store/selection.hpp"
#include "web/assets.hpp"

namespace webshield::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kSessionCookie = "webshield_session";
constexpr UnixSeconds kSessionSeconds = 12 * 3600;
constexpr std::size_t kSignInBodyBytes = 4096;
constexpr std::size_t kDefaultPage = 50;

// Media types a report may come with: RFC 8460 §5.4's two, and those senders use instead.
constexpr std::string_view kReportMediaTypes[] = {
    "application/tlsrpt+gzip", "application/tlsrpt+json", "application/json",
    "application/gzip",        "application/x-gzip",      "application/octet-stream"};

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string domain_key(std::string_view name) {
  if (auto d = DomainName::parse(name)) return d->ascii();
  std::string key = ascii::lower(name);
  if (!key.empty() && key.back() == '.') key.pop_back();
  return key;
}

bool is_loopback(std::string_view address) {
  return address == "::1" || address.starts_with("127.");
}

Response database_error(const Error& error) {
  Response r = error_response(503, "the database cannot be read: " + error.describe());
  r.fields.emplace_back("Retry-After", "10");
  return r;
}

Response not_found() {
  return error_response(404, "no such page");
}

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

// The headers every answer carries; pages get a strict Content-Security-Policy.
void harden(Response& r) {
  r.fields.emplace_back("X-Content-Type-Options", "nosniff");
  r.fields.emplace_back("Referrer-Policy", "no-referrer");
  r.fields.emplace_back("X-Frame-Options", "DENY");
  if (r.content_type.starts_with("text/html")) {
    r.fields.emplace_back("Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  }
  bool cached = false;
  for (const auto& [name, value] : r.fields)
    cached = cached || name == "Cache-Control";
  if (!cached) r.fields.emplace_back("Cache-Control", "no-store");
}

}  // namespace

Routes::Routes(Services services)
    : s_(services),
      report_limiter_(services.config.report_posts_per_minute),
      sign_in_limiter_(10),
      hashing_(1) {
  for (const std::string& d : s_.config.domains)
    domains_.insert(domain_key(d));
}

Routes::~Routes() {
  hashing_.join();
}

std::string_view Routes::route_of(const RequestHead& head) const {
  if (head.path == s_.config.report_path) return "report";
  if (head.path == "/api/v1/check") return "check";
  if (head.path == "/api/v1/session") return "session";
  if (head.path.starts_with("/api/")) return "api";
  if (head.path == "/metrics") return "metrics";
  if (head.path == "/healthz") return "healthz";
  return "page";
}

std::variant<Response, std::size_t> Routes::on_head(const RequestHead& head) {
  const auto now = Clock::now();
  if (head.path == s_.config.report_path) {
    if (head.method != "POST") {
      Response r = error_response(405, "reports are sent with POST (RFC 8460 §5.4)");
      r.fields.emplace_back("Allow", "POST");
      return r;
    }
    const std::string type = media_type(head.field("content-type").value_or(""));
    if (std::ranges::find(kReportMediaTypes, type) == std::end(kReportMediaTypes)) {
      s_.metrics.report("media_type");
      return error_response(415,
                            "Content-Type must be application/tlsrpt+gzip or "
                            "application/tlsrpt+json (RFC 8460 §5.4), not '"
                                + ascii::printable(type) + "'");
    }
    if (!head.field("content-length") && !head.field("transfer-encoding")) {
      s_.metrics.report("no_length");
      return error_response(411, "a report needs a Content-Length or a chunked body");
    }
    const std::string key = client_key(head.client);
    if (!report_limiter_.allow(key, now)) {
      s_.metrics.report("rate_limited");
      Response r = error_response(429, "too many reports from your address: send again later");
      r.fields.emplace_back("Retry-After", std::to_string(report_limiter_.retry_after(key, now)));
      return r;
    }
    return s_.limits.report_compressed_bytes;
  }
  if (head.path == "/api/v1/session" && head.method == "POST") {
    const std::string key = client_key(head.client);
    if (!sign_in_limiter_.allow(key, now)) {
      Response r = error_response(429, "too many sign-in attempts: wait a minute");
      r.fields.emplace_back("Retry-After", std::to_string(sign_in_limiter_.retry_after(key, now)));
      return r;
    }
    return kSignInBodyBytes;
  }
  if (head.method == "GET" || head.method == "HEAD"
      || (head.method == "DELETE" && head.path == "/api/v1/session"))
    return std::size_t{0};
  Response r = error_response(405, "method not allowed here");
  r.fields.emplace_back("Allow", "GET, HEAD");
  return r;
}

asio::awaitable<Response> Routes::handle(Request request) {
  const RequestHead& head = request.head;
  Response r;
  if (head.path == s_.config.report_path) {
    r = co_await post_report(std::move(request));
  } else if (head.path == "/healthz") {
    r = co_await healthz();
  } else if (head.path == "/metrics") {
    Result<std::optional<std::string>> user = std::optional<std::string>();
    if (!is_loopback(head.client)) user = co_await user_of(head);
    if (!user) {
      r = database_error(user.error());
    } else if (is_loopback(head.client) || *user) {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = s_.metrics.text();
    } else {
      r = error_response(401, "sign in");
    }
  } else if (head.path == "/api/v1/check") {
    if (s_.check == nullptr) {
      r = error_response(404, "the public check is off on this server");
    } else {
      std::string domain = query_value(head.query, "domain").value_or("");
      r = co_await s_.check->check(std::move(domain), head.client);
    }
  } else if (head.path == "/api/v1/session" && head.method == "POST") {
    r = co_await sign_in(std::move(request));
  } else if (head.path.starts_with("/api/")) {
    const Result<std::optional<std::string>> user = co_await user_of(head);
    if (!user) {
      r = database_error(user.error());
    } else if (!*user) {
      r = error_response(401, "sign in");
    } else if (head.path == "/api/v1/session" && head.method == "DELETE") {
      r = co_await sign_out(head);
    } else if (head.path == "/api/v1/session") {
      r = json_response(200, dump({{"user", **user}}));
    } else if (head.path == "/api/v1/probe") {
      r = co_await probe(head);
    } else {
      r = co_await api(head, **user);
    }
  } else {
    r = page(head);
  }
  harden(r);
  co_return r;
}

asio::awaitable<Result<std::optional<std::string>>> Routes::user_of(const RequestHead& head) {
  using User = std::optional<std::string>;
  if (auto authorization = head.field("authorization")) {
    if (auto token = bearer_token(*authorization)) co_return s_.auth.check_token(*token);
    co_return User();
  }
  const auto id = cookie_value(head.field("cookie").value_or(""), kSessionCookie);
  if (!id) co_return User();
  if (User known = sessions_.user(*id, Clock::now())) co_return known;
  // Not in this server's memory: signed in on another server, before a restart, or not at all.
  auto found = std::make_shared<std::optional<std::pair<std::string, UnixSeconds>>>();
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  StoreJob job = [key = session_key(*id), now, found](store::Store& st) -> Result<void> {
    auto s = st.session(key, now);
    if (!s) return std::unexpected(s.error());
    *found = std::move(*s);
    return {};
  };
  const Result<void> read = co_await s_.readers.run(std::move(job));
  if (!read) co_return std::unexpected(read.error());
  if (!*found) co_return User();
  auto& [user, expires] = **found;
  sessions_.remember(std::string(*id), user, Clock::now(), std::chrono::seconds(expires - now));
  co_return std::move(user);
}

asio::awaitable<Response> Routes::sign_out(const RequestHead& head) {
  const auto id = cookie_value(head.field("cookie").value_or(""), kSessionCookie);
  if (id) {
    sessions_.forget(*id);
    StoreJob job = [key = session_key(*id)](store::Store& st) { return st.close_session(key); };
    const Result<void> closed = co_await s_.readers.run(std::move(job));
    if (!closed) co_return database_error(closed.error());
  }
  Response r = json_response(200, R"({"signed_out":true})");
  r.fields.emplace_back(
      "Set-Cookie",
      fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", kSessionCookie));
  co_return r;
}

bool Routes::served(const report::Report& report) const {
  if (domains_.empty()) return true;
  for (const report::Policy& p : report.policies)
    if (p.policy_domain && domains_.contains(domain_key(*p.policy_domain))) return true;
  return false;
}

asio::awaitable<Response> Routes::post_report(Request request) {
  const RequestHead& head = request.head;
  const std::string type(head.field("content-type").value_or(""));
  const std::string origin = fmt::format("https:{} ({})", head.client, ascii::printable(type));
  if (request.body.empty()) {
    s_.metrics.report("malformed");
    co_return error_response(400, "the body is empty: POST the report (RFC 8460 §5.4)");
  }
  ReadResult read = co_await s_.reader.read(request.body);
  if (!read) {
    if (read.error().too_large) {
      s_.metrics.report("too_large");
      s_.log.warning(
          "report refused",
          {{"client", head.client}, {"status", "413"}, {"reason", read.error().message}});
      co_return error_response(413, read.error().message);
    }
    // Kept in the quarantine with its bytes, so that the operator can see what a sender sent.
    store::NewQuarantined held{request.body, "https", origin, read.error().message,
                               static_cast<UnixSeconds>(std::time(nullptr))};
    auto id = co_await s_.committer.quarantine(std::move(held));
    if (!id) {
      s_.metrics.report("unavailable");
      s_.log.error("database unavailable",
                   {{"client", head.client}, {"error", id.error().describe()}});
      Response r = error_response(503, "the report cannot be kept now: send it again later");
      r.fields.emplace_back("Retry-After", "60");
      co_return r;
    }
    s_.metrics.report("malformed");
    s_.log.warning("report refused", {{"client", head.client},
                                      {"status", "400"},
                                      {"quarantine", std::to_string(*id)},
                                      {"reason", read.error().message}});
    co_return error_response(400, "not a TLS-RPT report: " + read.error().message);
  }
  if (!served(*read)) {
    s_.metrics.report("domain");
    s_.log.warning("report refused", {{"client", head.client},
                                      {"status", "403"},
                                      {"organization", read->organization_name},
                                      {"report_id", read->report_id}});
    co_return error_response(403,
                             "this server does not accept reports for the policy domains "
                             "of this report");
  }
  const std::string organization = read->organization_name;
  const std::string report_id = read->report_id;
  store::NewReport item;
  item.report = std::move(*read);
  item.raw = std::move(request.body);
  item.source.transport = "https";
  item.origin = origin;
  item.received_at = static_cast<UnixSeconds>(std::time(nullptr));
  auto added = co_await s_.committer.add(std::move(item));
  if (!added) {
    s_.metrics.report("unavailable");
    s_.log.error("report not stored", {{"client", head.client},
                                       {"organization", organization},
                                       {"report_id", report_id},
                                       {"error", added.error().describe()}});
    Response r = error_response(503, "the report cannot be stored now: send it again later");
    r.fields.emplace_back("Retry-After", "60");
    co_return r;
  }
  const bool stored = added->outcome == store::Outcome::stored;
  s_.metrics.report(stored ? "stored" : "duplicate");
  if (stored && s_.alerts != nullptr) s_.alerts->report_stored();
  s_.log.info(stored ? "report stored" : "report duplicate", {{"id", std::to_string(added->id)},
                                                              {"client", head.client},
                                                              {"organization", organization},
                                                              {"report_id", report_id}});
  co_return json_response(stored ? 201 : 200,
                          dump({{"status", stored ? "stored" : "duplicate"}, {"id", added->id}}));
}

asio::awaitable<Response> Routes::sign_in(Request request) {
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  auto text = [&](const char* key) -> std::string {
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return {};
    return body[key].get<std::string>();
  };
  const std::string token = text("token");
  const std::string user = text("username");
  const std::string password = text("password");
  if (token.empty() && (user.empty() || password.empty()))
    co_return error_response(400, R"(send {"username":…,"password":…} or {"token":…})");

  std::optional<std::string> who;
  if (!token.empty()) {
    who = s_.auth.check_token(token);
  } else {
    Starter<std::optional<std::string>> start = [this, &user,
                                                 &password](Done<std::optional<std::string>> done) {
      asio::post(hashing_, [this, &user, &password, done = std::move(done)]() mutable {
        done(s_.auth.check_password(user, password));
      });
    };
    who = co_await resume_after(&start);
  }
  if (!who) {
    s_.log.warning("sign-in refused", {{"client", request.head.client}, {"user", user}});
    co_return error_response(401, "wrong user name, password or token");
  }
  const std::string id = random_token();
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  StoreJob open = [key = session_key(id), user = *who, now](store::Store& st) {
    return st.open_session(key, user, now + kSessionSeconds, now);
  };
  const Result<void> opened = co_await s_.readers.run(std::move(open));
  if (!opened) co_return database_error(opened.error());
  sessions_.remember(id, *who, Clock::now(), std::chrono::seconds(kSessionSeconds));
  Response r = json_response(200, dump({{"user", *who}}));
  r.fields.emplace_back(
      "Set-Cookie",
      fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie, id,
                  kSessionSeconds, request.head.tls ? "; Secure" : ""));
  s_.log.info("signed in", {{"client", request.head.client}, {"user", *who}});
  co_return r;
}

asio::awaitable<Response> Routes::healthz() {
  StoreJob job = [](store::Store& st) { return st.ping(); };
  const Result<void> ok = co_await s_.readers.run(std::move(job));
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  if (ok) {
    r.body = "ok\n";
  } else {
    r.status = 503;
    r.body = "the database does not answer: " + ok.error().describe() + "\n";
  }
  co_return r;
}

// GET /api/v1/probe?mx=HOST: the live probe of one MX host that reports name (docs/serve.md).
// Signed-in users only; it runs on the public check's checker, so that the address guard and
// the check's resolver settings apply, and it is off when the check is.
asio::awaitable<Response> Routes::probe(const RequestHead& head) {
  if (s_.check == nullptr)
    co_return error_response(404, "the probe is off on this server: it needs the check");
  std::string host = query_value(head.query, "mx").value_or("");
  co_return co_await s_.check->probe(std::move(host));
}

asio::awaitable<Response> Routes::api(const RequestHead& head, const std::string& /*user*/) {
  const std::string_view path = head.path;
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  auto sel = store::make_selection(query_value(head.query, "domain").value_or(""),
                                   query_value(head.query, "since").value_or(""),
                                   query_value(head.query, "until").value_or(""), now);
  if (!sel) co_return error_response(400, sel.error().describe());
  std::size_t limit = kDefaultPage;
  if (auto text = query_value(head.query, "limit")) {
    auto n = number(*text);
    if (!n || *n == 0) co_return error_response(400, "limit must be a whole number, 1 or more");
    limit = static_cast<std::size_t>(std::min<std::uint64_t>(*n, store::kMaxListLimit));
  }

  // Each job runs on a reader thread with its own connection and fills `r`.
  Response r;
  StoreJob job;
  if (path == "/api/v1/summary") {
    job = [&](store::Store& st) -> Result<void> {
      auto summary = st.summary(*sel);
      if (!summary) return std::unexpected(summary.error());
      r = json_response(200, dump(store::to_json(*summary)));
      return {};
    };
  } else if (path == "/api/v1/reports") {
    store::ListOptions options{*sel, limit, std::nullopt};
    if (auto before = query_value(head.query, "before")) {
      auto n = number(*before);
      if (!n) co_return error_response(400, "before must be a report id");
      options.before = static_cast<store::Id>(*n);
    }
    job = [&, options](store::Store& st) -> Result<void> {
      auto reports = st.reports(options);
      if (!reports) return std::unexpected(reports.error());
      nlohmann::json list = nlohmann::json::array();
      for (const store::StoredReport& s : *reports)
        list.push_back(store::to_json(s));
      nlohmann::json next = nullptr;
      if (reports->size() == options.limit && !reports->empty()) next = reports->back().id;
      r = json_response(200, dump({{"reports", std::move(list)}, {"next_before", next}}));
      return {};
    };
  } else if (path.starts_with("/api/v1/reports/")) {
    std::string_view rest = path.substr(std::string_view("/api/v1/reports/").size());
    const bool raw = rest.ends_with("/raw");
    if (raw) rest.remove_suffix(4);
    auto id = number(rest);
    if (!id) co_return not_found();
    job = [&, raw, id = static_cast<store::Id>(*id)](store::Store& st) -> Result<void> {
      auto found = st.report(id, raw);
      if (!found) return std::unexpected(found.error());
      if (!*found) {
        r = error_response(404, fmt::format("no report {}", id));
      } else if (raw) {
        r.content_type = "application/octet-stream";
        r.body = std::move(*(*found)->raw);
        r.fields.emplace_back("Content-Disposition",
                              fmt::format("attachment; filename=\"report-{}.bin\"", id));
      } else {
        r = json_response(200, dump(store::to_json(**found)));
      }
      return {};
    };
  } else if (path == "/api/v1/reporters") {
    job = [&](store::Store& st) -> Result<void> {
      auto reporters = st.reporters(*sel);
      if (!reporters) return std::unexpected(reporters.error());
      nlohmann::json list = nlohmann::json::array();
      for (const store::Reporter& rep : *reporters)
        list.push_back(store::to_json(rep, now));
      r = json_response(200, dump({{"reporters", std::move(list)}}));
      return {};
    };
  } else if (path == "/api/v1/alerts") {
    job = [&](store::Store& st) -> Result<void> {
      auto states = st.alert_states();
      if (!states) return std::unexpected(states.error());
      r = json_response(200, dump(analyze::alerts_json(*states)));
      return {};
    };
  } else if (path == "/api/v1/quarantine") {
    const std::size_t count = query_value(head.query, "limit") ? limit : 100;
    job = [&, count](store::Store& st) -> Result<void> {
      auto items = st.quarantined(count);
      if (!items) return std::unexpected(items.error());
      nlohmann::json list = nlohmann::json::array();
      for (const store::Quarantined& q : *items)
        list.push_back(store::to_json(q));
      r = json_response(200, dump({{"items", std::move(list)}}));
      return {};
    };
  } else {
    co_return not_found();
  }
  const Result<void> done = co_await s_.readers.run(std::move(job));
  if (!done) co_return database_error(done.error());
  co_return r;
}

Response Routes::page(const RequestHead& head) const {
  const Asset* asset = find_asset(head.path);
  if (asset == nullptr) return not_found();
  Response r;
  r.fields.emplace_back("ETag", std::string(asset->etag));
  // Pages are looked at again on every visit (revalidated by ETag); their scripts and styles
  // change only with the program, which changes their ETag too.
  r.fields.emplace_back("Cache-Control", head.path.starts_with("/assets/")
                                             ? "public, max-age=3600, must-revalidate"
                                             : "no-cache");
  if (head.field("if-none-match") == asset->etag) {
    r.status = 304;
    return r;
  }
  r.content_type = std::string(asset->content_type);
  r.body = std::string(asset->body);
  return r;
}

}  // namespace webshield::server
