// The store, one suite run against SQLite (a file) and against a real PostgreSQL (ctest
// fixture `postgres`): migrations, idempotent adds under concurrency, atomic batches, exact
// round trips of the real reports of tests/fixtures/reports/, the summary figures counted by
// hand from those files, the quarantine and paging. No database is mocked.
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "report/render.hpp"
#include "store/connection.hpp"
#include "unit/store/store_test_support.hpp"

namespace webshield::store {

void PrintTo(const Row& r, std::ostream* out) {
  *out << "{\"" << r.policy_domain << "\", \"" << r.key << "\", " << r.successful << ", "
       << r.failed << "}";
}

namespace {

using test::Backend;
using test::TestDatabase;

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    ASSERT_TRUE(db_->ok());
    store_ = test::open_or_fail(db_->url());
    ASSERT_NE(store_, nullptr);
  }

  Status status() {
    auto s = store_->status();
    EXPECT_TRUE(s) << s.error().describe();
    return s ? *s : Status{};
  }

  std::vector<Added> add(std::vector<NewReport> batch) {
    auto added = store_->add(batch);
    EXPECT_TRUE(added) << added.error().describe();
    return added ? *added : std::vector<Added>{};
  }

  Added add(const NewReport& one) {
    const auto added = add(std::vector<NewReport>{one});
    return added.empty() ? Added{} : added.front();
  }

  bool sqlite() const { return GetParam() == Backend::sqlite; }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// A small report of our own: `n` tells reports apart.
NewReport made_report(int n, std::string domain = "example.com",
                      UnixSeconds start = 1'700'000'000) {
  NewReport r;
  r.report.organization_name = "Org " + std::to_string(n % 7);
  r.report.report_id = "report-" + std::to_string(n);
  r.report.date_range = {start, start + 86'399};
  r.report.contact_info = "tlsrpt@org.example";
  r.report.canonical_sha256 = std::string(60, 'a') + std::to_string(1000 + n);
  report::Policy p;
  p.policy_type = report::PolicyType::sts;
  p.policy_type_raw = "sts";
  p.policy_domain = std::move(domain);
  p.policy_strings = {"version: STSv1", "mode: enforce", "mx: mx.example.com", "max_age: 86400"};
  p.mx_hosts = {"mx.example.com"};
  p.successful_sessions = 100 + static_cast<std::uint64_t>(n);
  p.failed_sessions = 2;
  report::FailureDetail d;
  d.result_type = report::ResultType::certificate_expired;
  d.result_type_raw = "certificate-expired";
  d.sending_mta_ip = "192.0.2." + std::to_string(n % 250);
  d.receiving_mx_hostname = "mx.example.com";
  d.failed_session_count = 2;
  p.failure_details.push_back(d);
  r.report.policies.push_back(p);
  r.raw = "{\"report\": " + std::to_string(n) + "}";
  r.source.transport = "https";
  r.origin = "198.51.100.1";
  r.received_at = start + 90'000;
  return r;
}

Selection of_domain(std::string domain) {
  Selection s;
  s.policy_domain = std::move(domain);
  return s;
}

Selection between(UnixSeconds since, UnixSeconds until) {
  Selection s;
  s.since = since;
  s.until = until;
  return s;
}

ListOptions page(std::size_t limit, std::optional<Id> before = {}, Selection selection = {}) {
  ListOptions o;
  o.selection = std::move(selection);
  o.limit = limit;
  o.before = before;
  return o;
}

// ---- Migrations -------------------------------------------------------------------------------

TEST_P(StoreTest, MigratesFromEmptyAndReopeningChangesNothing) {
  EXPECT_EQ(status().schema_version, latest_schema_version());
  EXPECT_GE(latest_schema_version(), 1);
  ASSERT_EQ(add(made_report(1)).outcome, Outcome::stored);

  auto conn = detail::connect(db_->url());
  ASSERT_TRUE(conn);
  const auto versions = [&] {
    auto rows = (*conn)->query("SELECT version, applied_at FROM schema_version ORDER BY version");
    EXPECT_TRUE(rows) << rows.error().describe();
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::size_t i = 0; rows && i < rows->size(); ++i)
      out.emplace_back(rows->integer(i, 0), rows->integer(i, 1));
    return out;
  };
  const auto before = versions();
  ASSERT_EQ(before.size(), static_cast<std::size_t>(latest_schema_version()));
  EXPECT_EQ(before.back().first, latest_schema_version());

  store_.reset();
  store_ = test::open_or_fail(db_->url());
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(versions(), before) << "a second open applies nothing";
  EXPECT_EQ(status().reports, 1u) << "and keeps the data";
}

TEST_P(StoreTest, RefusesADatabaseNewerThanTheProgram) {
  const int newer = latest_schema_version() + 1;
  db_->execute("INSERT INTO schema_version (version, name, applied_at) VALUES ("
               + std::to_string(newer) + ", '9999_future.sql', 0)");
  auto opened = open(db_->url());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("schema version " + std::to_string(newer)
                                        + " is newer than this program knows"),
            std::string::npos)
      << opened.error().describe();
}

