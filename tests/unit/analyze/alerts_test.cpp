// The alert rules and their deduplication over a real store (SQLite, and PostgreSQL from the
// ctest fixture): generated report histories, then which alerts fire and clear, and that each
// change is delivered once.
#include "analyze/alerts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <set>
#include <thread>

#include "analyze/alert_run.hpp"
#include "analyze/alert_state.hpp"
#include "explain/explain.hpp"
#include "unit/store/store_test_support.hpp"

namespace webshield::analyze {
namespace {

using test::Backend;

constexpr UnixSeconds kFirstDay = 1'793'491'200;  // 2026-11-01T00:00:00Z

UnixSeconds day(int n) {
  return kFirstDay + n * kDay;
}

// Noon of day n: when the rules run in these scenarios.
UnixSeconds noon(int n) {
  return day(n) + kDay / 2;
}

struct Failure {
  std::string type = "certificate-expired";
  std::string mx = "mx1.example.com";
  std::uint64_t count = 0;
};

// One daily report of `org` about `domain` for day n.
store::NewReport daily_report(const std::string& org, int n, std::uint64_t successful,
                              std::vector<Failure> failures = {},
                              const std::string& domain = "example.com") {
  static int serial = 0;
  ++serial;
  store::NewReport r;
  r.report.organization_name = org;
  r.report.report_id = org + "-" + domain + "-" + std::to_string(n) + "-" + std::to_string(serial);
  r.report.date_range = {day(n), day(n) + kDay - 1};
  r.report.canonical_sha256 = std::string(56, 'b') + std::to_string(100000 + serial);
  report::Policy p;
  p.policy_type = report::PolicyType::sts;
  p.policy_type_raw = "sts";
  p.policy_domain = domain;
  p.mx_hosts = {"mx1.example.com", "mx2.example.com"};
  p.successful_sessions = successful;
  std::uint64_t failed = 0;
  for (const Failure& f : failures) {
    report::FailureDetail d;
    d.result_type = report::result_type_from(f.type);
    d.result_type_raw = f.type;
    d.receiving_mx_hostname = f.mx;
    d.sending_mta_ip = "192.0.2.1";
    d.failed_session_count = f.count;
    failed += f.count;
    p.failure_details.push_back(d);
  }
  p.failed_sessions = failed;
  r.report.policies.push_back(p);
  r.raw = "{}";
  r.source.transport = "https";
  r.origin = "198.51.100.1";
  r.received_at = day(n + 1) + 3600;
  return r;
}

class RecordingNotifier final : public Notifier {
 public:
  explicit RecordingNotifier(std::string name = "recording") : name_(std::move(name)) {}
  std::vector<std::vector<Notice>> sent;
  bool broken = false;

  std::string name() const override { return name_; }
  Result<void> send(std::span<const Notice> notices) override {
    if (broken) return fail("the receiver is down");
    sent.emplace_back(notices.begin(), notices.end());
    return {};
  }

 private:
  std::string name_;
};

// A destination that takes a while to answer, as a webhook does, and counts what it got; for
// several threads at once.
class SlowCountingNotifier final : public Notifier {
 public:
  explicit SlowCountingNotifier(std::atomic<int>& sent) : sent_(sent) {}
  std::string name() const override { return "slow"; }
  Result<void> send(std::span<const Notice> notices) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sent_ += static_cast<int>(notices.size());
    return {};
  }

