// The posture rules fed with synthetic check results (no network): what fires, that a firing
// alert notifies once however often the checks run, and that it clears once. Then runs
// through a real store (SQLite, and PostgreSQL from the ctest fixture): what the checks saw is
// kept, but never shown as an alert.
#include "analyze/posture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "analyze/alert_run.hpp"
#include "analyze/alert_state.hpp"
#include "records/mtasts_policy.hpp"
#include "unit/store/store_test_support.hpp"

namespace webshield::analyze {
namespace {

constexpr UnixSeconds kStart = 1'793'534'400;  // 2026-11-01T12:00:00Z

records::StsPolicy policy(std::string_view mode, std::string_view mx = "mx1.example.com") {
  const std::string text =
      fmt::format("version: STSv1\r\nmode: {}\r\nmx: {}\r\nmax_age: 604800\r\n", mode, mx);
  auto parsed = records::parse_sts_policy(text);
  EXPECT_TRUE(parsed.policy) << text;
  return parsed.policy.value_or(records::StsPolicy{});
}

// A domain in good order at `now`: one MX, matching an enforce policy, certificate valid 90 days.
check::CheckResult healthy(UnixSeconds now) {
  check::CheckResult r;
  r.domain = "example.com";
  r.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"};
  r.mta_sts.record = "v=STSv1; id=20261101";
  r.mta_sts.id = "20261101";
  r.mta_sts.policy = policy("enforce");
  check::MxResult mx;
  mx.host = "mx1.example.com";
  mx.matches_policy = true;
  mx.starttls = true;
  mx.cert_not_after = now + 90 * kDay;
  r.mx.push_back(mx);
  return r;
}

std::set<std::string> keys(const std::vector<Alert>& alerts) {
  std::set<std::string> out;
  for (const Alert& a : alerts)
    out.insert(a.key);
  return out;
}

// The scheduled checks of one domain, each folded into the alert states as alert_run does,
// with every notice delivered.
class Schedule {
 public:
  struct Step {
    std::vector<Alert> firing;
    std::vector<std::string> notices;  // "firing <key>", "cleared <key>"
  };

  Step check(const check::CheckResult& r, UnixSeconds now, const DomainConfig& domain = {}) {
    std::vector<Alert> before;
    for (const store::AlertRecord& rec : records_) {
      if (rec.state == "firing")
        before.push_back(alert_from_json(nlohmann::json::parse(rec.detail)));
    }
    PostureEvaluation e = evaluate_posture(r, seen_, before, t, domain, now);
    seen_ = e.seen;
    Reconciled rec = reconcile(records_, e.alerts, now, t);
    Step step{e.alerts, {}};
    for (const Notice& n : rec.pending)
      step.notices.push_back(n.transition + " " + n.record.key);
    records_ = rec.records;
    std::map<std::string, store::AlertRecord> done;
    for (const store::AlertRecord& d : mark_delivered(rec.pending, {}, {}))
      done.emplace(d.key, d);
    for (store::AlertRecord& kept : records_)
      if (auto it = done.find(kept.key); it != done.end()) kept = it->second;
    return step;
  }

  const std::optional<PostureSeen>& seen() const { return seen_; }

  AlertThresholds t;

