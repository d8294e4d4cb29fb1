// `webshield ingest`: items from a Source go through the intake step into the store, in
// batches (one add() call, one commit, for up to `batch_reports` reports or `batch_time`),
// and are acknowledged to the source only after the store returned. What intake refuses is
// quarantined with its bytes, transport, origin and reason; nothing is dropped silently. When
// the store fails, nothing of the batch is acknowledged: it stays in the mailbox and comes
// again, and the report store keeps each report once (its identity and hash).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ingest/intake.hpp"
#include "ingest/source.hpp"
#include "store/store.hpp"

namespace webshield::ingest {

struct Counts {
  std::size_t stored = 0;
  std::size_t duplicates = 0;
  std::size_t quarantined = 0;
  std::size_t kept = 0;            // left in place with a log line (not a report, not quarantined)
  std::size_t failed = 0;          // not read, or not stored: not acknowledged, they come again
  std::size_t deferred = 0;        // --dkim require and the key lookup failed: try again later
  std::size_t too_large = 0;       // of the quarantined: over the size limit, bytes not kept
  std::size_t unacknowledged = 0;  // stored, but the source could not be told

  std::size_t done() const { return stored + duplicates + quarantined + kept + failed + deferred; }
};

enum class PassEnd { complete, stopped, store_failed, source_failed };

struct PassResult {
  PassEnd end = PassEnd::complete;
  std::string message;  // why the pass ended early
};

struct PipelineOptions {
  std::size_t batch_reports = 100;
  std::chrono::milliseconds batch_time{1000};
  // A mail that carries no report at all is quarantined too (false: logged and left in place).
  bool quarantine_non_reports = true;
};

class Pipeline {
 public:
  using Log = std::function<void(const std::string& line)>;
  using Clock = std::function<UnixSeconds()>;
  // After each item: the counts so far, the items of this pass read (stored ones may still wait
  // for their batch's commit) and how many the pass has, when known.
  using Progress =
      std::function<void(const Counts& counts, std::size_t done, std::optional<std::size_t> total)>;

  Pipeline(store::Store& store, Intake& intake, PipelineOptions options, Log log, Clock clock);

  // One pass over `source`: until its end, until `stop` is set (the current item is finished
  // and the batch committed first), or until the store or the source fails.
  PassResult run(Source& source, const std::atomic<bool>* stop = nullptr,
                 const Progress& progress = {});

  const Counts& counts() const { return counts_; }

 private:
  struct Pending {
    store::NewReport report;
    std::size_t key;
    Kind kind;
  };

  // Returns false when the store failed.
  bool handle(Source& source, Item item, std::string& error);
  bool quarantine(const Item& item, std::string reason, Outcome ack_as, std::string& error);
  // The id of the same item (origin, bytes and reason) quarantined before, so that reading a
  // directory, an mbox or (--include-seen) a mailbox again quarantines nothing twice.
  std::optional<store::Id> already_quarantined(const store::NewQuarantined& q);
  bool flush(Source& source, std::string& error);
  void count_added(const store::Added& added, std::size_t key);
  void acknowledge(Source& source);

  store::Store& store_;
  Intake& intake_;
  PipelineOptions options_;
  Log log_;
  Clock clock_;
  Counts counts_;
  std::vector<Pending> batch_;
  std::vector<Ack> acks_;  // durable items waiting for the batch's commit
  std::chrono::steady_clock::time_point batch_started_;
  // origin → (id, size) of quarantined items, loaded once when first needed.
  std::optional<std::multimap<std::string, std::pair<store::Id, std::uint64_t>>> quarantine_index_;
};

}  // namespace webshield::ingest
