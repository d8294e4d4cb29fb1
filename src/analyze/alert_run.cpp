// Running the alert rules against a store and the notifiers.
#include "analyze/alert_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <set>

#include "core/domain_name.hpp"

namespace webshield::analyze {

std::string this_process() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host.data(), getpid());
}

namespace {

Result<RunResult> evaluate_held(store::Store& store, const AlertConfig& config,
                                const RunOptions& options) {
  const AlertThresholds& t = config.alerts;
  auto stored = store.alert_states();
  if (!stored) return std::unexpected(stored.error());
  auto history = store.daily(history_selection(t, options.now));
  if (!history) return std::unexpected(history.error());

  // The records of what the posture checks saw are no alerts: kept apart.
  std::vector<store::AlertRecord> previous;
  std::map<std::string, PostureSeen> seen;
  for (store::AlertRecord& r : *stored) {
    if (r.rule == kSeenRule) {
      seen.emplace(r.subject, seen_from_record(r));
    } else {
      previous.push_back(std::move(r));
    }
  }
  std::set<std::string> configured;
  for (const DomainConfig& d : config.domains) {
    if (auto name = DomainName::parse(d.name)) configured.insert(name->ascii());
  }
  std::vector<Alert> posture_before;
  for (const store::AlertRecord& r : previous) {
    if (r.state == "firing" && is_posture_rule(r.rule))
      posture_before.push_back(alert_from_json(nlohmann::json::parse(r.detail, nullptr, false)));
  }

  RunResult out;
  out.firing = evaluate(*history, t, options.now, previous);
  std::vector<store::AlertRecord> put;
  std::vector<std::string> removed;
  std::set<std::string> checked;
  if (options.posture != nullptr) {
    for (const PostureCheck& c : *options.posture) {
      const std::string& domain = c.result.domain;
      std::vector<Alert> firing;
      for (const Alert& a : posture_before)
        if (a.policy_domain == domain) firing.push_back(a);
      const auto it = seen.find(domain);
      const std::optional<PostureSeen> before =
          it != seen.end() ? std::optional<PostureSeen>(it->second) : std::nullopt;
      PostureEvaluation e = evaluate_posture(c.result, before, firing, t, c.domain, options.now);
      std::ranges::move(e.alerts, std::back_inserter(out.firing));
      if (e.seen != before) put.push_back(seen_record(e.seen, options.now));
      checked.insert(domain);
    }
  }
  for (const Alert& a : posture_before) {
    if (!checked.contains(a.policy_domain) && configured.contains(a.policy_domain))
      out.firing.push_back(a);
  }
  for (const auto& [domain, s] : seen) {
    if (!configured.contains(domain)) removed.push_back(alert_key(kSeenRule, domain));
  }
  std::ranges::sort(out.firing, {}, &Alert::key);

  Reconciled rec = reconcile(previous, out.firing, options.now, t);
  out.notices = std::move(rec.pending);
  out.records = std::move(rec.records);
  if (options.dry_run) return out;
  std::ranges::move(rec.changed, std::back_inserter(put));
  std::ranges::move(rec.removed, std::back_inserter(removed));
  // The state before delivering: a crash in between never loses a clear, at worst repeats a
  // notice.
  if (auto saved = store.save_alert_states(put, removed); !saved)
    return std::unexpected(saved.error());
  return out;
}

}  // namespace

Result<RunResult> evaluate_alerts(store::Store& store, const AlertConfig& config,
                                  const RunOptions& options) {
  if (options.dry_run) return evaluate_held(store, config, options);
  auto lease =
      store.take_lease(kAlertLease, options.holder, options.now, options.now + kAlertLeaseSeconds);
  if (!lease) return std::unexpected(lease.error());
  if (lease->holder != options.holder) {
    RunResult busy;
    busy.busy = std::move(*lease);
    return busy;
  }
  auto out = evaluate_held(store, config, options);
  if (out && !out->notices.empty()) {
    out->holder = options.holder;
    return out;
  }
  // Nothing to deliver (or a failure): the lease goes back now. Should that fail too, the
  // lease runs out by itself; the evaluation's own answer matters more.
  (void)store.drop_lease(kAlertLease, options.holder);
  return out;
}

Delivery deliver(std::span<const std::unique_ptr<Notifier>> notifiers,
                 std::span<const Notice> notices) {
  Delivery out;
  for (const auto& n : notifiers) {
    const std::string id = n->id();
    std::vector<Notice> owed;
    for (const Notice& notice : notices) {
      if (std::ranges::find(notice.record.delivered_to, id) == notice.record.delivered_to.end())
        owed.push_back(notice);
    }
    if (owed.empty()) continue;
    if (auto sent = n->send(owed); sent) {
      out.sent.push_back(id);
    } else {
      out.failed.push_back(id);
      out.errors.push_back(sent.error());
    }
  }
  return out;
}

Result<void> record_delivered(store::Store& store, RunResult& result, const Delivery& delivery) {
  if (result.notices.empty()) return {};
  const std::vector<store::AlertRecord> done =
      mark_delivered(result.notices, delivery.sent, delivery.failed);
  auto saved = store.save_alert_states(done, {});
  auto released = store.drop_lease(kAlertLease, result.holder);
  if (!saved) return saved;
  for (store::AlertRecord& r : result.records) {
    for (const store::AlertRecord& d : done) {
      if (d.key != r.key) continue;
      r.notified = d.notified;
      r.delivered_to = d.delivered_to;
    }
  }
  return released;
}

Result<RunResult> run_alerts(store::Store& store, const AlertConfig& config,
                             std::span<const std::unique_ptr<Notifier>> notifiers,
                             const RunOptions& options) {
  auto out = evaluate_alerts(store, config, options);
  if (!out || options.dry_run || out->notices.empty()) return out;
  const Delivery delivery = deliver(notifiers, out->notices);
  out->delivery_errors = delivery.errors;
  if (auto recorded = record_delivered(store, *out, delivery); !recorded)
    return std::unexpected(recorded.error());
  return out;
}

nlohmann::json alerts_json(std::span<const store::AlertRecord> records) {
  nlohmann::json firing = nlohmann::json::array();
  nlohmann::json cleared = nlohmann::json::array();
  for (const store::AlertRecord& r : records) {
    if (r.rule == kSeenRule) continue;  // what the posture checks saw: no alert
    nlohmann::json j = to_json(alert_from_json(nlohmann::json::parse(r.detail, nullptr, false)));
    j["key"] = r.key;
    j["rule"] = r.rule;
    j["subject"] = r.subject;
    j["state"] = r.state;
    j["since"] = format_utc(r.since);
    j["fired_at"] = format_utc(r.fired_at);
    j["notified"] = r.notified == r.state;
    if (r.cleared_at) j["cleared_at"] = format_utc(*r.cleared_at);
    (r.state == "firing" ? firing : cleared).push_back(std::move(j));
  }
  return {{"firing", std::move(firing)}, {"cleared", std::move(cleared)}};
}

}  // namespace webshield::analyze
