// Where reports are kept: one interface, two implementations (SQLite, the embedded default,
// and PostgreSQL for several servers sharing the work), chosen by URL. Every write of outside
// data goes through prepared statements; a report is stored once, by its identity plus the
// hash of its JSON (REPORTS.md), enforced by a unique constraint, never read-then-write.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "report/render.hpp"
#include "report/report.hpp"

namespace webshield::store {

using Id = std::int64_t;

// The most a listing returns at once (reports(), quarantined()): larger limits are capped.
constexpr std::size_t kMaxListLimit = 10'000;

// A parsed report with the bytes as they arrived (the mail message, the gzip or the JSON),
// where it came from (transport, file or attachment name, DKIM verdict) and when.
struct NewReport {
  report::Report report;
  std::string raw;
  report::ReportSource source;
  // A description of where the bytes were read: a path, "maildir:/var/mail/x/new/123",
  // "imaps://host/INBOX;UIDVALIDITY=5;UID=42", a client address for HTTPS.
  std::string origin;
  UnixSeconds received_at = 0;
};

enum class Outcome { stored, duplicate };

struct Added {
  Outcome outcome = Outcome::stored;
  Id id = 0;  // the report's id, the earlier one for a duplicate
};

// What parsing refused, kept with its raw bytes so that nothing is lost.
struct NewQuarantined {
  std::string raw;
  std::string transport;  // "file", "mail", "https"
  std::string origin;
  std::string reason;  // the parser's message, with where
  UnixSeconds received_at = 0;
};

struct Quarantined {
  Id id = 0;
  std::string transport;
  std::string origin;
  std::string reason;
  UnixSeconds received_at = 0;
  std::uint64_t size = 0;
  std::optional<std::string> raw;  // only when asked for
};

struct StoredReport {
  Id id = 0;
  report::Report report;
  report::ReportSource source;
  std::string origin;
  UnixSeconds received_at = 0;
  std::optional<std::string> raw;  // only when asked for
};

// Which reports a listing or a summary looks at. A report belongs to a day by the start of
// its date range; `policy_domain` selects policies, not whole reports.
struct Selection {
  std::optional<std::string> policy_domain;
  std::optional<UnixSeconds> since;  // date-range start >= since
  std::optional<UnixSeconds> until;  // date-range start < until
};

struct ListOptions {
  Selection selection;
  std::size_t limit = 100;
  std::optional<Id> before;  // paging: only ids below this, newest first
};

// One line of a breakdown: sessions of `policy_domain` grouped by `key` (a day
// "2026-11-29", a result type, an organisation, an MX host name or a sending IP).
// For breakdowns of failures (type, mx, ip) `successful` is 0.
struct Row {
  std::string policy_domain;
  std::string key;
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;

  bool operator==(const Row&) const = default;
};

struct Summary {
  std::uint64_t reports = 0;
  std::uint64_t successful_sessions = 0;
  std::uint64_t failed_sessions = 0;
  std::vector<Row> by_day;
  std::vector<Row> by_type;
  std::vector<Row> by_sender;  // reporting organisation
  std::vector<Row> by_mx;      // receiving MX host name
  std::vector<Row> by_ip;      // sending MTA IP
};

// A reporting organisation as the stored reports show it: when it reported, and how often.
struct Reporter {
  std::string organization;
  std::uint64_t reports = 0;
  UnixSeconds first_start = 0;    // the earliest date-range start
  UnixSeconds last_end = 0;       // the latest date-range end
  UnixSeconds last_received = 0;  // when its latest report arrived here
};

// A reporter whose last report ended longer ago than this went quiet: reporters send daily
// (RFC 8460 §4.1), so two days without one means reports stopped arriving.
constexpr UnixSeconds kQuietAfter = 2 * 86400;

// The sessions of one policy in one report, by the UTC day its date range starts on (what the
// alert rules read, src/analyze/alerts.hpp). `day` is the Unix time of that day's midnight.
struct DailyPolicy {
  Id report = 0;
  std::string organization;
  std::string policy_domain;  // lower case, no final dot; "" when the report gave none
  UnixSeconds day = 0;
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;

  bool operator==(const DailyPolicy&) const = default;
};

// Failed sessions of one report and policy domain by result type and receiving MX host ("" when
// the report named none).
struct DailyFailure {
  Id report = 0;
  std::string organization;
  std::string policy_domain;
  UnixSeconds day = 0;
  std::string result_type;
  std::string mx;
  std::uint64_t failed = 0;

  bool operator==(const DailyFailure&) const = default;
};

struct Daily {
  std::vector<DailyPolicy> policies;  // by day, then report id
  std::vector<DailyFailure> failures;
};

// The stored state of one alert (analyze/alert_state.hpp): whether it fires and what the
// notifiers were last told, so that a condition notifies once when it fires and once when it
// clears.
struct AlertRecord {
  std::string key;  // rule + subject, at most kMaxAlertKey bytes
  std::string rule;
  std::string subject;
  std::string state;  // "firing" or "cleared"
  UnixSeconds since = 0;
  UnixSeconds fired_at = 0;
  std::optional<UnixSeconds> cleared_at;
  std::string notified;  // the state last delivered: "", "firing" or "cleared"
  // The notifiers (by Notifier::id) that delivered `state` while others failed to: a retry
  // skips them.
  // Empty once every notifier delivered it (notified == state).
  std::vector<std::string> delivered_to;
  std::string detail;  // JSON text
  UnixSeconds updated_at = 0;

