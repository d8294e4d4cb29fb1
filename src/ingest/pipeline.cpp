#include "ingest/pipeline.hpp"

#include <fmt/format.h>

namespace webshield::ingest {

Pipeline::Pipeline(store::Store& store, Intake& intake, PipelineOptions options, Log log,
                   Clock clock)
    : store_(store),
      intake_(intake),
      options_(options),
      log_(std::move(log)),
      clock_(std::move(clock)) {}

bool Pipeline::quarantine(const Item& item, std::string reason, Outcome ack_as,
                          std::string& error) {
  store::NewQuarantined q;
  q.raw = item.raw;
  q.transport = std::string(transport_of(item.kind));
  q.origin = item.origin;
  q.reason = std::move(reason);
  q.received_at = clock_();
  if (const auto earlier = already_quarantined(q)) {
    ++counts_.quarantined;
    log_(fmt::format("{}: quarantined before (id {}): {}", item.origin, *earlier, q.reason));
    acks_.push_back({item.key, ack_as});
    return true;
  }
  auto id = store_.quarantine(q);
  if (!id) {
    error = fmt::format("store: {}", id.error().describe());
    ++counts_.failed;
    return false;
  }
  ++counts_.quarantined;
  if (quarantine_index_) quarantine_index_->emplace(q.origin, std::make_pair(*id, q.raw.size()));
  log_(fmt::format("{}: quarantined (id {}): {}", item.origin, *id, q.reason));
  acks_.push_back({item.key, ack_as});
  return true;
}

std::optional<store::Id> Pipeline::already_quarantined(const store::NewQuarantined& q) {
  if (!quarantine_index_) {
    quarantine_index_.emplace();
    // The listing is bounded (the store caps it): older items beyond it may be quarantined
    // again, which loses nothing.
    if (auto list = store_.quarantined(store::kMaxListLimit)) {
      for (const store::Quarantined& item : *list)
        quarantine_index_->emplace(item.origin, std::make_pair(item.id, item.size));
    }
  }
  const auto [first, last] = quarantine_index_->equal_range(q.origin);
  for (auto it = first; it != last; ++it) {
    if (it->second.second != q.raw.size()) continue;
    auto earlier = store_.quarantined_item(it->second.first);
    if (earlier && *earlier && (*earlier)->raw == q.raw && (*earlier)->reason == q.reason) {
      return it->second.first;
    }
  }
  return std::nullopt;
}

bool Pipeline::handle(Source& source, Item item, std::string& error) {
  if (item.unreadable) {
    ++counts_.failed;
    log_(fmt::format("{}: not read: {}", item.origin, *item.unreadable));
    return true;
  }
  if (item.over_limit) {
    // The bytes are not kept (they may be anything, of any size): the quarantine says where
    // the item is, and the item stays there, only marked as seen.
    const std::size_t max = max_item_bytes(item.kind, intake_.limits());
    ++counts_.too_large;
    return quarantine(
        item,
        fmt::format("{} bytes, larger than {} bytes (limit {}); not kept here, "
                    "left in place",
                    item.size, max,
                    item.kind == Kind::mail ? "report_mail_bytes" : "report_compressed_bytes"),
        Outcome::kept, error);
  }
  auto parsed = intake_.read(item.raw, item.kind);
  if (!parsed) {
    const Refused& r = parsed.error();
    switch (r.kind) {
      case Refusal::dkim_temporary:
        ++counts_.deferred;
        log_(fmt::format("{}: not stored, try again later: {}", item.origin, r.reason));
        return true;
      case Refusal::not_a_report:
        if (!options_.quarantine_non_reports) {
          ++counts_.kept;
          log_(fmt::format("{}: not a report, left in place: {}", item.origin, r.reason));
          acks_.push_back({item.key, Outcome::kept});
          return true;
        }
        break;
      default:
        break;
    }
    return quarantine(item, r.reason, Outcome::quarantined, error);
  }
  Pending p{store::NewReport{}, item.key, item.kind};
  p.report.report = std::move(parsed->report);
  p.report.source = std::move(parsed->source);
  if (p.report.source.transport == "file" && item.name) p.report.source.name = item.name;
  p.report.raw = std::move(item.raw);
  p.report.origin = std::move(item.origin);
  p.report.received_at = clock_();
  if (batch_.empty()) batch_started_ = std::chrono::steady_clock::now();
  batch_.push_back(std::move(p));
  if (batch_.size() >= options_.batch_reports) return flush(source, error);
  return true;
}

void Pipeline::acknowledge(Source& source) {
  if (acks_.empty()) return;
  if (auto r = source.acknowledge(acks_); !r) {
    counts_.unacknowledged += acks_.size();
    log_(fmt::format("{}: stored, but not acknowledged (it will come again, as a duplicate): {}",
                     source.describe(), r.error().describe()));
  }
  acks_.clear();
}

bool Pipeline::flush(Source& source, std::string& error) {
  if (batch_.empty()) {
    acknowledge(source);
    return true;
  }
  std::vector<store::NewReport> reports;
  reports.reserve(batch_.size());
  for (Pending& p : batch_)
    reports.push_back(std::move(p.report));
  auto added = store_.add(reports);
  if (added && added->size() == reports.size()) {
    for (std::size_t i = 0; i < batch_.size(); ++i)
      count_added((*added)[i], batch_[i].key);
    batch_.clear();
    acknowledge(source);
    return true;
  }
  // The batch failed as a whole: the store is down, or one report is one it cannot keep. One
  // at a time tells which; a report the store refuses while it still takes the quarantine is
  // quarantined with the store's reason (retry it after an upgrade). Nothing is acknowledged
  // before it is durable.
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    auto one = store_.add(std::span<const store::NewReport>(&reports[i], 1));
    if (one && one->size() == 1) {
      count_added(one->front(), batch_[i].key);
      continue;
    }
    const std::string why =
        one ? std::string("add() answered for no report") : one.error().describe();
    Item item;
    item.raw = std::move(reports[i].raw);
    item.origin = std::move(reports[i].origin);
    item.kind = batch_[i].kind;
    item.key = batch_[i].key;
    if (!quarantine(item, "the store refused the report: " + why, Outcome::quarantined, error)) {
      counts_.failed += batch_.size() - i - 1;  // this one is counted by quarantine()
      error = "store: " + why;
      batch_.clear();
      acknowledge(source);  // what is durable so far
      return false;
    }
  }
  batch_.clear();
  acknowledge(source);
  return true;
}