TEST_P(StoreTest, TwoProcessesMigratingAtOnceApplyEachMigrationOnce) {
  // Fresh databases, opened by four connections at the same moment: on PostgreSQL the
  // advisory lock, on SQLite the write lock, lets one migrate while the others wait.
  for (int round = 0; round < 3; ++round) {
    TestDatabase fresh(GetParam());
    ASSERT_TRUE(fresh.ok());
    std::barrier start(4);
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        auto opened = open(fresh.url());
        if (!opened) errors[static_cast<std::size_t>(t)] = opened.error().describe();
      });
    }
    for (auto& t : threads)
      t.join();
    for (const std::string& e : errors)
      EXPECT_EQ(e, "");
    auto conn = detail::connect(fresh.url());
    ASSERT_TRUE(conn);
    auto rows = (*conn)->query("SELECT COUNT(*) FROM schema_version");
    ASSERT_TRUE(rows) << rows.error().describe();
    EXPECT_EQ(rows->integer(0, 0), latest_schema_version());
  }
}

// ---- Adding: stored once, batches atomic ----------------------------------------------------

TEST_P(StoreTest, AddStoresAndTheSameReportAgainIsADuplicateWithTheSameId) {
  const NewReport r = made_report(1);
  const Added first = add(r);
  EXPECT_EQ(first.outcome, Outcome::stored);
  EXPECT_GT(first.id, 0);
  const Added again = add(r);
  EXPECT_EQ(again.outcome, Outcome::duplicate);
  EXPECT_EQ(again.id, first.id);

  // Twice in one batch, next to a new one.
  const auto batch = add({made_report(2), r, made_report(2)});
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].outcome, Outcome::stored);
  EXPECT_EQ(batch[1].outcome, Outcome::duplicate);
  EXPECT_EQ(batch[1].id, first.id);
  EXPECT_EQ(batch[2].outcome, Outcome::duplicate);
  EXPECT_EQ(batch[2].id, batch[0].id);
  EXPECT_EQ(status().reports, 2u);
  auto s = store_->summary({});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->successful_sessions, 101u + 102u) << "a duplicate is never counted twice";
}

TEST_P(StoreTest, SameIdentityWithADifferentHashIsASecondReport) {
  NewReport a = made_report(1);
  NewReport b = a;
  b.report.canonical_sha256 = std::string(64, 'b');
  b.report.policies[0].successful_sessions = 5;
  const Added first = add(a);
  const Added second = add(b);
  EXPECT_EQ(first.outcome, Outcome::stored);
  EXPECT_EQ(second.outcome, Outcome::stored);
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(status().reports, 2u);
  // Each part of the identity counts too.
  NewReport c = a;
  c.report.date_range.end += 1;
  NewReport d = a;
  d.report.organization_name += " Ltd";
  NewReport e = a;
  e.report.report_id += "x";
  for (const Added& x : add({c, d, e}))
    EXPECT_EQ(x.outcome, Outcome::stored);
  EXPECT_EQ(status().reports, 5u);
}

TEST_P(StoreTest, ABatchThatFailsStoresNothing) {
  add(made_report(1));
  // The second report of the batch cannot be stored: a NUL in its strings (JSON "\u0000";
  // PostgreSQL text cannot hold it). The first was already inserted in the transaction.
  NewReport bad = made_report(3);
  bad.report.policies[0].failure_details[0].additional_information = std::string("a\0b", 3);
  const std::vector<NewReport> batch = {made_report(2), bad, made_report(4)};
  auto added = store_->add(batch);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().where.find("report 2 of 3"), std::string::npos)
      << added.error().describe();
  EXPECT_NE(added.error().message.find("failure-details[0].additional-information"),
            std::string::npos)
      << added.error().describe();
  EXPECT_EQ(status().reports, 1u);

  // A failure inside the database itself, after two reports of the batch were written.
  if (sqlite()) {
    db_->execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON policies WHEN NEW.policy_domain = 'refuse.example'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  } else {
    db_->execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.policy_domain = 'refuse.example' THEN RAISE EXCEPTION 'refused by the test';"
        " END IF; RETURN NEW; END $$;"
        " CREATE TRIGGER refuse BEFORE INSERT ON policies FOR EACH ROW EXECUTE FUNCTION refuse()");
  }
  const std::vector<NewReport> doomed = {made_report(5), made_report(6),
                                         made_report(7, "refuse.example")};
  added = store_->add(doomed);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("refused by the test"), std::string::npos)
      << added.error().describe();
  EXPECT_EQ(status().reports, 1u);
  auto listed = store_->reports({});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().report.report_id, "report-1");

  // The store is usable afterwards, and the same reports go in once the cause is gone.
  const auto retried = add({made_report(5), made_report(6)});
  ASSERT_EQ(retried.size(), 2u);
  EXPECT_EQ(retried[0].outcome, Outcome::stored);
  EXPECT_EQ(status().reports, 3u);
}

TEST_P(StoreTest, CountsBeyondTheDatabaseRangeAreRefusedByName) {
  NewReport r = made_report(1);
  r.report.policies[0].successful_sessions = std::uint64_t{1} << 63;
  auto added = store_->add(std::vector<NewReport>{r});
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("total-successful-session-count"), std::string::npos);
  r.report.policies[0].successful_sessions = (std::uint64_t{1} << 63) - 1;
  EXPECT_EQ(add(r).outcome, Outcome::stored) << "2^63-1 fits";
}