  bool operator==(const AlertRecord&) const = default;
};

constexpr std::size_t kMaxAlertKey = 512;

// Who holds a named lease (Store::take_lease), and until when.
struct Lease {
  std::string holder;
  UnixSeconds until = 0;

  bool operator==(const Lease&) const = default;
};

// What `webshield db status` shows.
struct Status {
  std::string backend;  // "sqlite" or "postgresql"
  int schema_version = 0;
  std::uint64_t reports = 0;
  std::uint64_t quarantined = 0;
};

// Makes durable every transaction that its store committed before the call. It does not use the
// store's connection: one thread may sync while another goes on writing (Store::defer_sync).
class CommitSync {
 public:
  virtual ~CommitSync() = default;
  virtual Result<void> sync() = 0;
};

// One Store is one database connection: use it from one thread at a time, and open one per
// thread or process that writes concurrently.
class Store {
 public:
  virtual ~Store() = default;

  // Stores a batch in one transaction (one commit, one fsync, however many reports): each
  // is stored or found to be a duplicate. Either all of the batch is durable when this
  // returns a value, or none of it is. A report whose own strings hold a NUL byte (JSON
  // "\u0000"; PostgreSQL text cannot keep one) or whose counts exceed 2^63-1 fails the
  // batch, naming the report and field: quarantine it. Warnings, origin and source fields
  // are kept with invalid UTF-8 and NUL replaced by U+FFFD.
  virtual Result<std::vector<Added>> add(std::span<const NewReport> reports) = 0;
  virtual Result<Id> quarantine(const NewQuarantined& item) = 0;
  // For a writer that overlaps its commits with the disk (the server's group commit): from now
  // on add() and quarantine() return once the transaction is committed but before it is on
  // disk, and the CommitSync makes it durable; until then a power cut may lose it. No
  // CommitSync (nullptr) when every commit of this backend is durable already (PostgreSQL).
  virtual Result<std::unique_ptr<CommitSync>> defer_sync() = 0;

  virtual Result<std::vector<StoredReport>> reports(const ListOptions& options) = 0;
  virtual Result<std::optional<StoredReport>> report(Id id, bool with_raw) = 0;
  virtual Result<Summary> summary(const Selection& selection) = 0;
  // Latest report first.
  virtual Result<std::vector<Reporter>> reporters(const Selection& selection) = 0;
  // Sessions per report, policy domain and day, and failures by result type and MX host, for
  // the reports whose date range starts in the selection. Bounded by the number of reports in
  // it: select a few weeks, not years.
  virtual Result<Daily> daily(const Selection& selection) = 0;

  // Every stored alert state, by key.
  virtual Result<std::vector<AlertRecord>> alert_states() = 0;
  // In one transaction: inserts or replaces `put` (by key) and deletes the keys in `remove`.
  virtual Result<void> save_alert_states(std::span<const AlertRecord> put,
                                         std::span<const std::string> remove) = 0;

  // A named lease, so that of several processes on one database one at a time does a job
  // (servers sharing a PostgreSQL, a cron job beside a server). `holder` takes it, until
  // `until`, when nobody holds it, when its holder's time is over at `now`, or when `holder`
  // has it already (to extend it). Returns who holds it after the call: `holder` when taken.
  virtual Result<Lease> take_lease(std::string_view name, std::string_view holder, UnixSeconds now,
                                   UnixSeconds until) = 0;
  // Gives the lease back when `holder` has it; otherwise changes nothing.
  virtual Result<void> drop_lease(std::string_view name, std::string_view holder) = 0;

  // Sign-in sessions of the dashboard, shared by the servers on the database, by the SHA-256 (hex)
  // of the session id. Opening one also forgets the sessions expired at `now`.
  virtual Result<void> open_session(std::string_view id_sha256, std::string_view user,
                                    UnixSeconds expires, UnixSeconds now) = 0;
  // The user of a session not expired at `now`, and when it expires.
  virtual Result<std::optional<std::pair<std::string, UnixSeconds>>> session(
      std::string_view id_sha256, UnixSeconds now) = 0;
  virtual Result<void> close_session(std::string_view id_sha256) = 0;

  virtual Result<std::vector<Quarantined>> quarantined(std::size_t limit) = 0;
  virtual Result<std::optional<Quarantined>> quarantined_item(Id id) = 0;  // with raw
  // Drops an item from the quarantine once a retry stored it; an unknown id is an error.
  virtual Result<void> release(Id id) = 0;

  virtual Result<Status> status() = 0;
  // A round trip to the database, for health checks.
  virtual Result<void> ping() = 0;
};

// "sqlite:PATH" (or a bare path) or "postgresql://…" / "postgres://…". Applies pending
// migrations and refuses a database whose schema is newer than this program knows.
Result<std::unique_ptr<Store>> open(std::string_view url);

// sqlite:$XDG_DATA_HOME/webshield/webshield.db (~/.local/share when unset); creates the
// directory.
std::string default_url();

// The URL for messages: a password (user:PASSWORD@ or password=…) replaced by "***".
std::string redact_url(std::string_view url);

// The newest schema version this program knows (the number of its migrations).
int latest_schema_version();

}  // namespace webshield::store