 private:
  std::atomic<int>& sent_;
};

class AlertsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<test::TestDatabase>(GetParam());
    ASSERT_TRUE(db_->ok());
    store_ = test::open_or_fail(db_->url());
    ASSERT_NE(store_, nullptr);
  }

  void add(std::vector<store::NewReport> batch) {
    auto added = store_->add(batch);
    ASSERT_TRUE(added) << added.error().describe();
  }

  // `days` clean days (1000 sessions, `baseline_failed` of them failing on mx1) from org A and
  // org B, days 0 .. days-1.
  void clean_history(int days, std::uint64_t baseline_failed = 0) {
    std::vector<store::NewReport> batch;
    for (int n = 0; n < days; ++n) {
      std::vector<Failure> f;
      if (baseline_failed > 0)
        f.push_back({"certificate-expired", "mx1.example.com", baseline_failed});
      batch.push_back(daily_report("Org A", n, 1000 - baseline_failed, f));
      batch.push_back(daily_report("Org B", n, 500));
    }
    add(std::move(batch));
  }

  // The keys firing at `now`, without notifying or remembering.
  std::set<std::string> firing(UnixSeconds now, const AlertThresholds& t = {}) {
    auto history = store_->daily(history_selection(t, now));
    EXPECT_TRUE(history) << history.error().describe();
    auto previous = store_->alert_states();
    EXPECT_TRUE(previous) << previous.error().describe();
    std::set<std::string> keys;
    if (!history || !previous) return keys;
    for (const Alert& a : evaluate(*history, t, now, *previous))
      keys.insert(a.key);
    return keys;
  }

  RunResult run(UnixSeconds now, const AlertConfig& config = {},
                std::string holder = this_process()) {
    std::vector<std::unique_ptr<Notifier>> notifiers;
    auto owned = std::make_unique<RecordingNotifier>();
    owned->broken = broken_;
    RecordingNotifier* raw = owned.get();
    notifiers.push_back(std::move(owned));
    auto r = run_alerts(*store_, config, notifiers, {now, false, nullptr, std::move(holder)});
    EXPECT_TRUE(r) << r.error().describe();
    for (auto& batch : raw->sent)
      deliveries_.push_back(std::move(batch));
    return r ? *r : RunResult{};
  }

  std::unique_ptr<test::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::vector<Notice>> deliveries_;
  bool broken_ = false;
};

TEST_P(AlertsTest, DailyQuerySumsPerReportDomainAndDay) {
  add({daily_report("Org A", 0, 900, {{"certificate-expired", "MX1.example.com.", 7}}),
       daily_report("Org A", 1, 10, {}, "other.example")});
  auto d = store_->daily({});
  ASSERT_TRUE(d) << d.error().describe();
  ASSERT_EQ(d->policies.size(), 2u);
  EXPECT_EQ(d->policies[0].policy_domain, "example.com");
  EXPECT_EQ(d->policies[0].day, day(0));
  EXPECT_EQ(d->policies[0].successful, 900u);
  EXPECT_EQ(d->policies[0].failed, 7u);
  EXPECT_EQ(d->policies[1].policy_domain, "other.example");
  ASSERT_EQ(d->failures.size(), 1u);
  EXPECT_EQ(d->failures[0].result_type, "certificate-expired");
  EXPECT_EQ(d->failures[0].mx, "MX1.example.com.");
  EXPECT_EQ(d->failures[0].failed, 7u);
  EXPECT_EQ(d->failures[0].report, d->policies[0].report);
}

TEST_P(AlertsTest, NothingFiresOnACleanHistory) {
  clean_history(20);
  EXPECT_TRUE(firing(noon(20)).empty());
}

TEST_P(AlertsTest, RateOverThresholdFires) {
  clean_history(20, 20);  // 2% every day: the rate rule, but nothing new and no jump
  EXPECT_EQ(firing(noon(20)), (std::set<std::string>{"rate:example.com"}));
}

TEST_P(AlertsTest, RateNeedsEnoughSessions) {
  add({daily_report("Org A", 19, 50, {{"certificate-expired", "mx1.example.com", 10}})});
  EXPECT_TRUE(firing(noon(20)).empty());
  AlertThresholds t;
  t.rate_min_sessions = 10;
  EXPECT_EQ(firing(noon(20), t), (std::set<std::string>{"rate:example.com"}));
}

TEST_P(AlertsTest, JumpAgainstTheBaselineMedian) {
  clean_history(19, 4);  // 0.4% a day, below the 1% threshold
  add({daily_report("Org A", 19, 985, {{"certificate-expired", "mx1.example.com", 15}})});
  AlertThresholds t;
  t.rate_threshold = 0.5;  // only the jump: 1.5% against 0.4% is more than 3×
  EXPECT_EQ(firing(noon(20), t), (std::set<std::string>{"jump:example.com"}));
}