// The server's group commit: one thread adds, another syncs what is committed meanwhile.
TEST_P(StoreTest, DeferredSyncRunsBesideTheWriterAndLosesNothing) {
  auto sync = store_->defer_sync();
  ASSERT_TRUE(sync) << sync.error().describe();
  if (!sqlite()) {
    EXPECT_EQ(*sync, nullptr) << "PostgreSQL commits are durable when they return";
    return;
  }
  ASSERT_NE(*sync, nullptr);
  constexpr int kBatches = 40;
  std::atomic<int> committed = 0;
  std::thread syncing([&] {
    while (committed.load() < kBatches) {
      const auto r = (*sync)->sync();
      EXPECT_TRUE(r) << r.error().describe();
    }
  });
  for (int b = 0; b < kBatches; ++b) {
    const auto added = add({made_report(2 * b), made_report(2 * b + 1), made_report(2 * b)});
    ASSERT_EQ(added.size(), 3u);
    EXPECT_EQ(added[2].outcome, Outcome::duplicate);
    ++committed;
  }
  syncing.join();
  const auto last = (*sync)->sync();
  EXPECT_TRUE(last) << last.error().describe();
  auto other = test::open_or_fail(db_->url());
  ASSERT_NE(other, nullptr);
  auto s = other->status();
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->reports, 2u * kBatches);
}

TEST_P(StoreTest, ConcurrentAddsOfTheSameReportsStoreEachOnce) {
  // Four connections (as four processes would have) add the same 20 reports at the same
  // moment, each in its own order, two as one batch and two one report per transaction.
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<NewReport> reports;
    for (int n = 0; n < 20; ++n)
      reports.push_back(made_report(round * 100 + n));
    std::vector<std::unique_ptr<Store>> stores;
    for (int t = 0; t < kThreads; ++t) {
      stores.push_back(test::open_or_fail(db_->url()));
      ASSERT_NE(stores.back(), nullptr);
    }
    std::barrier start(kThreads);
    std::vector<std::map<std::string, Added>> seen(kThreads);
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<NewReport> mine = reports;
        std::mt19937 rng(static_cast<unsigned>(round * 10 + t));
        std::ranges::shuffle(mine, rng);
        start.arrive_and_wait();
        // Half the time one batch, half the time one report per transaction.
        std::vector<Added> added;
        if (t % 2 == 0) {
          auto r = stores[static_cast<std::size_t>(t)]->add(mine);
          if (!r) {
            errors[static_cast<std::size_t>(t)] = r.error().describe();
            return;
          }
          added = *r;
        } else {
          for (const NewReport& one : mine) {
            auto r = stores[static_cast<std::size_t>(t)]->add(std::span(&one, 1));
            if (!r) {
              errors[static_cast<std::size_t>(t)] = r.error().describe();
              return;
            }
            added.push_back(r->front());
          }
        }
        for (std::size_t i = 0; i < mine.size(); ++i)
          seen[static_cast<std::size_t>(t)][mine[i].report.report_id] = added[i];
      });
    }
    for (auto& t : threads)
      t.join();
    for (const std::string& e : errors)
      ASSERT_EQ(e, "");
    for (const NewReport& r : reports) {
      SCOPED_TRACE(r.report.report_id);
      int stored = 0;
      std::set<Id> ids;
      for (const auto& s : seen) {
        const Added& a = s.at(r.report.report_id);
        stored += a.outcome == Outcome::stored ? 1 : 0;
        ids.insert(a.id);
      }
      EXPECT_EQ(stored, 1) << "exactly one connection stored it";
      EXPECT_EQ(ids.size(), 1u) << "and every connection got its id";
    }
    EXPECT_EQ(status().reports, static_cast<std::uint64_t>(20 * (round + 1)));
  }
}

// ---- Round trips --------------------------------------------------------------------------------

TEST_P(StoreTest, EveryCorpusReportReadsBackExactly) {
  const auto files = test::corpus_files();
  ASSERT_EQ(files.size(), 20u) << "tests/fixtures/reports/ changed: update the counts below";
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const NewReport in = test::corpus_report(file);
    const Added added = add(in);
    auto out = store_->report(added.id, true);
    ASSERT_TRUE(out) << out.error().describe();
    ASSERT_TRUE(out->has_value());
    const StoredReport& s = **out;
    if (added.outcome == Outcome::duplicate) {
      // An earlier file held the same report: same identity and the same canonical JSON.
      EXPECT_EQ(s.report.identity(), in.report.identity());
      EXPECT_EQ(s.report.canonical_sha256, in.report.canonical_sha256);
      continue;
    }
    EXPECT_EQ(report::to_json(s.report, s.source), report::to_json(in.report, in.source));
    EXPECT_EQ(s.report, in.report) << "every field, the enums and optional counts included";
    EXPECT_EQ(s.raw, in.raw) << "the bytes as received";
    EXPECT_EQ(s.origin, in.origin);
    EXPECT_EQ(s.received_at, in.received_at);
    EXPECT_EQ(s.source.transport, in.source.transport);
    EXPECT_EQ(s.source.name, in.source.name);
    EXPECT_EQ(s.source.submitter, in.source.submitter);
    EXPECT_EQ(s.source.report_domain, in.source.report_domain);
    EXPECT_EQ(s.source.dkim, in.source.dkim);
    auto without_raw = store_->report(added.id, false);
    ASSERT_TRUE(without_raw && *without_raw);
    EXPECT_FALSE((*without_raw)->raw.has_value());
  }
  EXPECT_EQ(status().reports, 16u);
}