void Pipeline::count_added(const store::Added& added, std::size_t key) {
  const bool dup = added.outcome == store::Outcome::duplicate;
  ++(dup ? counts_.duplicates : counts_.stored);
  acks_.push_back({key, dup ? Outcome::duplicate : Outcome::stored});
}

PassResult Pipeline::run(Source& source, const std::atomic<bool>* stop, const Progress& progress) {
  auto total = source.start();
  if (!total) return {PassEnd::source_failed, total.error().describe()};
  const Counts before = counts_;
  std::string error;
  PassResult result;
  for (;;) {
    if (stop != nullptr && stop->load()) {
      result = {PassEnd::stopped, "stopped"};
      break;
    }
    auto item = source.next();
    if (!item) {
      result = {PassEnd::source_failed, item.error().describe()};
      break;
    }
    if (!*item) break;
    if (!handle(source, std::move(**item), error)) {
      counts_.failed += batch_.size();  // read, never stored: not acknowledged
      batch_.clear();
      acknowledge(source);  // what was quarantined before is durable
      return {PassEnd::store_failed, error};
    }
    if (!batch_.empty()
        && std::chrono::steady_clock::now() - batch_started_ >= options_.batch_time) {
      if (!flush(source, error)) return {PassEnd::store_failed, error};
    }
    if (progress) {
      const std::size_t done = counts_.done() + batch_.size() - before.done();
      progress(counts_, done, *total);
    }
  }
  if (!flush(source, error)) return {PassEnd::store_failed, error};
  return result;
}

}  // namespace webshield::ingest