TEST_P(AlertsTest, JumpFromZeroNeedsTheFloor) {
  clean_history(19);
  add({daily_report("Org A", 19, 998, {{"certificate-expired", "mx1.example.com", 2}})});
  AlertThresholds t;
  t.rate_threshold = 0.5;
  t.rate_min_sessions = 100;
  // 0.2% after 0%: below the 0.5% floor. Still new (type, MX, organisation), but no jump.
  const auto keys = firing(noon(20), t);
  EXPECT_FALSE(keys.contains("jump:example.com"));
  t.jump_min_rate = 0.001;
  EXPECT_TRUE(firing(noon(20), t).contains("jump:example.com"));
}

TEST_P(AlertsTest, NewMxFires) {
  clean_history(19, 2);  // certificate-expired on mx1 every day
  add({daily_report("Org A", 19, 996,
                    {{"certificate-expired", "mx1.example.com", 2},
                     {"certificate-expired", "mx2.example.com", 2}})});
  EXPECT_EQ(firing(noon(20)), (std::set<std::string>{"new_mx:example.com mx2.example.com"}));
}

TEST_P(AlertsTest, NewTypeFires) {
  clean_history(19, 2);
  add({daily_report("Org A", 19, 996,
                    {{"certificate-expired", "mx1.example.com", 2},
                     {"certificate-host-mismatch", "mx1.example.com", 2}})});
  EXPECT_EQ(firing(noon(20)),
            (std::set<std::string>{"new_type:example.com certificate-host-mismatch"}));
  // The alert explains the type in plain words and names its usual fix (webshield explain).
  auto history = store_->daily(history_selection({}, noon(20)));
  ASSERT_TRUE(history);
  const auto alerts = evaluate(*history, {}, noon(20), {});
  ASSERT_EQ(alerts.size(), 1u);
  const explain::Explanation& x = explain::explain("certificate-host-mismatch");
  EXPECT_NE(alerts[0].what.find(x.summary), std::string::npos) << alerts[0].what;
  ASSERT_FALSE(x.fix.empty());
  EXPECT_NE(alerts[0].action.find(explain::fill(x.fix.front(), "example.com", "")),
            std::string::npos)
      << alerts[0].action;
  EXPECT_NE(alerts[0].action.find("webshield explain certificate-host-mismatch"),
            std::string::npos);
}

TEST_P(AlertsTest, NewOrganisationFailingFires) {
  clean_history(19, 2);
  add({daily_report("Org B", 19, 498, {{"certificate-expired", "mx1.example.com", 2}})});
  EXPECT_EQ(firing(noon(20)), (std::set<std::string>{"new_org:example.com Org B"}));
}

TEST_P(AlertsTest, NothingIsNewWithoutABaseline) {
  add({daily_report("Org A", 19, 900, {{"certificate-expired", "mx1.example.com", 100}})});
  // A fresh install: the rate fires, but without earlier days nothing can be "new".
  EXPECT_EQ(firing(noon(20)), (std::set<std::string>{"rate:example.com"}));
}

TEST_P(AlertsTest, SilentReporterFires) {
  clean_history(20);
  // Org B stops after day 19; Org A goes on.
  std::vector<store::NewReport> batch;
  for (int n = 20; n < 25; ++n)
    batch.push_back(daily_report("Org A", n, 1000));
  add(std::move(batch));
  EXPECT_TRUE(firing(noon(22)).empty());  // days 20, 21 missing: within 3 days
  EXPECT_EQ(firing(noon(23)), (std::set<std::string>{"silence:Org B"}));
}

TEST_P(AlertsTest, OccasionalReporterDoesNotFireSilence) {
  add({daily_report("Org C", 2, 10), daily_report("Org C", 9, 10)});
  EXPECT_TRUE(firing(noon(20)).empty());
}