TEST_P(StoreTest, SourceFieldsAndOddValuesReadBackExactly) {
  NewReport r = made_report(1);
  r.source = {"mail",        "google.com!example.com!1!2.json.gz",
              "example.com", "google.com",
              "pass",        "google.com",
              "good",        true};
  r.report.contact_info.reset();
  r.report.warnings = {"date-range without time zone, read as UTC", "ünïcode ☃"};
  r.report.policies[0].failed_sessions.reset();
  r.report.policies[0].policy_strings.clear();
  r.report.policies[0].mx_hosts.clear();
  r.report.policies[0].policy_domain.reset();
  report::Policy other;
  other.policy_type_raw = "quantum-policy";  // an unknown type keeps its raw string
  other.policy_domain = "xn--gpher-jua.test";
  other.policy_strings = {"", "with \"quotes\" and \\ and\nnewline"};
  report::FailureDetail d;
  d.result_type_raw = "quantum-failure";
  d.receiving_mx_helo = "helo.example";
  d.receiving_ip = "2001:db8::1";
  d.failure_reason_code = "X509_V_ERR";
  d.failed_session_count = 0;
  other.failure_details = {d, d};
  r.report.policies.push_back(other);
  r.raw = std::string("\x1f\x8b\x00\xff", 4) + std::string(300'000, 'z');  // binary, large
  const Added a = add(r);
  auto out = store_->report(a.id, true);
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->report, r.report);
  EXPECT_EQ((*out)->raw, r.raw);
  EXPECT_EQ(report::to_json((*out)->report, (*out)->source), report::to_json(r.report, r.source));
  EXPECT_EQ((*out)->report.policies[1].policy_type, report::PolicyType::other);
  EXPECT_EQ((*out)->report.policies[1].failure_details[0].result_type, report::ResultType::other);

  r.source.dkim_aligned = false;
  r.report.canonical_sha256 = std::string(64, 'f');
  const Added b = add(r);
  out = store_->report(b.id, false);
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->source.dkim_aligned, std::optional<bool>(false));

  EXPECT_FALSE(*store_->report(b.id + 1000, false)) << "an unknown id is no report";
}

TEST_P(StoreTest, LongStringsAreStoredAndFoundAgain) {
  // Strings as long as the parser allows (Limits::report_string_bytes), not compressible: a
  // plain PostgreSQL B-tree index refuses entries over 2704 bytes.
  std::mt19937 rng(7);
  const auto noise = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s += static_cast<char>('!' + rng() % 90);
    return s;
  };
  NewReport r = made_report(1, noise(8 * 1024));
  r.report.organization_name = noise(8 * 1024);
  r.report.report_id = noise(8 * 1024);
  const Added first = add(r);
  EXPECT_EQ(first.outcome, Outcome::stored);
  const Added again = add(r);
  EXPECT_EQ(again.outcome, Outcome::duplicate);
  EXPECT_EQ(again.id, first.id);
  auto s = store_->summary(of_domain(*r.report.policies[0].policy_domain));
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->reports, 1u);
}

TEST_P(StoreTest, OriginAndWarningsThatAreNotTextAreRepaired) {
  NewReport r = made_report(1);
  r.origin = std::string("/var/mail/\xff\xfe/\0x", 15);
  r.report.warnings = {std::string("bad \xc3 byte")};
  const Added a = add(r);
  auto out = store_->report(a.id, false);
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->origin, "/var/mail/\xEF\xBF\xBD\xEF\xBF\xBD/\xEF\xBF\xBDx");
  EXPECT_EQ((*out)->report.warnings.at(0), "bad \xEF\xBF\xBD byte");
}

// ---- Summary ----------------------------------------------------------------------------------

// Counted by hand from the 20 files of tests/fixtures/reports/ (their JSON is plain to read;
// the .eml attachments were unpacked with python's email and gzip modules):
//  - The RFC 8460 Appendix B report (Company-X, 5065427c-…, 2016-04-01, company-y.example,
//    5326 successful, 303 failed) comes in three canonical forms: mx-host as an array
//    (mail-auth/rpt01.eml, rpt01.json, mta-sts-exporter/rfc-errata-6241.json), as a string
//    (mta-sts-exporter/rfc.json, tlsrpt-be/test.eml) and as a string with another
//    additional-information (parsedmarc/rfc8460.json): 3 reports, 3 duplicates.
//  - mail-auth/rpt02.eml and rpt02.json are one report (1 duplicate).
//  - Every other file is a report of its own: 20 files - 4 duplicates = 16 reports.
// Successful sessions: 3 × 5326 (RFC) + 5326 (tlsrpt-be/testing.json) + 23 (rpt02) + 1 + 1
//   (rpt03) + 3 (mox/example) + 2 (mox/microsoft) + 53 (google.json) + 7 (microsoft-2) + 18
//   (microsoft) + 48 (parsedmarc google .eml) + 0 (mail.ru) + 0 (smtp_tls) + 13 (report-2)
//   + 99 (report.json) = 21572.
// Failed sessions, the policy's total where given: 3 × 303 + 303 + 1 + 0 (rpt03 gives no
//   totals and no details) + 1 (mail.ru says 1 though its details add up to 2) + 3
//   (smtp_tls) + 102 (report.json) = 1319.
constexpr std::uint64_t kCorpusReports = 16;
constexpr std::uint64_t kCorpusDuplicates = 4;
constexpr std::uint64_t kCorpusSuccessful = 21572;
constexpr std::uint64_t kCorpusFailed = 1319;

