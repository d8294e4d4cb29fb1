// Reconciling evaluated alerts with their stored states.
#include "analyze/alert_state.hpp"

#include <algorithm>
#include <map>

namespace webshield::analyze {
namespace {

store::AlertRecord fired(const Alert& a, UnixSeconds now) {
  store::AlertRecord r;
  r.key = a.key;
  r.rule = a.rule;
  r.subject = a.subject;
  r.state = "firing";
  r.since = a.since;
  r.fired_at = now;
  r.detail = to_json(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.updated_at = now;
  return r;
}

}  // namespace

Reconciled reconcile(std::span<const store::AlertRecord> previous, std::span<const Alert> current,
                     UnixSeconds now, const AlertThresholds& t) {
  std::map<std::string, const Alert*> firing_now;
  for (const Alert& a : current)
    firing_now.emplace(a.key, &a);
  std::map<std::string, store::AlertRecord> records;
  Reconciled out;

  for (const store::AlertRecord& old : previous) {
    const auto it = firing_now.find(old.key);
    if (it != firing_now.end()) {
      const Alert& a = *it->second;
      store::AlertRecord r = fired(a, now);
      if (old.state == "firing") {
        r.since = std::min(old.since, a.since);  // the first day stays the first day
        r.fired_at = old.fired_at;
        r.notified = old.notified;
        r.delivered_to = old.delivered_to;
      }
      // A cleared alert that fires again starts afresh (and notifies again).
      out.changed.push_back(r);
      records.emplace(r.key, std::move(r));
      continue;
    }
    store::AlertRecord r = old;
    if (old.state == "firing") {
      r.state = "cleared";
      r.cleared_at = now;
      r.updated_at = now;
      r.delivered_to.clear();  // a new state: nobody has it yet
      out.changed.push_back(r);
    } else if (old.cleared_at.value_or(old.updated_at) + t.cleared_retention_days * kDay < now
               && old.notified == old.state) {
      out.removed.push_back(old.key);
      continue;
    }
    records.emplace(r.key, std::move(r));
  }
  for (const Alert& a : current) {
    if (records.contains(a.key)) continue;
    store::AlertRecord r = fired(a, now);
    out.changed.push_back(r);
    records.emplace(r.key, std::move(r));
  }
  for (auto& [key, r] : records) {
    if (r.state != r.notified) {
      Notice n;
      n.transition = r.state;
      n.record = r;
      const auto it = firing_now.find(key);
      n.alert = it != firing_now.end()
                    ? *it->second
                    : alert_from_json(nlohmann::json::parse(r.detail, nullptr, false));
      out.pending.push_back(std::move(n));
    }
    out.records.push_back(std::move(r));
  }
  return out;
}

std::vector<store::AlertRecord> mark_delivered(std::span<const Notice> notices,
                                               std::span<const std::string> sent,
                                               std::span<const std::string> failed) {
  std::vector<store::AlertRecord> out;
  for (const Notice& n : notices) {
    store::AlertRecord r = n.record;
    const auto has_it = [&](const std::string& name) {
      return std::ranges::find(r.delivered_to, name) != r.delivered_to.end();
    };
    if (std::ranges::all_of(failed, has_it)) {
      r.notified = n.transition;
      r.delivered_to.clear();
    } else {
      for (const std::string& name : sent)
        if (!has_it(name)) r.delivered_to.push_back(name);
      std::ranges::sort(r.delivered_to);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace webshield::analyze
