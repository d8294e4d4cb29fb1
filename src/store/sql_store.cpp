// Stores, lists and sums TLS-RPT reports with SQL that both SQLite and PostgreSQL run: a batch
// is one write transaction; a report is inserted with ON CONFLICT DO NOTHING on its unique
// identity and then found, never read-then-written (REPORTS.md "Identity and duplicates");
// reads that need several statements run in one snapshot. Report data is bounded by the
// parser; every value is a bound parameter.
#include "store/sql_store.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/ascii.hpp"
#include "store/migrate.hpp"

namespace webshield::store::detail {
namespace {

constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
// A batch that meets a deadlock or a serialisation failure on PostgreSQL is run again this
// many times (batches are inserted in key order, so this should not happen between two adds).
constexpr int kAttempts = 5;

// ---- Text the databases can keep ------------------------------------------------------------

// The length of the valid UTF-8 sequence at s[i], or 0 (NUL counts as invalid: PostgreSQL text
// cannot hold it). RFC 3629 §4, with the overlong, surrogate and >U+10FFFF forms excluded.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return n;
}

bool storable(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Our own descriptions (origin, warnings, source) are kept even when they are not clean text.
std::string repaired(std::string_view s) {
  if (storable(s)) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<std::string> repaired_optional(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return repaired(*s);
}

class Checker {
 public:
  void text(std::string_view field, std::string_view value) {
    if (error_.empty() && !storable(value))
      error_ = std::string(field) + " holds a NUL byte or invalid UTF-8, which cannot be stored";
  }
  void optional_text(std::string_view field, const std::optional<std::string>& value) {
    if (value) text(field, *value);
  }
  void count(std::string_view field, std::uint64_t value) {
    if (error_.empty() && value > kMaxCount)
      error_ = std::string(field) + " is larger than 2^63-1, which cannot be stored";
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

Result<void> check_storable(const report::Report& r) {
  Checker c;
  c.text("organization-name", r.organization_name);
  c.text("report-id", r.report_id);
  c.optional_text("contact-info", r.contact_info);
  c.text("sha256", r.canonical_sha256);
  for (std::size_t i = 0; i < r.policies.size() && c.error().empty(); ++i) {
    const report::Policy& p = r.policies[i];
    const std::string at = "policies[" + std::to_string(i) + "].";
    c.text(at + "policy-type", p.policy_type_raw);
    c.optional_text(at + "policy-domain", p.policy_domain);
    for (const std::string& s : p.policy_strings)
      c.text(at + "policy-string", s);
    for (const std::string& s : p.mx_hosts)
      c.text(at + "mx-host", s);
    c.count(at + "total-successful-session-count", p.successful_sessions);
    if (p.failed_sessions) c.count(at + "total-failure-session-count", *p.failed_sessions);
    for (std::size_t k = 0; k < p.failure_details.size() && c.error().empty(); ++k) {
      const report::FailureDetail& d = p.failure_details[k];
      const std::string dat = at + "failure-details[" + std::to_string(k) + "].";
      c.text(dat + "result-type", d.result_type_raw);
      c.optional_text(dat + "sending-mta-ip", d.sending_mta_ip);
      c.optional_text(dat + "receiving-mx-hostname", d.receiving_mx_hostname);
      c.optional_text(dat + "receiving-mx-helo", d.receiving_mx_helo);
      c.optional_text(dat + "receiving-ip", d.receiving_ip);
      c.optional_text(dat + "additional-information", d.additional_information);
      c.optional_text(dat + "failure-reason-code", d.failure_reason_code);
      c.count(dat + "failed-session-count", d.failed_session_count);
    }
  }
  if (!c.error().empty()) return fail(c.error());
  return {};
}

// ---- Values as columns ----------------------------------------------------------------------

// The policy domain that summaries group and filter by: ASCII lower case, no final dot.
std::string domain_key(const std::optional<std::string>& domain) {
  if (!domain) return {};
  std::string key = ascii::lower(*domain);
  if (key.ends_with('.')) key.pop_back();
  return key;
}

std::string json_array(const std::vector<std::string>& strings) {
  return nlohmann::json(strings).dump();
}

Result<std::vector<std::string>> from_json_array(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return fail("not a JSON array: " + text.substr(0, 80));
  std::vector<std::string> out;
  for (const auto& e : j) {
    if (!e.is_string()) return fail("not an array of strings: " + text.substr(0, 80));
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::int64_t as_int(std::uint64_t v) {
  return static_cast<std::int64_t>(v);
}

// "2024-09-15" for the UTC day that starts at `t`.
std::string day_of(std::int64_t t) {
  return format_utc(t).substr(0, 10);
}

// ---- SQL --------------------------------------------------------------------------------------
// Placeholders are $1, $2…; both dialects read them. Only constant fragments are joined here.

constexpr std::string_view kInsertReport =
    "INSERT INTO reports (organization_name, report_id, date_start, date_end, canonical_sha256,"
    " contact_info, received_at, transport, origin, source_name, report_domain, submitter, dkim,"
    " dkim_domain, dkim_reason, dkim_aligned, warnings, raw)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    " ON CONFLICT DO NOTHING RETURNING id";

constexpr std::string_view kFindReport =
    "SELECT id FROM reports WHERE canonical_sha256 = $1 AND organization_name = $2"
    " AND report_id = $3 AND date_start = $4 AND date_end = $5";

constexpr std::string_view kInsertPolicy =
    "INSERT INTO policies (report, position, policy_type, policy_domain, domain_key,"
    " policy_strings, mx_hosts, successful_sessions, failed_sessions)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

constexpr std::string_view kInsertDetail =
    "INSERT INTO failure_details (policy, position, result_type, sending_mta_ip,"
    " receiving_mx_hostname, receiving_mx_helo, receiving_ip, failed_session_count,"
    " additional_information, failure_reason_code)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

constexpr std::string_view kReportColumns =
    "SELECT r.id, r.organization_name, r.report_id, r.date_start, r.date_end, r.canonical_sha256,"
    " r.contact_info, r.received_at, r.transport, r.origin, r.source_name, r.report_domain,"
    " r.submitter, r.dkim, r.dkim_domain, r.dkim_reason, r.dkim_aligned, r.warnings";

constexpr std::string_view kPolicyColumns =
    "SELECT p.report, p.id, p.policy_type, p.policy_domain, p.policy_strings, p.mx_hosts,"
    " p.successful_sessions, p.failed_sessions FROM policies p";

constexpr std::string_view kDetailColumns =
    "SELECT d.policy, d.result_type, d.sending_mta_ip, d.receiving_mx_hostname,"
    " d.receiving_mx_helo, d.receiving_ip, d.failed_session_count, d.additional_information,"
    " d.failure_reason_code FROM failure_details d";

// Listing parameters: $1 since, $2 until, $3 before (id), $4 limit, $5 domain (when filtered).
std::string page_where(bool domain) {
  std::string w = " WHERE r.id < $3 AND r.date_start >= $1 AND r.date_start < $2";
  if (domain)
    w += " AND EXISTS (SELECT 1 FROM policies q WHERE q.report = r.id AND q.domain_key = $5)";
  return w;
}

std::string page_ids(bool domain) {
  return "SELECT r.id FROM reports r" + page_where(domain) + " ORDER BY r.id DESC LIMIT $4";
}

struct Queries {
  std::string reports, policies, details;
};

Queries page_queries(bool domain) {
  return {std::string(kReportColumns) + " FROM reports r" + page_where(domain)
              + " ORDER BY r.id DESC LIMIT $4",
          std::string(kPolicyColumns) + " WHERE p.report IN (" + page_ids(domain)
              + ") ORDER BY p.report, p.position",
          std::string(kDetailColumns)
              + " WHERE d.policy IN (SELECT p.id FROM policies p WHERE p.report IN ("
              + page_ids(domain) + ")) ORDER BY d.policy, d.position"};
}

Queries one_queries(bool with_raw) {
  return {std::string(kReportColumns) + (with_raw ? ", r.raw" : "") +
              " FROM reports r WHERE r.id = $1",
          std::string(kPolicyColumns) + " WHERE p.report = $1 ORDER BY p.position",
          std::string(kDetailColumns) +
              " WHERE d.policy IN (SELECT p.id FROM policies p WHERE p.report = $1)"
              " ORDER BY d.policy, d.position"};
}

// Summary parameters: $1 since, $2 until, $3 domain (when filtered).
std::string policy_where(bool domain) {
  return std::string(" WHERE r.date_start >= $1 AND r.date_start < $2")
         + (domain ? " AND p.domain_key = $3" : "");
}

// A policy's failed sessions: its total when the report gave one, else the sum of its details.
constexpr std::string_view kPolicyFailed =
    "COALESCE(p.failed_sessions, (SELECT COALESCE(SUM(d.failed_session_count), 0)"
    " FROM failure_details d WHERE d.policy = p.id))";

std::string totals_sql(bool domain) {
  return "SELECT CAST(COALESCE(SUM(p.successful_sessions), 0) AS BIGINT), CAST(COALESCE(SUM("
         + std::string(kPolicyFailed)
         + "), 0) AS BIGINT) FROM policies p JOIN reports r ON r.id = p.report"
         + policy_where(domain);
}

std::string report_count_sql(bool domain) {
  std::string sql = "SELECT COUNT(*) FROM reports r WHERE r.date_start >= $1 AND r.date_start < $2";
  if (domain)
    sql += " AND EXISTS (SELECT 1 FROM policies p WHERE p.report = r.id AND p.domain_key = $3)";
  return sql;
}

std::string reporters_sql(bool domain) {
  std::string sql =
      "SELECT r.organization_name, COUNT(*), MIN(r.date_start), MAX(r.date_end),"
      " MAX(r.received_at) FROM reports r WHERE r.date_start >= $1 AND r.date_start < $2";
  if (domain)
    sql += " AND EXISTS (SELECT 1 FROM policies p WHERE p.report = r.id AND p.domain_key = $3)";
  return sql + " GROUP BY 1 ORDER BY 4 DESC, 1";
}

// Successful and failed sessions of policies by (domain, key).
std::string policy_breakdown_sql(std::string_view key, bool domain) {
  return "SELECT p.domain_key, " + std::string(key)
         + ", CAST(SUM(p.successful_sessions) AS BIGINT), CAST(SUM(" + std::string(kPolicyFailed)
         + ") AS BIGINT) FROM policies p JOIN reports r ON r.id = p.report" + policy_where(domain)
         + " GROUP BY 1, 2";
}

// Failed sessions of failure details by (domain, a column of the detail).
std::string detail_breakdown_sql(std::string_view column, bool domain) {
  return "SELECT p.domain_key, COALESCE(d." + std::string(column) +
         ", ''), CAST(SUM(d.failed_session_count) AS BIGINT) FROM failure_details d"
         " JOIN policies p ON p.id = d.policy JOIN reports r ON r.id = p.report" +
         policy_where(domain) + " GROUP BY 1, 2";
}

// The UTC day a date-range starts on, as the Unix time of its midnight (floor, also before 1970).
constexpr std::string_view kDayOfStart = "r.date_start - ((r.date_start % 86400) + 86400) % 86400";

// Store::daily(): sessions per report, domain and day; failures per report, domain, day, result
// type and MX host. Parameters as policy_where().
std::string daily_policies_sql(bool domain) {
  return "SELECT r.id, r.organization_name, p.domain_key, " + std::string(kDayOfStart)
         + ", CAST(SUM(p.successful_sessions) AS BIGINT), CAST(SUM(" + std::string(kPolicyFailed)
         + ") AS BIGINT) FROM policies p JOIN reports r ON r.id = p.report" + policy_where(domain)
         + " GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 3";
}

std::string daily_failures_sql(bool domain) {
  return "SELECT r.id, r.organization_name, p.domain_key, " + std::string(kDayOfStart)
         + ", d.result_type, COALESCE(d.receiving_mx_hostname, ''),"
           " CAST(SUM(d.failed_session_count) AS BIGINT) FROM failure_details d"
           " JOIN policies p ON p.id = d.policy JOIN reports r ON r.id = p.report"
         + policy_where(domain) + " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 4, 1, 3, 5, 6";
}

constexpr std::string_view kAlertColumns =
    "alert_key, rule, subject, state, since, fired_at, cleared_at, notified, detail, updated_at,"
    " delivered_to";

// Domain ascending, then the most failures first, then the key.
void sort_by_failures(std::vector<Row>& rows) {
  std::ranges::sort(rows, [](const Row& a, const Row& b) {
    if (a.policy_domain != b.policy_domain) return a.policy_domain < b.policy_domain;
    if (a.failed != b.failed) return a.failed > b.failed;
    return a.key < b.key;
  });
}

void sort_by_key(std::vector<Row>& rows) {
  std::ranges::sort(rows, [](const Row& a, const Row& b) {
    if (a.policy_domain != b.policy_domain) return a.policy_domain < b.policy_domain;
    return a.key < b.key;
  });
}

// ---- The store --------------------------------------------------------------------------------

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

  Result<std::vector<Added>> add(std::span<const NewReport> reports) override {
    if (reports.empty()) return std::vector<Added>{};
    for (int attempt = 1;; ++attempt) {
      bool retryable = false;
      auto added = add_once(reports, retryable);
      if (added || !retryable || attempt == kAttempts) return added;
    }
  }

  Result<std::unique_ptr<CommitSync>> defer_sync() override { return conn_->defer_sync(); }

  Result<Id> quarantine(const NewQuarantined& item) override {
    const std::string transport = repaired(item.transport);
    const std::string origin = repaired(item.origin);
    const std::string reason = repaired(item.reason);
    auto rows = conn_->query(
        "INSERT INTO quarantine (received_at, transport, origin, reason, size, raw)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {Param::of(item.received_at), Param::text(transport), Param::text(origin),
         Param::text(reason), Param::of(static_cast<std::int64_t>(item.raw.size())),
         Param::blob(item.raw)});
    if (!rows) return std::unexpected(rows.error());
    return rows->integer(0, 0);
  }

  Result<std::vector<StoredReport>> reports(const ListOptions& options) override {
    const Selection& sel = options.selection;
    const std::string key = domain_key(sel.policy_domain);
    std::vector<Param> params = {
        Param::of(sel.since.value_or(kMinTime)), Param::of(sel.until.value_or(kMaxTime)),
        Param::of(options.before.value_or(kMaxTime)),
        Param::of(static_cast<std::int64_t>(std::min(options.limit, kMaxListLimit)))};
    if (sel.policy_domain) params.push_back(Param::text(key));
    return read_only(
        [&] { return load(page_queries(sel.policy_domain.has_value()), params, false); });
  }

  Result<std::optional<StoredReport>> report(Id id, bool with_raw) override {
    const Param params[] = {Param::of(id)};
    auto found = read_only([&] { return load(one_queries(with_raw), params, with_raw); });
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return std::optional<StoredReport>();
    return std::optional<StoredReport>(std::move(found->front()));
  }

  Result<Summary> summary(const Selection& selection) override {
    return read_only([&] { return summarise(selection); });
  }

  Result<std::vector<Reporter>> reporters(const Selection& sel) override {
    std::vector<Param> params = {Param::of(sel.since.value_or(kMinTime)),
                                 Param::of(sel.until.value_or(kMaxTime))};
    const std::string key = domain_key(sel.policy_domain);
    if (sel.policy_domain) params.push_back(Param::text(key));
    auto rows = conn_->query(reporters_sql(sel.policy_domain.has_value()), params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<Reporter> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
      out.push_back({rows->text(i, 0), static_cast<std::uint64_t>(rows->integer(i, 1)),
                     rows->integer(i, 2), rows->integer(i, 3), rows->integer(i, 4)});
    }
    return out;
  }

  Result<Daily> daily(const Selection& sel) override {
    const bool domain = sel.policy_domain.has_value();
    const std::string key = domain_key(sel.policy_domain);
    std::vector<Param> params = {Param::of(sel.since.value_or(kMinTime)),
                                 Param::of(sel.until.value_or(kMaxTime))};
    if (domain) params.push_back(Param::text(key));
    return read_only([&]() -> Result<Daily> {
      Daily out;
      auto policies = conn_->query(daily_policies_sql(domain), params);
      if (!policies) return std::unexpected(policies.error());
      for (std::size_t i = 0; i < policies->size(); ++i) {
        out.policies.push_back({policies->integer(i, 0), policies->text(i, 1), policies->text(i, 2),
                                policies->integer(i, 3),
                                static_cast<std::uint64_t>(policies->integer(i, 4)),
                                static_cast<std::uint64_t>(policies->integer(i, 5))});
      }
      auto failures = conn_->query(daily_failures_sql(domain), params);
      if (!failures) return std::unexpected(failures.error());
      for (std::size_t i = 0; i < failures->size(); ++i) {
        out.failures.push_back({failures->integer(i, 0), failures->text(i, 1), failures->text(i, 2),
                                failures->integer(i, 3), failures->text(i, 4), failures->text(i, 5),
                                static_cast<std::uint64_t>(failures->integer(i, 6))});
      }
      return out;
    });
  }

  Result<std::vector<AlertRecord>> alert_states() override {
    auto rows = conn_->query("SELECT " + std::string(kAlertColumns)
                             + " FROM alert_state ORDER BY alert_key");
    if (!rows) return std::unexpected(rows.error());
    std::vector<AlertRecord> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
      auto delivered_to = from_json_array(rows->text(i, 10));
      if (!delivered_to) return std::unexpected(delivered_to.error());
      out.push_back({rows->text(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 3),
                     rows->integer(i, 4), rows->integer(i, 5), rows->optional_integer(i, 6),
                     rows->text(i, 7), std::move(*delivered_to), rows->text(i, 8),
                     rows->integer(i, 9)});
    }
    return out;
  }

  Result<void> save_alert_states(std::span<const AlertRecord> put,
                                 std::span<const std::string> remove) override {
    if (put.empty() && remove.empty()) return {};
    const bool sqlite = conn_->dialect() == Dialect::sqlite;
    if (auto r = conn_->execute(sqlite ? "BEGIN IMMEDIATE" : "BEGIN"); !r)
      return std::unexpected(r.error());
    auto body = [&]() -> Result<void> {
      for (const AlertRecord& a : put) {
        if (a.key.size() > kMaxAlertKey) return fail("alert key longer than 512 bytes", a.key);
        const std::string delivered_to = json_array(a.delivered_to);
        auto done = conn_->query(
            "INSERT INTO alert_state (" + std::string(kAlertColumns)
                + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (alert_key)"
                  " DO UPDATE SET rule = excluded.rule, subject = excluded.subject,"
                  " state = excluded.state, since = excluded.since, fired_at = excluded.fired_at,"
                  " cleared_at = excluded.cleared_at, notified = excluded.notified,"
                  " detail = excluded.detail, updated_at = excluded.updated_at,"
                  " delivered_to = excluded.delivered_to",
            {Param::text(a.key), Param::text(a.rule), Param::text(a.subject),
             Param::text(a.state), Param::of(a.since), Param::of(a.fired_at),
             Param::optional_of(a.cleared_at), Param::text(a.notified), Param::text(a.detail),
             Param::of(a.updated_at), Param::text(delivered_to)});
        if (!done) return std::unexpected(done.error());
      }
      for (const std::string& key : remove) {
        auto done =
            conn_->query("DELETE FROM alert_state WHERE alert_key = $1", {Param::text(key)});
        if (!done) return std::unexpected(done.error());
      }
      return {};
    };
    auto result = body();
    if (!result) {
      (void)conn_->execute("ROLLBACK");
      return result;
    }
    if (auto r = conn_->execute("COMMIT"); !r) {
      (void)conn_->execute("ROLLBACK");
      return std::unexpected(r.error());
    }
    return {};
  }

  Result<Lease> take_lease(std::string_view name, std::string_view holder, UnixSeconds now,
                           UnixSeconds until) override {
    auto taken = conn_->query(
        "INSERT INTO lease (name, holder, expires) VALUES ($1, $2, $3) ON CONFLICT (name) DO"
        " UPDATE SET holder = excluded.holder, expires = excluded.expires"
        " WHERE lease.holder = excluded.holder OR lease.expires <= $4 RETURNING holder, expires",
        {Param::text(name), Param::text(holder), Param::of(until), Param::of(now)});
    if (!taken) return std::unexpected(taken.error());
    if (!taken->empty()) return Lease{taken->text(0, 0), taken->integer(0, 1)};
    auto held =
        conn_->query("SELECT holder, expires FROM lease WHERE name = $1", {Param::text(name)});
    if (!held) return std::unexpected(held.error());
    if (held->empty()) return Lease{};  // given back in between: free, but not taken
    return Lease{held->text(0, 0), held->integer(0, 1)};
  }

  Result<void> drop_lease(std::string_view name, std::string_view holder) override {
    auto done = conn_->query("DELETE FROM lease WHERE name = $1 AND holder = $2",
                             {Param::text(name), Param::text(holder)});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> open_session(std::string_view id_sha256, std::string_view user, UnixSeconds expires,
                            UnixSeconds now) override {
    auto gone = conn_->query("DELETE FROM session WHERE expires <= $1", {Param::of(now)});
    if (!gone) return std::unexpected(gone.error());
    auto done =
        conn_->query("INSERT INTO session (id_sha256, user_name, expires) VALUES ($1, $2, $3)",
                     {Param::text(id_sha256), Param::text(user), Param::of(expires)});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<std::optional<std::pair<std::string, UnixSeconds>>> session(std::string_view id_sha256,
                                                                     UnixSeconds now) override {
    auto rows =
        conn_->query("SELECT user_name, expires FROM session WHERE id_sha256 = $1 AND expires > $2",
                     {Param::text(id_sha256), Param::of(now)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::nullopt;
    return std::pair(rows->text(0, 0), rows->integer(0, 1));
  }

  Result<void> close_session(std::string_view id_sha256) override {
    auto done = conn_->query("DELETE FROM session WHERE id_sha256 = $1", {Param::text(id_sha256)});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<std::vector<Quarantined>> quarantined(std::size_t limit) override {
    auto rows = conn_->query(
        "SELECT id, received_at, transport, origin, reason, size FROM quarantine"
        " ORDER BY id DESC LIMIT $1",
        {Param::of(static_cast<std::int64_t>(std::min(limit, kMaxListLimit)))});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Quarantined> out;
    for (std::size_t i = 0; i < rows->size(); ++i)
      out.push_back(quarantined_row(*rows, i));
    return out;
  }

  Result<std::optional<Quarantined>> quarantined_item(Id id) override {
    auto rows = conn_->query(
        "SELECT id, received_at, transport, origin, reason, size, raw FROM quarantine"
        " WHERE id = $1",
        {Param::of(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<Quarantined>();
    Quarantined q = quarantined_row(*rows, 0);
    q.raw = rows->text(0, 6);
    return std::optional<Quarantined>(std::move(q));
  }

  Result<void> release(Id id) override {
    auto rows = conn_->query("DELETE FROM quarantine WHERE id = $1 RETURNING id", {Param::of(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return fail("no quarantined item " + std::to_string(id));
    return {};
  }

  Result<void> ping() override {
    auto rows = conn_->query("SELECT 1");
    if (!rows) return std::unexpected(rows.error());
    return {};
  }

  Result<Status> status() override {
    return read_only([&]() -> Result<Status> {
      Status s;
      s.backend = conn_->dialect() == Dialect::sqlite ? "sqlite" : "postgresql";
      auto version = current_version(*conn_);
      if (!version) return std::unexpected(version.error());
      s.schema_version = *version;
      auto reports = conn_->query("SELECT COUNT(*) FROM reports");
      if (!reports) return std::unexpected(reports.error());
      s.reports = static_cast<std::uint64_t>(reports->integer(0, 0));
      auto held = conn_->query("SELECT COUNT(*) FROM quarantine");
      if (!held) return std::unexpected(held.error());
      s.quarantined = static_cast<std::uint64_t>(held->integer(0, 0));
      return s;
    });
  }

 private:
  // Runs `body` in one read snapshot, so that its statements agree with each other.
  template <class F>
  auto read_only(F body) -> decltype(body()) {
    const bool sqlite = conn_->dialect() == Dialect::sqlite;
    if (auto r =
            conn_->execute(sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        !r)
      return std::unexpected(r.error());
    auto result = body();
    (void)conn_->execute(result ? "COMMIT" : "ROLLBACK");
    return result;
  }

  // `retryable`: the batch failed on a conflict with a concurrent transaction.
  Result<std::vector<Added>> add_once(std::span<const NewReport> reports, bool& retryable) {
    const bool sqlite = conn_->dialect() == Dialect::sqlite;
    // BEGIN IMMEDIATE: SQLite takes the write lock before the first read, so two writers
    // queue on the busy timeout instead of failing on a lock upgrade.
    if (auto r = conn_->execute(sqlite ? "BEGIN IMMEDIATE" : "BEGIN"); !r)
      return std::unexpected(r.error());
    // Inserted in the order of their unique key, not as given: two servers adding the same
    // reports in different orders then take the index locks in the same order and never
    // deadlock (on PostgreSQL a second insert of a key waits for the first transaction).
    std::vector<std::size_t> order(reports.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
      const report::Report& x = reports[a].report;
      const report::Report& y = reports[b].report;
      return std::tie(x.canonical_sha256, x.organization_name, x.report_id, x.date_range.start,
                      x.date_range.end)
             < std::tie(y.canonical_sha256, y.organization_name, y.report_id, y.date_range.start,
                        y.date_range.end);
    });
    std::vector<Added> out(reports.size());
    for (const std::size_t i : order) {
      auto added = add_one(reports[i]);
      if (!added) {
        retryable = conn_->last_error_retryable();
        (void)conn_->execute("ROLLBACK");
        const report::Report& r = reports[i].report;
        return fail(added.error().describe(), "report " + std::to_string(i + 1) + " of "
                                                  + std::to_string(reports.size()) + " ("
                                                  + repaired(r.organization_name) + ", "
                                                  + repaired(r.report_id) + ")");
      }
      out[i] = *added;
    }
    if (auto r = conn_->execute("COMMIT"); !r) {
      retryable = conn_->last_error_retryable();
      (void)conn_->execute("ROLLBACK");
      return std::unexpected(r.error());
    }
    return out;
  }

  Result<Added> add_one(const NewReport& in) {
    const report::Report& r = in.report;
    if (auto ok = check_storable(r); !ok) return std::unexpected(ok.error());
    const report::ReportSource& src = in.source;
    std::vector<std::string> warnings;
    warnings.reserve(r.warnings.size());
    for (const std::string& w : r.warnings)
      warnings.push_back(repaired(w));
    const std::string warnings_json = json_array(warnings);
    const std::string transport = repaired(src.transport);
    const std::string origin = repaired(in.origin);
    const auto name = repaired_optional(src.name);
    const auto report_domain = repaired_optional(src.report_domain);
    const auto submitter = repaired_optional(src.submitter);
    const auto dkim = repaired_optional(src.dkim);
    const auto dkim_domain = repaired_optional(src.dkim_domain);
    const auto dkim_reason = repaired_optional(src.dkim_reason);

    auto inserted = conn_->query(
        kInsertReport,
        {Param::text(r.organization_name), Param::text(r.report_id), Param::of(r.date_range.start),
         Param::of(r.date_range.end), Param::text(r.canonical_sha256),
         Param::optional_text(r.contact_info), Param::of(in.received_at), Param::text(transport),
         Param::text(origin), Param::optional_text(name), Param::optional_text(report_domain),
         Param::optional_text(submitter), Param::optional_text(dkim),
         Param::optional_text(dkim_domain), Param::optional_text(dkim_reason),
         Param::optional_boolean(src.dkim_aligned), Param::text(warnings_json),
         Param::blob(in.raw)});
    if (!inserted) return std::unexpected(inserted.error());
    if (inserted->empty()) {
      // The unique identity is taken: by an earlier delivery, or by a concurrent one that
      // has committed by now (the insert waited for it).
      auto found =
          conn_->query(kFindReport, {Param::text(r.canonical_sha256),
                                     Param::text(r.organization_name), Param::text(r.report_id),
                                     Param::of(r.date_range.start), Param::of(r.date_range.end)});
      if (!found) return std::unexpected(found.error());
      if (found->empty()) return fail("conflicting insert, but no stored report found");
      return Added{Outcome::duplicate, found->integer(0, 0)};
    }
    const Id id = inserted->integer(0, 0);
    for (std::size_t i = 0; i < r.policies.size(); ++i) {
      const report::Policy& p = r.policies[i];
      const std::string strings = json_array(p.policy_strings);
      const std::string mx = json_array(p.mx_hosts);
      const std::string key = domain_key(p.policy_domain);
      std::optional<std::int64_t> failed;
      if (p.failed_sessions) failed = as_int(*p.failed_sessions);
      auto policy = conn_->query(
          kInsertPolicy,
          {Param::of(id), Param::of(static_cast<std::int64_t>(i)), Param::text(p.policy_type_raw),
           Param::optional_text(p.policy_domain), Param::text(key), Param::text(strings),
           Param::text(mx), Param::of(as_int(p.successful_sessions)), Param::optional_of(failed)});
      if (!policy) return std::unexpected(policy.error());
      const Id policy_id = policy->integer(0, 0);
      for (std::size_t k = 0; k < p.failure_details.size(); ++k) {
        const report::FailureDetail& d = p.failure_details[k];
        auto detail = conn_->query(
            kInsertDetail,
            {Param::of(policy_id), Param::of(static_cast<std::int64_t>(k)),
             Param::text(d.result_type_raw), Param::optional_text(d.sending_mta_ip),
             Param::optional_text(d.receiving_mx_hostname),
             Param::optional_text(d.receiving_mx_helo), Param::optional_text(d.receiving_ip),
             Param::of(as_int(d.failed_session_count)),
             Param::optional_text(d.additional_information),
             Param::optional_text(d.failure_reason_code)});
        if (!detail) return std::unexpected(detail.error());
      }
    }
    return Added{Outcome::stored, id};
  }

  // Reports, their policies and their failure details by three queries over the same rows.
  Result<std::vector<StoredReport>> load(const Queries& q, std::span<const Param> params,
                                         bool with_raw) {
    auto report_rows = conn_->query(q.reports, params);
    if (!report_rows) return std::unexpected(report_rows.error());
    std::vector<StoredReport> out;
    std::map<Id, std::size_t> by_id;
    for (std::size_t i = 0; i < report_rows->size(); ++i) {
      auto stored = report_row(*report_rows, i, with_raw);
      if (!stored) return std::unexpected(stored.error());
      by_id[stored->id] = out.size();
      out.push_back(std::move(*stored));
    }
    if (out.empty()) return out;

    auto policy_rows = conn_->query(q.policies, params);
    if (!policy_rows) return std::unexpected(policy_rows.error());
    // policy id → (index of its report in `out`, index of the policy in that report)
    std::map<Id, std::pair<std::size_t, std::size_t>> policy_at;
    for (std::size_t i = 0; i < policy_rows->size(); ++i) {
      const auto owner = by_id.find(policy_rows->integer(i, 0));
      if (owner == by_id.end()) return fail("a policy of a report not in the page", "store");
      report::Policy p;
      p.policy_type_raw = policy_rows->text(i, 2);
      p.policy_type = report::policy_type_from(p.policy_type_raw);
      p.policy_domain = policy_rows->optional_text(i, 3);
      auto strings = from_json_array(policy_rows->text(i, 4));
      if (!strings) return std::unexpected(strings.error());
      p.policy_strings = std::move(*strings);
      auto mx = from_json_array(policy_rows->text(i, 5));
      if (!mx) return std::unexpected(mx.error());
      p.mx_hosts = std::move(*mx);
      p.successful_sessions = static_cast<std::uint64_t>(policy_rows->integer(i, 6));
      if (auto f = policy_rows->optional_integer(i, 7)) p.failed_sessions = *f;
      auto& list = out[owner->second].report.policies;
      policy_at[policy_rows->integer(i, 1)] = {owner->second, list.size()};
      list.push_back(std::move(p));
    }

    auto detail_rows = conn_->query(q.details, params);
    if (!detail_rows) return std::unexpected(detail_rows.error());
    for (std::size_t i = 0; i < detail_rows->size(); ++i) {
      const auto at = policy_at.find(detail_rows->integer(i, 0));
      if (at == policy_at.end()) return fail("a failure detail of a policy not read", "store");
      report::FailureDetail d;
      d.result_type_raw = detail_rows->text(i, 1);
      d.result_type = report::result_type_from(d.result_type_raw);
      d.sending_mta_ip = detail_rows->optional_text(i, 2);
      d.receiving_mx_hostname = detail_rows->optional_text(i, 3);
      d.receiving_mx_helo = detail_rows->optional_text(i, 4);
      d.receiving_ip = detail_rows->optional_text(i, 5);
      d.failed_session_count = static_cast<std::uint64_t>(detail_rows->integer(i, 6));
      d.additional_information = detail_rows->optional_text(i, 7);
      d.failure_reason_code = detail_rows->optional_text(i, 8);
      out[at->second.first].report.policies[at->second.second].failure_details.push_back(
          std::move(d));
    }
    return out;
  }

  static Result<StoredReport> report_row(const Rows& rows, std::size_t i, bool with_raw) {
    StoredReport s;
    s.id = rows.integer(i, 0);
    report::Report& r = s.report;
    r.organization_name = rows.text(i, 1);
    r.report_id = rows.text(i, 2);
    r.date_range = {rows.integer(i, 3), rows.integer(i, 4)};
    r.canonical_sha256 = rows.text(i, 5);
    r.contact_info = rows.optional_text(i, 6);
    s.received_at = rows.integer(i, 7);
    s.source.transport = rows.text(i, 8);
    s.origin = rows.text(i, 9);
    s.source.name = rows.optional_text(i, 10);
    s.source.report_domain = rows.optional_text(i, 11);
    s.source.submitter = rows.optional_text(i, 12);
    s.source.dkim = rows.optional_text(i, 13);
    s.source.dkim_domain = rows.optional_text(i, 14);
    s.source.dkim_reason = rows.optional_text(i, 15);
    if (auto aligned = rows.optional_integer(i, 16)) s.source.dkim_aligned = *aligned != 0;
    auto warnings = from_json_array(rows.text(i, 17));
    if (!warnings) return std::unexpected(warnings.error());
    r.warnings = std::move(*warnings);
    if (with_raw) s.raw = rows.text(i, 18);
    return s;
  }

  static Quarantined quarantined_row(const Rows& rows, std::size_t i) {
    Quarantined q;
    q.id = rows.integer(i, 0);
    q.received_at = rows.integer(i, 1);
    q.transport = rows.text(i, 2);
    q.origin = rows.text(i, 3);
    q.reason = rows.text(i, 4);
    q.size = static_cast<std::uint64_t>(rows.integer(i, 5));
    return q;
  }

  Result<Summary> summarise(const Selection& sel) {
    const bool domain = sel.policy_domain.has_value();
    const std::string key = domain_key(sel.policy_domain);
    std::vector<Param> params = {Param::of(sel.since.value_or(kMinTime)),
                                 Param::of(sel.until.value_or(kMaxTime))};
    if (domain) params.push_back(Param::text(key));

    Summary s;
    auto count = conn_->query(report_count_sql(domain), params);
    if (!count) return std::unexpected(count.error());
    s.reports = static_cast<std::uint64_t>(count->integer(0, 0));
    auto totals = conn_->query(totals_sql(domain), params);
    if (!totals) return std::unexpected(totals.error());
    s.successful_sessions = static_cast<std::uint64_t>(totals->integer(0, 0));
    s.failed_sessions = static_cast<std::uint64_t>(totals->integer(0, 1));

    auto by_day = conn_->query(policy_breakdown_sql(kDayOfStart, domain), params);
    if (!by_day) return std::unexpected(by_day.error());
    for (std::size_t i = 0; i < by_day->size(); ++i) {
      s.by_day.push_back({by_day->text(i, 0), day_of(by_day->integer(i, 1)),
                          static_cast<std::uint64_t>(by_day->integer(i, 2)),
                          static_cast<std::uint64_t>(by_day->integer(i, 3))});
    }
    sort_by_key(s.by_day);

    auto by_sender = conn_->query(policy_breakdown_sql("r.organization_name", domain), params);
    if (!by_sender) return std::unexpected(by_sender.error());
    for (std::size_t i = 0; i < by_sender->size(); ++i) {
      s.by_sender.push_back({by_sender->text(i, 0), by_sender->text(i, 1),
                             static_cast<std::uint64_t>(by_sender->integer(i, 2)),
                             static_cast<std::uint64_t>(by_sender->integer(i, 3))});
    }
    sort_by_failures(s.by_sender);

    const std::pair<std::string_view, std::vector<Row>*> details[] = {
        {"result_type", &s.by_type},
        {"receiving_mx_hostname", &s.by_mx},
        {"sending_mta_ip", &s.by_ip}};
    for (auto [column, rows_out] : details) {
      auto rows = conn_->query(detail_breakdown_sql(column, domain), params);
      if (!rows) return std::unexpected(rows.error());
      for (std::size_t i = 0; i < rows->size(); ++i) {
        rows_out->push_back({rows->text(i, 0), rows->text(i, 1), 0,
                             static_cast<std::uint64_t>(rows->integer(i, 2))});
      }
      sort_by_failures(*rows_out);
    }
    return s;
  }

  std::unique_ptr<Connection> conn_;
};

}  // namespace

std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> conn) {
  return std::make_unique<SqlStore>(std::move(conn));
}

}  // namespace webshield::store::detail