// The same totals, summed by the test from the parsed reports, each identity + hash once.
struct Sums {
  std::uint64_t reports = 0, successful = 0, failed = 0;
};
Sums sums_of(const std::vector<NewReport>& reports) {
  Sums s;
  std::set<std::pair<std::string, std::string>> seen;
  for (const NewReport& r : reports) {
    const auto& rep = r.report;
    if (!seen.insert({rep.organization_name + "|" + rep.report_id + "|"
                          + std::to_string(rep.date_range.start) + "|"
                          + std::to_string(rep.date_range.end),
                      rep.canonical_sha256})
             .second)
      continue;
    ++s.reports;
    for (const report::Policy& p : rep.policies) {
      s.successful += p.successful_sessions;
      if (p.failed_sessions) {
        s.failed += *p.failed_sessions;
      } else {
        for (const report::FailureDetail& d : p.failure_details)
          s.failed += d.failed_session_count;
      }
    }
  }
  return s;
}

std::vector<NewReport> add_corpus(Store& store) {
  std::vector<NewReport> all;
  for (const std::string& f : test::corpus_files())
    all.push_back(test::corpus_report(f));
  auto added = store.add(all);
  EXPECT_TRUE(added) << added.error().describe();
  return all;
}

using Rows = std::vector<Row>;

TEST_P(StoreTest, SummaryOfTheCorpusMatchesTheHandCount) {
  const auto all = add_corpus(*store_);
  const Sums sums = sums_of(all);
  EXPECT_EQ(sums.reports, kCorpusReports);
  EXPECT_EQ(all.size() - sums.reports, kCorpusDuplicates);
  EXPECT_EQ(sums.successful, kCorpusSuccessful);
  EXPECT_EQ(sums.failed, kCorpusFailed);

  auto s = store_->summary({});
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->reports, kCorpusReports);
  EXPECT_EQ(s->successful_sessions, kCorpusSuccessful);
  EXPECT_EQ(s->failed_sessions, kCorpusFailed);

  // By the day the date range starts (UTC), days ascending within each policy domain; ""
  // holds the policies without a domain (mail-auth/rpt03.json).
  EXPECT_EQ(s->by_day, (Rows{{"", "2019-04-14", 2, 0},
                             {"cardinalhealth.ca", "2024-09-03", 48, 0},
                             {"company-y.example", "2016-04-01", 15978, 909},
                             {"example.com", "2020-01-01", 23, 1},
                             {"example.com", "2024-01-09", 0, 3},
                             {"example.com", "2024-02-16", 18, 0},
                             {"example.com", "2024-02-17", 53, 0},
                             {"example.com", "2024-02-22", 0, 1},
                             {"example.com", "2024-03-26", 7, 0},
                             {"example.org", "2025-08-04", 13, 0},
                             {"test.xmox.nl", "2022-09-15", 3, 0},
                             {"test.xmox.nl", "2023-01-10", 2, 0},
                             {"xn--gpher-jua.test", "2016-04-01", 5326, 303},
                             {"xn--gpher-jua.test", "2025-08-04", 99, 102}}));
  // Failure details: sums of failed-session-count (mail.ru's two details count 2 here).
  EXPECT_EQ(s->by_type, (Rows{{"company-y.example", "starttls-not-supported", 0, 600},
                              {"company-y.example", "certificate-expired", 0, 300},
                              {"company-y.example", "validation-failure", 0, 9},
                              {"example.com", "validation-failure", 0, 3},
                              {"example.com", "sts-policy-fetch-error", 0, 2},
                              {"example.com", "certificate-host-mismatch", 0, 1},
                              {"xn--gpher-jua.test", "starttls-not-supported", 0, 200},
                              {"xn--gpher-jua.test", "certificate-expired", 0, 100},
                              {"xn--gpher-jua.test", "validation-failure", 0, 3}}));
  EXPECT_EQ(s->by_sender, (Rows{{"", "Google Inc.", 2, 0},
                                {"cardinalhealth.ca", "Google Inc.", 48, 0},
                                {"company-y.example", "Company-X", 15978, 909},
                                {"example.com", "Example Inc.", 0, 3},
                                {"example.com", "Google Inc.", 76, 1},
                                {"example.com", "Mail.ru", 0, 1},
                                {"example.com", "Microsoft Corporation", 25, 0},
                                {"example.org", "Example LLC.", 13, 0},
                                {"test.xmox.nl", "Google Inc.", 3, 0},
                                {"test.xmox.nl", "Microsoft Corporation", 2, 0},
                                {"xn--gpher-jua.test", "Company-X", 5326, 303},
                                {"xn--gpher-jua.test", "Example Inc.", 99, 102}}));
  EXPECT_EQ(s->by_mx, (Rows{{"company-y.example", "mx2.mail.company-y.example", 0, 600},
                            {"company-y.example", "mx1.mail.company-y.example", 0, 300},
                            {"company-y.example", "mx-backup.mail.company-y.example", 0, 9},
                            {"example.com", "example.com", 0, 3},
                            {"example.com", "", 0, 2},
                            {"example.com", "demo.example.com", 0, 1},
                            {"xn--gpher-jua.test", "mx2.mail.company-y.example", 0, 200},
                            {"xn--gpher-jua.test", "mx1.mail.company-y.example", 0, 100},
                            {"xn--gpher-jua.test", "mx-backup.mail.company-y.example", 0, 3}}));
  EXPECT_EQ(s->by_ip, (Rows{{"company-y.example", "2001:db8:abcd:0013::1", 0, 600},
                            {"company-y.example", "2001:db8:abcd:0012::1", 0, 300},
                            {"company-y.example", "198.51.100.62", 0, 9},
                            {"example.com", "", 0, 2},
                            {"example.com", "209.85.222.201", 0, 2},
                            {"example.com", "123.123.123.123", 0, 1},
                            {"example.com", "209.85.208.176", 0, 1},
                            {"xn--gpher-jua.test", "2001:db8:abcd:0013::1", 0, 200},
                            {"xn--gpher-jua.test", "2001:db8:abcd:0012::1", 0, 100},
                            {"xn--gpher-jua.test", "198.51.100.62", 0, 3}}));

  // The breakdowns add up to the totals they break down.
  std::uint64_t ok = 0, failed = 0;
  for (const Row& r : s->by_day) {
    ok += r.successful;
    failed += r.failed;
  }
  EXPECT_EQ(ok, kCorpusSuccessful);
  EXPECT_EQ(failed, kCorpusFailed);

  // The whole corpus again: nothing changes.
  add_corpus(*store_);
  auto again = store_->summary({});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reports, kCorpusReports);
  EXPECT_EQ(again->successful_sessions, kCorpusSuccessful);
  EXPECT_EQ(again->by_ip, s->by_ip);
}

