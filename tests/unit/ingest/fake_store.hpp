// An in-memory store::Store for the ingest unit tests: reports kept once by identity and
// hash, the quarantine, and switches that make it fail like a store that is down or refuses one
// report. The real SQLite store is tested end to end by tests/integration/ingest_world.py.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/store.hpp"

namespace webshield::test {

class FakeStore final : public store::Store {
 public:
  bool down = false;                 // every call fails
  std::set<std::string> refuse_ids;  // add() fails the batch holding one of these report ids
  std::size_t add_calls = 0;

  Result<std::vector<store::Added>> add(std::span<const store::NewReport> reports) override {
    ++add_calls;
    if (down) return fail("database is down");
    for (const store::NewReport& r : reports) {
      if (refuse_ids.contains(r.report.report_id)) {
        return fail("report " + r.report.report_id + " cannot be kept");
      }
    }
    std::vector<store::Added> out;
    for (const store::NewReport& r : reports) {
      const auto key =
          std::make_tuple(r.report.organization_name, r.report.report_id, r.report.date_range.start,
                          r.report.date_range.end, r.report.canonical_sha256);
      if (auto it = by_identity_.find(key); it != by_identity_.end()) {
        out.push_back({store::Outcome::duplicate, it->second});
        continue;
      }
      const store::Id id = static_cast<store::Id>(reports_.size() + 1);
      reports_.push_back(r);
      by_identity_.emplace(key, id);
      out.push_back({store::Outcome::stored, id});
    }
    return out;
  }

  Result<std::unique_ptr<store::CommitSync>> defer_sync() override {
    return std::unique_ptr<store::CommitSync>();
  }
  Result<store::Id> quarantine(const store::NewQuarantined& item) override {
    if (down) return fail("database is down");
    const store::Id id = next_quarantine_id_++;
    quarantine_.emplace(id, item);
    return id;
  }

  Result<std::vector<store::StoredReport>> reports(const store::ListOptions&) override {
    return std::vector<store::StoredReport>();
  }
  Result<std::optional<store::StoredReport>> report(store::Id, bool) override {
    return std::optional<store::StoredReport>();
  }
  Result<store::Summary> summary(const store::Selection&) override { return store::Summary(); }
  Result<void> ping() override {
    if (down) return fail("database is down");
    return {};
  }
  Result<std::vector<store::Reporter>> reporters(const store::Selection&) override {
    return std::vector<store::Reporter>();
  }

  Result<store::Daily> daily(const store::Selection&) override { return store::Daily(); }
  Result<std::vector<store::AlertRecord>> alert_states() override {
    return std::vector<store::AlertRecord>();
  }
  Result<void> save_alert_states(std::span<const store::AlertRecord>,
                                 std::span<const std::string>) override {
    return {};
  }
  Result<store::Lease> take_lease(std::string_view, std::string_view holder, UnixSeconds,
                                  UnixSeconds until) override {
    return store::Lease{std::string(holder), until};
  }
  Result<void> drop_lease(std::string_view, std::string_view) override { return {}; }
  Result<void> open_session(std::string_view, std::string_view, UnixSeconds, UnixSeconds) override {
    return {};
  }
  Result<std::optional<std::pair<std::string, UnixSeconds>>> session(std::string_view,
                                                                     UnixSeconds) override {
    return std::nullopt;
  }
  Result<void> close_session(std::string_view) override { return {}; }

  Result<std::vector<store::Quarantined>> quarantined(std::size_t limit) override {
    if (down) return fail("database is down");
    std::vector<store::Quarantined> out;
    for (const auto& [id, q] : quarantine_) {
      if (out.size() >= limit) break;
      out.push_back({id, q.transport, q.origin, q.reason, q.received_at, q.raw.size(), {}});
    }
    return out;
  }
  Result<std::optional<store::Quarantined>> quarantined_item(store::Id id) override {
    if (down) return fail("database is down");
    const auto it = quarantine_.find(id);
    if (it == quarantine_.end()) return std::optional<store::Quarantined>();
    const store::NewQuarantined& q = it->second;
    return store::Quarantined{id,           q.transport, q.origin, q.reason, q.received_at,
                              q.raw.size(), q.raw};
  }
  Result<void> release(store::Id id) override {
    if (down) return fail("database is down");
    if (quarantine_.erase(id) == 0) return fail("no such item");
    return {};
  }

  Result<store::Status> status() override {
    if (down) return fail("database is down");
    return store::Status{"fake", 0, reports_.size(), quarantine_.size()};
  }

  const std::vector<store::NewReport>& stored() const { return reports_; }
  const std::map<store::Id, store::NewQuarantined>& quarantined_items() const {
    return quarantine_;
  }

 private:
  std::vector<store::NewReport> reports_;
  std::map<std::tuple<std::string, std::string, UnixSeconds, UnixSeconds, std::string>, store::Id>
      by_identity_;
  std::map<store::Id, store::NewQuarantined> quarantine_;
  store::Id next_quarantine_id_ = 1;
};

}  // namespace webshield::test