TEST_P(AlertsTest, FiresOnceAndClearsOnce) {
  clean_history(19, 2);
  add({daily_report("Org A", 19, 996,
                    {{"certificate-expired", "mx1.example.com", 2},
                     {"certificate-expired", "mx2.example.com", 2}})});
  const std::string key = "new_mx:example.com mx2.example.com";

  RunResult first = run(noon(20));
  ASSERT_EQ(first.firing.size(), 1u);
  ASSERT_EQ(deliveries_.size(), 1u);
  ASSERT_EQ(deliveries_[0].size(), 1u);
  EXPECT_EQ(deliveries_[0][0].transition, "firing");
  EXPECT_EQ(deliveries_[0][0].record.key, key);
  EXPECT_EQ(deliveries_[0][0].alert.since, day(19));
  EXPECT_FALSE(deliveries_[0][0].alert.evidence.reports.empty());
  EXPECT_FALSE(deliveries_[0][0].alert.action.empty());

  // Again, and the next day with mx2 still failing: still firing, nothing sent.
  run(noon(20));
  add({daily_report("Org A", 20, 998, {{"certificate-expired", "mx2.example.com", 2}}),
       daily_report("Org B", 19, 500), daily_report("Org B", 20, 500)});
  RunResult still = run(noon(21));
  EXPECT_EQ(still.firing.size(), 1u);
  EXPECT_EQ(deliveries_.size(), 1u);

  // mx2 fixed: two days later no recent day shows it failing; it clears, once.
  add({daily_report("Org A", 21, 1000), daily_report("Org A", 22, 1000),
       daily_report("Org B", 21, 500), daily_report("Org B", 22, 500)});
  RunResult cleared = run(noon(23));
  EXPECT_TRUE(cleared.firing.empty());
  ASSERT_EQ(deliveries_.size(), 2u);
  ASSERT_EQ(deliveries_[1].size(), 1u);
  EXPECT_EQ(deliveries_[1][0].transition, "cleared");
  EXPECT_EQ(deliveries_[1][0].record.key, key);
  run(noon(23));
  EXPECT_EQ(deliveries_.size(), 2u);

  auto states = store_->alert_states();
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].state, "cleared");
  EXPECT_EQ((*states)[0].notified, "cleared");
  EXPECT_EQ((*states)[0].since, day(19));

  // Forgotten after the retention (by then both organisations have gone silent).
  run(noon(23) + 8 * kDay);
  states = store_->alert_states();
  ASSERT_TRUE(states);
  EXPECT_TRUE(
      std::ranges::none_of(*states, [&](const store::AlertRecord& r) { return r.key == key; }));
}

TEST_P(AlertsTest, FailedDeliveryIsSentAgain) {
  clean_history(20, 20);
  broken_ = true;
  RunResult failed = run(noon(20));
  EXPECT_EQ(failed.delivery_errors.size(), 1u);
  EXPECT_TRUE(deliveries_.empty());
  // The failed run gave the lease back: another process may evaluate at once.
  auto lease = store_->take_lease(kAlertLease, "host-b:2", noon(20), noon(20) + 1);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->holder, "host-b:2");
  ASSERT_TRUE(store_->drop_lease(kAlertLease, "host-b:2"));
  broken_ = false;
  run(noon(20));
  ASSERT_EQ(deliveries_.size(), 1u);
  EXPECT_EQ(deliveries_[0][0].record.key, "rate:example.com");
  run(noon(20));
  EXPECT_EQ(deliveries_.size(), 1u);
}