TEST_P(StoreTest, SummarySelectsByDomainAndDates) {
  add_corpus(*store_);
  // example.com: rpt02 (23/1), google.json (53/0), microsoft-2 (7/0), microsoft (18/0),
  // mail.ru (0/1), smtp_tls (0/3). The domain is matched without regard to case.
  auto s = store_->summary(of_domain("Example.COM."));
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->reports, 6u);
  EXPECT_EQ(s->successful_sessions, 101u);
  EXPECT_EQ(s->failed_sessions, 5u);
  for (const auto* rows : {&s->by_day, &s->by_type, &s->by_sender, &s->by_mx, &s->by_ip})
    for (const Row& r : *rows)
      EXPECT_EQ(r.policy_domain, "example.com");

  // 2024: google.json, microsoft-2, microsoft, the Google .eml (cardinalhealth.ca, 48),
  // mail.ru, smtp_tls.
  const UnixSeconds y2024 = 1'704'067'200;  // 2024-01-01T00:00:00Z
  const UnixSeconds y2025 = 1'735'689'600;  // 2025-01-01T00:00:00Z
  s = store_->summary(between(y2024, y2025));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->reports, 6u);
  EXPECT_EQ(s->successful_sessions, 53u + 7 + 18 + 48);
  EXPECT_EQ(s->failed_sessions, 4u);
  // `until` is exclusive, `since` inclusive: exactly one day.
  s = store_->summary(between(1'708'128'000, 1'708'128'000 + 86'400));  // 2024-02-17
  ASSERT_TRUE(s);
  EXPECT_EQ(s->reports, 1u);
  EXPECT_EQ(s->successful_sessions, 53u);

  s = store_->summary(of_domain("nowhere.example"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->reports, 0u);
  EXPECT_EQ(s->successful_sessions, 0u);
  EXPECT_TRUE(s->by_day.empty());
}

TEST_P(StoreTest, FailedSessionsAreThePolicyTotalOrElseTheSumOfItsDetails) {
  // No total: the details count (2 + 3). A total: it counts, though its details say 2
  // (Mail.ru). The breakdowns by result type sum the details either way.
  NewReport no_total = made_report(1, "fallback.example");
  auto& p = no_total.report.policies[0];
  p.failed_sessions.reset();
  p.failure_details[0].failed_session_count = 2;
  p.failure_details.push_back(p.failure_details[0]);
  p.failure_details[1].failed_session_count = 3;
  p.failure_details[1].result_type_raw = "starttls-not-supported";
  NewReport with_total = made_report(2, "fallback.example");
  with_total.report.policies[0].failed_sessions = 1;
  add({no_total, with_total});
  auto s = store_->summary(of_domain("fallback.example"));
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->failed_sessions, 5u + 1u);
  ASSERT_EQ(s->by_day.size(), 1u);
  EXPECT_EQ(s->by_day[0].failed, 6u);
  EXPECT_EQ(s->by_type, (Rows{{"fallback.example", "certificate-expired", 0, 4},
                              {"fallback.example", "starttls-not-supported", 0, 3}}));
}

TEST_P(StoreTest, SummaryOfAnEmptyStoreIsZero) {
  auto s = store_->summary({});
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->reports, 0u);
  EXPECT_EQ(s->failed_sessions, 0u);
  EXPECT_TRUE(s->by_type.empty());
}

