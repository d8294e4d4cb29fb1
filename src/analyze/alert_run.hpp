// One evaluation of the alert rules against a store: load the history and the stored states,
// evaluate, fold into the states, deliver what changed to the notifiers and save. Used by
// `webshield alerts check` and by `webshield serve` (on a store thread).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/alert_config.hpp"
#include "analyze/alert_state.hpp"
#include "analyze/alerts.hpp"
#include "analyze/notifier.hpp"
#include "analyze/posture.hpp"
#include "check/result.hpp"
#include "store/store.hpp"

namespace webshield::analyze {

// One [[domain]] checked for the posture rules.
struct PostureCheck {
  DomainConfig domain;
  check::CheckResult result;
};

// Of several processes on one database (servers sharing a PostgreSQL, a cron job beside a
// server) one at a time evaluates and delivers, or two would send the same notice: a run holds
// the store's lease kAlertLease from evaluate_alerts to record_delivered. A run that dies
// holding it blocks the others until kAlertLeaseSeconds after it began.
inline constexpr std::string_view kAlertLease = "alerts";
inline constexpr UnixSeconds kAlertLeaseSeconds = 600;

// This process, as a lease holder: "host:pid".
std::string this_process();

struct RunOptions {
  UnixSeconds now = 0;   // also the clock of the lease
  bool dry_run = false;  // evaluate and show; neither deliver nor save, and take no lease
  // The checks of the [[domain]]s just run, for the posture rules. Without them (nullptr) the
  // posture alerts of the configured domains stay as they were.
  const std::vector<PostureCheck>* posture = nullptr;
  std::string holder = this_process();  // who takes the lease
};

// What a delivery did: the notifiers (by Notifier::id) that delivered their notices, and those
// that could not.
struct Delivery {
  std::vector<std::string> sent;
  std::vector<std::string> failed;
  std::vector<Error> errors;  // one per failed notifier
};

struct RunResult {
  std::vector<Alert> firing;
  std::vector<store::AlertRecord> records;  // every state kept after the run
  std::vector<Notice> notices;              // the changes delivered (or, dry run, due)
  // The notifiers that failed keep their notices pending: the next run sends them those.
  std::vector<Error> delivery_errors;
  // Another process holds the lease: nothing was evaluated, the next run tries again.
  std::optional<store::Lease> busy;
  std::string holder;  // the lease this run holds until record_delivered
};

// Store errors are returned; a notifier's failure is reported in delivery_errors and its
// notices stay pending, so that the next run delivers them to it (and to no other notifier).
// The three steps below, one after the other; the lease is given back in every case.
Result<RunResult> run_alerts(store::Store& store, const AlertConfig& config,
                             std::span<const std::unique_ptr<Notifier>> notifiers,
                             const RunOptions& options);

// Step 1, on the store: take the lease, evaluate and fold into the stored states (saved unless a
// dry run); `notices` are the changes still to deliver. The lease is kept only when there are
// notices to deliver (result.holder).
Result<RunResult> evaluate_alerts(store::Store& store, const AlertConfig& config,
                                  const RunOptions& options);
// Step 2, may block for each notifier's timeout: to each notifier, the notices it has not
// delivered yet (a notice's delivered_to).
Delivery deliver(std::span<const std::unique_ptr<Notifier>> notifiers,
                 std::span<const Notice> notices);
// Step 3, on the store: remember what went out to whom (and update result.records), then give
// the lease back.
Result<void> record_delivered(store::Store& store, RunResult& result, const Delivery& delivery);

// {"firing": [...], "cleared": [...]}: firing alerts and the cleared ones still kept, for the
// API and `--json`.
nlohmann::json alerts_json(std::span<const store::AlertRecord> records);

}  // namespace webshield::analyze