 private:
  std::optional<PostureSeen> seen_;
  std::vector<store::AlertRecord> records_;
};

using Notices = std::vector<std::string>;

TEST(Posture, FirstCheckRemembersWithoutAlerting) {
  Schedule s;
  const auto step = s.check(healthy(kStart), kStart);
  EXPECT_TRUE(step.firing.empty());
  ASSERT_TRUE(s.seen());
  EXPECT_EQ(s.seen()->tlsrpt, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
  EXPECT_EQ(s.seen()->mta_sts, "v=STSv1; id=20261101");
  EXPECT_EQ(s.seen()->policy_id, "20261101");
  EXPECT_FALSE(s.seen()->testing_since);
}

TEST(Posture, RecordChangeFiresOnceAndClearsOnceWhenStable) {
  Schedule s;
  s.check(healthy(kStart), kStart);
  check::CheckResult changed = healthy(kStart);
  changed.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:other@example.net"};
  auto step = s.check(changed, kStart + 3600);
  ASSERT_EQ(step.firing.size(), 1u);
  const Alert& a = step.firing.front();
  EXPECT_EQ(a.key, "record_changed:example.com tlsrpt");
  EXPECT_EQ(a.policy_domain, "example.com");
  EXPECT_EQ(a.evidence.previous, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
  EXPECT_EQ(a.evidence.current, "v=TLSRPTv1; rua=mailto:other@example.net");
  EXPECT_FALSE(a.action.empty());
  EXPECT_EQ(step.notices, Notices{"firing record_changed:example.com tlsrpt"});
  step = s.check(changed, kStart + 7200);  // the same record again: the change is over
  EXPECT_TRUE(step.firing.empty());
  EXPECT_EQ(step.notices, Notices{"cleared record_changed:example.com tlsrpt"});
  step = s.check(changed, kStart + 10800);
  EXPECT_TRUE(step.notices.empty());
}

TEST(Posture, BrokenRecordFiresWithTheFindingUntilFixed) {
  Schedule s;
  check::CheckResult broken = healthy(kStart);
  broken.findings.push_back(
      {"tlsrpt.rua_missing", Severity::error, "no rua= field", "RFC 8460 §3", "v=TLSRPTv1;"});
  broken.findings.push_back(
      {"mta_sts.policy_max_age_short", Severity::warning, "short", "RFC 8461 §3.2", ""});
  auto step = s.check(broken, kStart);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"record_broken:example.com tlsrpt"});
  const Alert& a = step.firing.front();
  ASSERT_EQ(a.evidence.findings.size(), 1u);
  EXPECT_EQ(a.evidence.findings.front().code, "tlsrpt.rua_missing");
  EXPECT_EQ(a.evidence.findings.front().message, "no rua= field");
  EXPECT_EQ(step.notices, Notices{"firing record_broken:example.com tlsrpt"});
  EXPECT_TRUE(s.check(broken, kStart + 3600).notices.empty());  // no re-fire
  EXPECT_EQ(s.check(healthy(kStart), kStart + 7200).notices,
            Notices{"cleared record_broken:example.com tlsrpt"});
  EXPECT_TRUE(s.check(healthy(kStart), kStart + 10800).notices.empty());
}

TEST(Posture, ALookupThatFailedKeepsWhatFiredAndWhatWasSeen) {
  Schedule s;
  check::CheckResult broken = healthy(kStart);
  broken.findings.push_back(
      {"tlsrpt.rua_missing", Severity::error, "no rua= field", "RFC 8460 §3", ""});
  s.check(broken, kStart);
  const PostureSeen seen = *s.seen();
  check::CheckResult unknown = healthy(kStart);
  unknown.tlsrpt.records.clear();
  unknown.findings.push_back(
      {"tlsrpt.lookup_failed", Severity::unknown, "SERVFAIL", "RFC 8460 §3", ""});
  const auto step = s.check(unknown, kStart + 3600);
  EXPECT_EQ(keys(step.firing), std::set<std::string>{"record_broken:example.com tlsrpt"});
  EXPECT_TRUE(step.notices.empty());
  EXPECT_EQ(s.seen()->tlsrpt, seen.tlsrpt);
}

TEST(Posture, TestingModeAlertsAfterTheConfiguredDays) {
  Schedule s;
  check::CheckResult testing = healthy(kStart);
  testing.mta_sts.policy = policy("testing");
  testing.findings.push_back({"mta_sts.mode_testing", Severity::warning,
                              "mode testing: nothing is enforced yet", "RFC 8461 §5", ""});
  EXPECT_TRUE(s.check(testing, kStart).firing.empty());
  EXPECT_EQ(s.seen()->testing_since, kStart);
  EXPECT_TRUE(s.check(testing, kStart + 29 * kDay).firing.empty());
  auto step = s.check(testing, kStart + 30 * kDay);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"testing:example.com"});
  EXPECT_EQ(step.firing.front().since, kStart);
  EXPECT_EQ(step.firing.front().evidence.findings.front().code, "mta_sts.mode_testing");
  EXPECT_EQ(step.notices, Notices{"firing testing:example.com"});
  EXPECT_TRUE(s.check(testing, kStart + 31 * kDay).notices.empty());
  // Enforced at last (with a new id, so that no other rule fires).
  check::CheckResult enforced = healthy(kStart);
  enforced.mta_sts.record = "v=STSv1; id=20261202";
  enforced.mta_sts.id = "20261202";
  step = s.check(enforced, kStart + 32 * kDay);
  EXPECT_EQ(step.notices,
            (Notices{"firing record_changed:example.com mta_sts", "cleared testing:example.com"}));
  EXPECT_FALSE(s.seen()->testing_since);
}

TEST(Posture, TestingDaysOfTheDomainWin) {
  Schedule s;
  check::CheckResult testing = healthy(kStart);
  testing.mta_sts.policy = policy("testing");
  DomainConfig domain;
  domain.testing_days = 0;
  EXPECT_EQ(keys(s.check(testing, kStart, domain).firing),
            std::set<std::string>{"testing:example.com"});
}