// ---- Listing and paging -----------------------------------------------------------------------

TEST_P(StoreTest, ListsNewestFirstInPages) {
  std::vector<NewReport> batch;
  for (int n = 1; n <= 25; ++n)
    batch.push_back(
        made_report(n, n % 2 == 0 ? "even.example" : "odd.example", 1'700'000'000 + n * 86'400));
  const auto added = add(batch);
  ASSERT_EQ(added.size(), 25u);

  std::vector<std::string> seen;
  std::optional<Id> before;
  for (int round = 0; round < 4; ++round) {
    auto listed = store_->reports(page(10, before));
    ASSERT_TRUE(listed) << listed.error().describe();
    for (const StoredReport& s : *listed)
      seen.push_back(s.report.report_id);
    if (listed->empty()) break;
    EXPECT_LE(listed->size(), 10u);
    for (std::size_t i = 1; i < listed->size(); ++i)
      EXPECT_GT((*listed)[i - 1].id, (*listed)[i].id) << "newest first";
    before = listed->back().id;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(seen.front(), "report-25");
  EXPECT_EQ(seen.back(), "report-1");

  // The listing carries the whole report.
  auto one = store_->reports(page(1));
  ASSERT_TRUE(one && one->size() == 1);
  EXPECT_EQ(one->front().report, batch.back().report);
  EXPECT_FALSE(one->front().raw.has_value());

  // Filtered by domain and date, still paged.
  Selection even_since_day_10 = of_domain("even.example");
  even_since_day_10.since = 1'700'000'000 + 10 * 86'400;
  auto even = store_->reports(page(3, {}, even_since_day_10));
  ASSERT_TRUE(even);
  ASSERT_EQ(even->size(), 3u);
  EXPECT_EQ((*even)[0].report.report_id, "report-24");
  EXPECT_EQ((*even)[2].report.report_id, "report-20");
  even = store_->reports(page(100, (*even)[2].id, even_since_day_10));
  ASSERT_TRUE(even);
  std::vector<std::string> rest;
  for (const StoredReport& s : *even)
    rest.push_back(s.report.report_id);
  EXPECT_EQ(rest, (std::vector<std::string>{"report-18", "report-16", "report-14", "report-12",
                                            "report-10"}));
}

TEST_P(StoreTest, ListingLimitsAreCapped) {
  std::vector<NewReport> batch;
  for (int n = 1; n <= 3; ++n)
    batch.push_back(made_report(n));
  add(batch);
  auto listed = store_->reports(page(std::numeric_limits<std::size_t>::max()));
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_EQ(listed->size(), 3u);
  auto none = store_->reports(page(0));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto q = store_->quarantined(std::numeric_limits<std::size_t>::max());
  ASSERT_TRUE(q) << q.error().describe();
}

// ---- Quarantine -------------------------------------------------------------------------------

TEST_P(StoreTest, ALeaseHasOneHolderUntilItIsGivenBackOrRunsOut) {
  const UnixSeconds t = 1'790'000'000;
  auto lease = [&](std::string_view holder, UnixSeconds now) {
    auto taken = store_->take_lease("alerts", holder, now, now + 600);
    EXPECT_TRUE(taken) << taken.error().describe();
    return taken ? *taken : Lease{};
  };
  EXPECT_EQ(lease("a:1", t), (Lease{"a:1", t + 600}));
  EXPECT_EQ(lease("b:2", t + 10), (Lease{"a:1", t + 600})) << "held: b gets the holder";
  EXPECT_EQ(lease("a:1", t + 20), (Lease{"a:1", t + 620})) << "its holder extends it";
  // Another name is another lease.
  auto other = store_->take_lease("other", "b:2", t, t + 5);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->holder, "b:2");
  // Only its holder gives it back.
  ASSERT_TRUE(store_->drop_lease("alerts", "b:2"));
  EXPECT_EQ(lease("b:2", t + 30).holder, "a:1");
  ASSERT_TRUE(store_->drop_lease("alerts", "a:1"));
  EXPECT_EQ(lease("b:2", t + 40), (Lease{"b:2", t + 640}));
  // A holder that never gives it back loses it when its time is over.
  EXPECT_EQ(lease("a:1", t + 639).holder, "b:2");
  EXPECT_EQ(lease("a:1", t + 640), (Lease{"a:1", t + 1240}));
}

