// Deduplication of alerts with the state kept in the store (table alert_state): an alert
// notifies once when it starts firing and once when it clears, however often the rules run.
// Pure: the caller loads and saves the records and delivers the notices.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "analyze/alerts.hpp"
#include "store/store.hpp"

namespace webshield::analyze {

// One state change to tell the notifiers about.
struct Notice {
  std::string transition;  // "firing" or "cleared"
  store::AlertRecord record;
  Alert alert;  // the latest evaluation of it (from the record's detail when cleared)
};

struct Reconciled {
  std::vector<store::AlertRecord> records;  // every kept record, by key
  std::vector<store::AlertRecord> changed;  // what to save
  std::vector<std::string> removed;         // cleared long enough ago: forgotten
  std::vector<Notice> pending;              // state changes not yet delivered
};

// Folds the alerts firing `now` into the previous records: a new or cleared-before key fires
// (again), a firing key absent from `current` clears; cleared records older than
// cleared_retention_days are removed. Pending notices include changes whose delivery failed
// before.
Reconciled reconcile(std::span<const store::AlertRecord> previous, std::span<const Alert> current,
                     UnixSeconds now, const AlertThresholds& t);

// The records after a delivery of `notices`, in which the notifiers named in `sent` delivered the
// notices they had to and those in `failed` could not: a notice that no notifier still owes is
// `notified` (and its delivered_to emptied); otherwise delivered_to names who has it, so that the
// retry goes only to the others. Notifiers are named by their Notifier::id.
std::vector<store::AlertRecord> mark_delivered(std::span<const Notice> notices,
                                               std::span<const std::string> sent,
                                               std::span<const std::string> failed);

}  // namespace webshield::analyze