TEST(Posture, PolicyChangedWithoutANewIdFiresUntilTheIdChanges) {
  Schedule s;
  s.check(healthy(kStart), kStart);
  check::CheckResult changed = healthy(kStart);
  changed.mta_sts.policy = policy("enforce", "mx2.example.com");
  auto step = s.check(changed, kStart + 3600);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"policy_changed:example.com"});
  const Alert& a = step.firing.front();
  EXPECT_EQ(a.evidence.previous,
            "version: STSv1; mode: enforce; max_age: 604800; mx: mx1.example.com");
  EXPECT_EQ(a.evidence.current,
            "version: STSv1; mode: enforce; max_age: 604800; mx: mx2.example.com");
  // Still the old id hours later: no new notice.
  EXPECT_TRUE(s.check(changed, kStart + 7200).notices.empty());
  EXPECT_EQ(keys(s.check(changed, kStart + 7200).firing),
            std::set<std::string>{"policy_changed:example.com"});
  changed.mta_sts.record = "v=STSv1; id=20261102";
  changed.mta_sts.id = "20261102";
  step = s.check(changed, kStart + 10800);
  EXPECT_EQ(step.notices, (Notices{"cleared policy_changed:example.com",
                                   "firing record_changed:example.com mta_sts"}));
  EXPECT_EQ(s.seen()->policy_id, "20261102");
}

TEST(Posture, CertificateExpiringWithinTheDays) {
  Schedule s;
  check::CheckResult soon = healthy(kStart);
  soon.mx.front().cert_not_after = kStart + 10 * kDay;
  auto step = s.check(soon, kStart);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"cert_expiry:example.com mx1.example.com"});
  EXPECT_EQ(step.firing.front().evidence.not_after, kStart + 10 * kDay);
  EXPECT_NE(step.firing.front().what.find("in 10 days"), std::string::npos);
  EXPECT_TRUE(s.check(soon, kStart + 3600).notices.empty());
  // Renewed.
  EXPECT_EQ(s.check(healthy(kStart), kStart + 7200).notices,
            Notices{"cleared cert_expiry:example.com mx1.example.com"});

  DomainConfig strict;
  strict.cert_days = 5;
  Schedule other;
  EXPECT_TRUE(other.check(soon, kStart, strict).firing.empty());
}

TEST(Posture, ExpiredCertificateFiresWithTheFinding) {
  Schedule s;
  check::CheckResult expired = healthy(kStart);
  expired.mx.front().cert_not_after = kStart - kDay;
  expired.findings.push_back({"mx.cert_expired", Severity::error,
                              "the certificate of mx1.example.com is not valid now",
                              "RFC 8461 §4.2", "mx1.example.com"});
  const auto step = s.check(expired, kStart);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"cert_expiry:example.com mx1.example.com"});
  EXPECT_EQ(step.firing.front().evidence.findings.front().code, "mx.cert_expired");
}

TEST(Posture, AnUnreachableMxKeepsItsCertificateAlert) {
  Schedule s;
  check::CheckResult soon = healthy(kStart);
  soon.mx.front().cert_not_after = kStart + 3 * kDay;
  s.check(soon, kStart);
  check::CheckResult unreachable = healthy(kStart);
  unreachable.mx.front().cert_not_after.reset();
  unreachable.mx.front().starttls.reset();
  unreachable.findings.push_back(
      {"mx.unreachable", Severity::unknown, "port 25 blocked", "RFC 5321 §3.1", "mx1.example.com"});
  const auto step = s.check(unreachable, kStart + 3600);
  EXPECT_EQ(keys(step.firing), std::set<std::string>{"cert_expiry:example.com mx1.example.com"});
  EXPECT_TRUE(step.notices.empty());
}

TEST(Posture, MxNotInThePolicy) {
  Schedule s;
  check::CheckResult mismatch = healthy(kStart);
  check::MxResult mx2 = mismatch.mx.front();
  mx2.host = "mx2.example.net";
  mx2.matches_policy = false;
  mismatch.mx.push_back(mx2);
  mismatch.findings.push_back({"mx.not_in_policy", Severity::error,
                               "MX mx2.example.net matches no mx pattern of the policy",
                               "RFC 8461 §4.1", "mx2.example.net"});
  auto step = s.check(mismatch, kStart);
  ASSERT_EQ(keys(step.firing), std::set<std::string>{"mx_mismatch:example.com mx2.example.net"});
  ASSERT_EQ(step.firing.front().evidence.findings.size(), 1u);
  EXPECT_EQ(step.firing.front().evidence.findings.front().code, "mx.not_in_policy");
  EXPECT_TRUE(s.check(mismatch, kStart + 3600).notices.empty());
  EXPECT_EQ(s.check(healthy(kStart), kStart + 7200).notices,
            Notices{"cleared mx_mismatch:example.com mx2.example.net"});
}

