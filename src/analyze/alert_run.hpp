// One evaluation of the alert rules against a store: load the history and the stored states,
// evaluate, fold into the states, deliver what changed to the notifiers and save. Used by
// `webshield alerts check` and by `webshield serve` (on a store thread).
#pragma once

#include <memory>
#include <span>
#include <string>
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

struct RunOptions {
  UnixSeconds now = 0;
  bool dry_run = false;  // evaluate and show; neither deliver nor save
  // The checks of the [[domain]]s just run, for the posture rules. Without them (nullptr) the
  // posture alerts of the configured domains stay as they were.
  const std::vector<PostureCheck>* posture = nullptr;
};

struct RunResult {
  std::vector<Alert> firing;
  std::vector<store::AlertRecord> records;  // every state kept after the run
  std::vector<Notice> notices;              // the changes delivered (or, dry run, due)
  std::vector<Error> delivery_errors;       // notices stay pending and go out next run
};

// Store errors are returned; a notifier's failure is reported in delivery_errors and the
// notices stay pending, so that the next run delivers them (to every notifier again).
// The three steps below, one after the other.
Result<RunResult> run_alerts(store::Store& store, const AlertConfig& config,
                             std::span<const std::unique_ptr<Notifier>> notifiers,
                             const RunOptions& options);

// Step 1, on the store: evaluate and fold into the stored states (saved unless a dry run);
// `notices` are the changes still to deliver.
Result<RunResult> evaluate_alerts(store::Store& store, const AlertConfig& config,
                                  const RunOptions& options);
// Step 2, may block for each notifier's timeout: every notice to every notifier.
std::vector<Error> deliver(std::span<const std::unique_ptr<Notifier>> notifiers,
                           std::span<const Notice> notices);
// Step 3, on the store: remember that `result.notices` went out (and update result.records).
Result<void> record_delivered(store::Store& store, RunResult& result);

// {"firing": [...], "cleared": [...]}: firing alerts and the cleared ones still kept, for the
// API and `--json`.
nlohmann::json alerts_json(std::span<const store::AlertRecord> records);

}  // namespace webshield::analyze
