// The server's counters and latency histograms, shown at /metrics in the Prometheus text
// exposition format (version 0.0.4). Thread-safe: counters are atomics; labelled series are
// created under a lock and never removed (their label values come from a fixed set).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace webshield::server {

class Histogram {
 public:
  // Upper bounds in seconds, 0.5 ms to 30 s.
  static constexpr std::array<double, 14> kBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30};
  void observe(std::chrono::duration<double> d);
  void write(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  // A request answered: by route ("report", "api", "check", "asset", …) and status.
  void request(std::string_view route, int status, std::chrono::duration<double> took);
  // A report POSTed: "stored", "duplicate", or a refusal reason ("malformed", "too_large",
  // "media_type", "rate_limited", "domain", "unavailable").
  void report(std::string_view outcome);
  void commit(std::size_t reports, std::chrono::duration<double> took);
  // One sync of the SQLite WAL, for every transaction committed before it.
  void sync(std::chrono::duration<double> took) { sync_latency_.observe(took); }
  void db_query(std::chrono::duration<double> took);
  // A public check: "run", "cached", "rate_limited", "busy", "invalid".
  void check(std::string_view outcome);
  void connections(long delta) { connections_ += delta; }

  std::string text() const;

 private:
  Histogram& latency_of(std::string_view route);
  void count(std::map<std::string, std::uint64_t>& counters, std::string key);

  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> requests_;  // "route\tstatus"
  std::map<std::string, std::unique_ptr<Histogram>> latency_;
  std::map<std::string, std::uint64_t> reports_;
  std::map<std::string, std::uint64_t> checks_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> committed_reports_{0};
  Histogram commit_latency_;
  Histogram sync_latency_;
  Histogram db_latency_;
  std::atomic<long> connections_{0};
};

}  // namespace webshield::server