TEST_P(StoreTest, SessionsAreSharedUntilTheyEndOrClose) {
  const UnixSeconds t = 1'790'000'000;
  ASSERT_TRUE(store_->open_session("key-a", "alice", t + 100, t));
  ASSERT_TRUE(store_->open_session("key-b", "bob", t + 10, t));
  // Another connection, as another server has, finds them.
  auto other = test::open_or_fail(db_->url());
  ASSERT_NE(other, nullptr);
  auto a = other->session("key-a", t + 5);
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(*a, std::pair(std::string("alice"), t + 100));
  EXPECT_EQ(*other->session("key-b", t + 9), std::pair(std::string("bob"), t + 10));
  EXPECT_EQ(*other->session("key-b", t + 10), std::nullopt) << "ended";
  EXPECT_EQ(*other->session("unknown", t), std::nullopt);
  // Closed on one server, gone for all.
  ASSERT_TRUE(store_->close_session("key-a"));
  EXPECT_EQ(*other->session("key-a", t + 5), std::nullopt);
  // A new session forgets the ended ones.
  ASSERT_TRUE(other->open_session("key-c", "carol", t + 200, t + 50));
  auto conn = detail::connect(db_->url());
  ASSERT_TRUE(conn);
  auto rows = (*conn)->query("SELECT id_sha256 FROM session ORDER BY id_sha256");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->text(0, 0), "key-c");
}

TEST_P(StoreTest, QuarantineKeepsTheBytesExactly) {
  std::string raw("\x1f\x8b\x08\x00\x00\xff\xfe\x80 not a report \x00\x00\xc3(", 27);
  for (int i = 0; i < 256; ++i)
    raw += static_cast<char>(i);
  const NewQuarantined item{raw, "https", "203.0.113.9", "not gzip: invalid block type",
                            1'790'000'123};
  auto id = store_->quarantine(item);
  ASSERT_TRUE(id) << id.error().describe();
  auto second = store_->quarantine({"", "file", std::string("/tmp/\xff.eml"), "empty", 5});
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_GT(*second, *id);

  auto listed = store_->quarantined(10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).id, *second) << "newest first";
  EXPECT_EQ(listed->at(0).origin, "/tmp/\xEF\xBF\xBD.eml") << "not UTF-8: repaired";
  EXPECT_EQ(listed->at(0).size, 0u);
  EXPECT_EQ(listed->at(1).size, raw.size());
  EXPECT_FALSE(listed->at(1).raw.has_value());

  auto got = store_->quarantined_item(*id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->raw, raw);
  EXPECT_EQ((*got)->transport, "https");
  EXPECT_EQ((*got)->origin, "203.0.113.9");
  EXPECT_EQ((*got)->reason, "not gzip: invalid block type");
  EXPECT_EQ((*got)->received_at, 1'790'000'123);
  EXPECT_EQ(status().quarantined, 2u);

  EXPECT_TRUE(store_->release(*id));
  EXPECT_FALSE(*store_->quarantined_item(*id));
  EXPECT_FALSE(store_->release(*id)) << "released once only";
  EXPECT_EQ(status().quarantined, 1u);
  EXPECT_EQ(status().reports, 0u) << "the quarantine is apart from the reports";
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& param) {
  return test::to_string(param.param);
}

INSTANTIATE_TEST_SUITE_P(SQLite, StoreTest, ::testing::Values(Backend::sqlite), backend_name);
INSTANTIATE_TEST_SUITE_P(PostgreSQL, StoreTest, ::testing::Values(Backend::postgresql),
                         backend_name);

// ---- Outside the suite: URLs --------------------------------------------------------------------

TEST(StoreUrl, PasswordsAreMasked) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"postgresql://ws:s3cret@db.example:5432/reports",
       "postgresql://ws:***@db.example:5432/reports"},
      {"postgres://ws:p%40ss@db/r?sslmode=require", "postgres://ws:***@db/r?sslmode=require"},
      {"postgresql://ws@db/r?password=hunter2&sslmode=require",
       "postgresql://ws@db/r?password=***&sslmode=require"},
      {"postgresql:///r?host=/run/pg&password=x", "postgresql:///r?host=/run/pg&password=***"},
      {"postgresql://db/r", "postgresql://db/r"},
      {"sqlite:/var/lib/webshield/x.db", "sqlite:/var/lib/webshield/x.db"},
  };
  for (auto [url, shown] : cases) {
    SCOPED_TRACE(url);
    EXPECT_EQ(redact_url(url), shown);
  }
}

TEST(StoreUrl, OpenFailuresNameTheUrlWithoutThePassword) {
  auto opened = open("postgresql://ws:s3cret@127.0.0.1:1/reports?connect_timeout=5");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().where, "postgresql://ws:***@127.0.0.1:1/reports?connect_timeout=5");
  EXPECT_EQ(opened.error().describe().find("s3cret"), std::string::npos);
  opened = open("mysql://db/reports");
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("unknown kind of database"), std::string::npos);
  opened = open("sqlite:/dev/null/cannot/be/here.db");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().where, "sqlite:/dev/null/cannot/be/here.db");
}

TEST(StoreUrl, DefaultIsUnderTheUsersDataDirectory) {
  const std::string dir = ::testing::TempDir() + "webshield_xdg_" + std::to_string(getpid());
  const char* home = std::getenv("HOME");
  const std::string saved_home = home != nullptr ? home : "";
  setenv("XDG_DATA_HOME", dir.c_str(), 1);
  EXPECT_EQ(default_url(), "sqlite:" + dir + "/webshield/webshield.db");
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/webshield")) << "created";
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", dir.c_str(), 1);
  EXPECT_EQ(default_url(), "sqlite:" + dir + "/.local/share/webshield/webshield.db");
  if (home != nullptr) {
    setenv("HOME", saved_home.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace webshield::store