TEST_P(AlertsTest, AFailedDestinationAloneIsSentTheNoticeAgain) {
  clean_history(20, 20);  // rate:example.com fires
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::make_unique<RecordingNotifier>("webhook https://a.example/"));
  notifiers.push_back(std::make_unique<RecordingNotifier>("mail to ops@example.com"));
  auto& hook = static_cast<RecordingNotifier&>(*notifiers[0]);
  auto& mail = static_cast<RecordingNotifier&>(*notifiers[1]);
  mail.broken = true;
  auto first = run_alerts(*store_, {}, notifiers, {noon(20), false});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->delivery_errors.size(), 1u);
  EXPECT_EQ(hook.sent.size(), 1u);
  auto states = store_->alert_states();
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].notified, "");
  EXPECT_EQ((*states)[0].delivered_to, std::vector<std::string>{"webhook https://a.example/"});

  // The mail server is back: only the mail goes out, and the notice is done.
  mail.broken = false;
  ASSERT_TRUE(run_alerts(*store_, {}, notifiers, {noon(20), false}));
  EXPECT_EQ(hook.sent.size(), 1u);
  ASSERT_EQ(mail.sent.size(), 1u);
  EXPECT_EQ(mail.sent[0][0].record.key, "rate:example.com");
  states = store_->alert_states();
  ASSERT_TRUE(states);
  EXPECT_EQ((*states)[0].notified, "firing");
  EXPECT_TRUE((*states)[0].delivered_to.empty());
  ASSERT_TRUE(run_alerts(*store_, {}, notifiers, {noon(20), false}));
  EXPECT_EQ(hook.sent.size() + mail.sent.size(), 2u);

  // It clears while the webhook is down: the clear is owed to the webhook alone.
  hook.broken = true;
  add({daily_report("Org A", 20, 1000), daily_report("Org A", 21, 1000),
       daily_report("Org B", 20, 500), daily_report("Org B", 21, 500)});
  ASSERT_TRUE(run_alerts(*store_, {}, notifiers, {noon(22), false}));
  ASSERT_EQ(mail.sent.size(), 2u);
  EXPECT_EQ(mail.sent[1][0].transition, "cleared");
  hook.broken = false;
  ASSERT_TRUE(run_alerts(*store_, {}, notifiers, {noon(22), false}));
  ASSERT_EQ(hook.sent.size(), 2u);
  EXPECT_EQ(hook.sent[1][0].transition, "cleared");
  EXPECT_EQ(mail.sent.size(), 2u);
  states = store_->alert_states();
  ASSERT_TRUE(states);
  EXPECT_EQ((*states)[0].notified, "cleared");
}

TEST_P(AlertsTest, SilenceKeepsFiringAfterLeavingTheWindow) {
  clean_history(20);
  std::vector<store::NewReport> batch;
  for (int n = 20; n < 60; ++n)
    batch.push_back(daily_report("Org A", n, 1000));
  add(std::move(batch));
  run(noon(24));
  ASSERT_EQ(deliveries_.size(), 1u);
  EXPECT_EQ(deliveries_[0][0].record.key, "silence:Org B");
  // Weeks later Org B's last report is older than the history read: still silent, no notice.
  RunResult later = run(noon(59));
  ASSERT_EQ(later.firing.size(), 1u);
  EXPECT_EQ(later.firing[0].key, "silence:Org B");
  EXPECT_EQ(deliveries_.size(), 1u);
  // It reports again: cleared.
  add({daily_report("Org B", 59, 500)});
  run(noon(60));
  ASSERT_EQ(deliveries_.size(), 2u);
  EXPECT_EQ(deliveries_[1][0].transition, "cleared");
}

TEST_P(AlertsTest, AnotherProcessHoldingTheLeaseSkipsTheRun) {
  clean_history(20, 20);  // rate:example.com fires
  auto a = evaluate_alerts(*store_, {}, {noon(20), false, nullptr, "host-a:1"});
  ASSERT_TRUE(a) << a.error().describe();
  ASSERT_EQ(a->notices.size(), 1u);
  EXPECT_EQ(a->holder, "host-a:1");
  // While host-a delivers, host-b runs: the lease is host-a's; host-b neither evaluates nor sends.
  RunResult b = run(noon(20), {}, "host-b:2");
  ASSERT_TRUE(b.busy);
  EXPECT_EQ(b.busy->holder, "host-a:1");
  EXPECT_EQ(b.busy->until, noon(20) + kAlertLeaseSeconds);
  EXPECT_TRUE(b.firing.empty());
  EXPECT_TRUE(deliveries_.empty());
  // host-a's delivery is remembered and the lease given back: host-b has nothing to send.
  ASSERT_TRUE(record_delivered(*store_, *a, Delivery{}));
  RunResult later = run(noon(20), {}, "host-b:2");
  EXPECT_FALSE(later.busy);
  EXPECT_EQ(later.firing.size(), 1u);
  EXPECT_TRUE(deliveries_.empty());
}