TEST(Posture, SeenRecordRoundTrips) {
  PostureSeen seen;
  seen.domain = "example.com";
  seen.tlsrpt = "";
  seen.mta_sts = "v=STSv1; id=1";
  seen.policy_id = "1";
  seen.policy = "version: STSv1; mode: testing";
  seen.testing_since = kStart;
  const store::AlertRecord r = seen_record(seen, kStart);
  EXPECT_EQ(r.rule, kSeenRule);
  EXPECT_EQ(r.state, r.notified);  // never a notice
  EXPECT_EQ(seen_from_record(r), seen);
}

TEST(AlertJson, PostureEvidenceRoundTrips) {
  Alert a;
  a.key = "cert_expiry:example.com mx1.example.com";
  a.rule = "cert_expiry";
  a.subject = "example.com mx1.example.com";
  a.policy_domain = "example.com";
  a.since = kStart;
  a.evidence.findings = {{"mx.cert_expired", "error", "expired", "mx1.example.com"}};
  a.evidence.previous = "a";
  a.evidence.current = "";
  a.evidence.not_after = kStart + kDay;
  EXPECT_EQ(alert_from_json(to_json(a)), a);
}

class RecordingNotifier final : public Notifier {
 public:
  std::vector<Notice> sent;
  std::string name() const override { return "recording"; }
  Result<void> send(std::span<const Notice> notices) override {
    sent.insert(sent.end(), notices.begin(), notices.end());
    return {};
  }
};

class PostureRun : public ::testing::TestWithParam<test::Backend> {};

TEST_P(PostureRun, ThroughTheStoreOnceAndKeptBetweenChecks) {
  test::TestDatabase db(GetParam());
  ASSERT_TRUE(db.ok());
  auto store = test::open_or_fail(db.url());
  ASSERT_NE(store, nullptr);
  AlertConfig config;
  config.domains.push_back({"example.com", std::nullopt, std::nullopt});
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::make_unique<RecordingNotifier>());
  auto& recorder = static_cast<RecordingNotifier&>(*notifiers.front());

  check::CheckResult soon = healthy(kStart);
  soon.mx.front().cert_not_after = kStart + 2 * kDay;
  const std::vector<PostureCheck> checks = {{config.domains.front(), soon}};
  auto run = run_alerts(*store, config, notifiers, {kStart, false, &checks});
  ASSERT_TRUE(run) << run.error().describe();
  ASSERT_EQ(recorder.sent.size(), 1u);
  EXPECT_EQ(recorder.sent.front().record.key, "cert_expiry:example.com mx1.example.com");

  // The rules over reports alone (serve between two checks): the posture alert stays.
  run = run_alerts(*store, config, notifiers, {kStart + 900, false, nullptr});
  ASSERT_TRUE(run);
  EXPECT_EQ(keys(run->firing), std::set<std::string>{"cert_expiry:example.com mx1.example.com"});
  run = run_alerts(*store, config, notifiers, {kStart + 3600, false, &checks});
  ASSERT_TRUE(run);
  EXPECT_EQ(recorder.sent.size(), 1u);  // delivered once

  // What the checks saw is kept, but is no alert.
  auto states = store->alert_states();
  ASSERT_TRUE(states);
  EXPECT_TRUE(std::ranges::any_of(*states,
                                  [](const store::AlertRecord& r) { return r.rule == kSeenRule; }));
  const nlohmann::json shown = alerts_json(*states);
  EXPECT_EQ(shown["firing"].size(), 1u);
  EXPECT_EQ(shown["cleared"].size(), 0u);

  // The domain leaves the configuration: its alert clears, once, and what was seen goes.
  config.domains.clear();
  run = run_alerts(*store, config, notifiers, {kStart + 7200, false, nullptr});
  ASSERT_TRUE(run);
  ASSERT_EQ(recorder.sent.size(), 2u);
  EXPECT_EQ(recorder.sent.back().transition, "cleared");
  states = store->alert_states();
  ASSERT_TRUE(states);
  EXPECT_TRUE(std::ranges::none_of(
      *states, [](const store::AlertRecord& r) { return r.rule == kSeenRule; }));
}

std::string backend_name(const ::testing::TestParamInfo<test::Backend>& param) {
  return test::to_string(param.param);
}

INSTANTIATE_TEST_SUITE_P(SQLite, PostureRun, ::testing::Values(test::Backend::sqlite),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(PostgreSQL, PostureRun, ::testing::Values(test::Backend::postgresql),
                         backend_name);

}  // namespace
}  // namespace webshield::analyze