TEST_P(AlertsTest, ALeaseLeftByADeadProcessRunsOut) {
  clean_history(20, 20);
  // host-a evaluates and dies before delivering.
  ASSERT_TRUE(evaluate_alerts(*store_, {}, {noon(20), false, nullptr, "host-a:1"}));
  EXPECT_TRUE(run(noon(20) + kAlertLeaseSeconds - 1, {}, "host-b:2").busy);
  EXPECT_TRUE(deliveries_.empty());
  RunResult b = run(noon(20) + kAlertLeaseSeconds, {}, "host-b:2");
  EXPECT_FALSE(b.busy);
  ASSERT_EQ(deliveries_.size(), 1u);
  EXPECT_EQ(deliveries_[0][0].record.key, "rate:example.com");
}

TEST_P(AlertsTest, TwoProcessesRunningAtOnceSendEachNoticeOnce) {
  clean_history(20, 20);  // one alert to send
  // Two connections, as two servers on one database, run the rules over and over at the same
  // moment; the destination is slow, so one's delivery overlaps the other's evaluation.
  constexpr int kProcesses = 2;
  constexpr int kRuns = 15;
  std::atomic<int> sent = 0;
  std::atomic<int> busy = 0;
  std::vector<std::string> errors(kProcesses);
  std::barrier start(kProcesses);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    threads.emplace_back([&, p] {
      std::string& error = errors[static_cast<std::size_t>(p)];
      auto store = store::open(db_->url());
      if (!store) {
        error = store.error().describe();
        return;
      }
      std::vector<std::unique_ptr<Notifier>> notifiers;
      notifiers.push_back(std::make_unique<SlowCountingNotifier>(sent));
      const std::string holder = "host-" + std::to_string(p) + ":1";
      start.arrive_and_wait();
      for (int i = 0; i < kRuns && error.empty(); ++i) {
        auto r = run_alerts(**store, {}, notifiers, {noon(20), false, nullptr, holder});
        if (!r) error = r.error().describe();
        if (r && r->busy) ++busy;
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  for (const std::string& e : errors)
    EXPECT_EQ(e, "");
  EXPECT_EQ(sent.load(), 1);
  EXPECT_GT(busy.load(), 0) << "the runs overlapped";
}

TEST_P(AlertsTest, DryRunNeitherSendsNorRemembers) {
  clean_history(20, 20);
  // It takes no lease: it runs while another process holds it, and leaves it be.
  ASSERT_TRUE(store_->take_lease(kAlertLease, "host-a:1", noon(20), noon(20) + 60));
  std::vector<std::unique_ptr<Notifier>> none;
  auto r = run_alerts(*store_, {}, none, {noon(20), true});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->busy);
  EXPECT_EQ(r->notices.size(), 1u);
  EXPECT_EQ(store_->take_lease(kAlertLease, "host-b:2", noon(20), noon(20) + 60)->holder,
            "host-a:1");
  auto states = store_->alert_states();
  ASSERT_TRUE(states);
  EXPECT_TRUE(states->empty());
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& param) {
  return test::to_string(param.param);
}

INSTANTIATE_TEST_SUITE_P(SQLite, AlertsTest, ::testing::Values(Backend::sqlite), backend_name);
INSTANTIATE_TEST_SUITE_P(PostgreSQL, AlertsTest, ::testing::Values(Backend::postgresql),
                         backend_name);

TEST(AlertKey, LongSubjectsAreShortenedStably) {
  const std::string subject(2000, 'x');
  const std::string key = alert_key("new_org", subject);
  EXPECT_LE(key.size(), store::kMaxAlertKey);
  EXPECT_EQ(key, alert_key("new_org", subject));
  EXPECT_NE(key, alert_key("new_org", subject + "y"));
  EXPECT_EQ(alert_key("rate", "example.com"), "rate:example.com");
}

TEST(AlertJson, RoundTrips) {
  Alert a;
  a.key = "rate:example.com";
  a.rule = "rate";
  a.subject = "example.com";
  a.policy_domain = "example.com";
  a.what = "what";
  a.action = "action";
  a.since = day(3);
  a.evidence.reports = {4, 5};
  a.evidence.days = {"2026-11-04"};
  a.evidence.successful = 10;
  a.evidence.failed = 2;
  a.evidence.rate = 0.25;
  EXPECT_EQ(alert_from_json(to_json(a)), a);
}

}  // namespace
}  // namespace webshield::analyze
