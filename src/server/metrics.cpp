// Counters and histograms in the Prometheus text format.
#include "server/metrics.hpp"

#include <fmt/format.h>

namespace webshield::server {

void Histogram::observe(std::chrono::duration<double> d) {
  const double s = d.count();
  std::size_t i = 0;
  while (i < kBounds.size() && s > kBounds[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(s * 1e6), std::memory_order_relaxed);
}

void Histogram::write(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out +=
        fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, kBounds[i], cumulative);
  }
  cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  out += fmt::format("{}_sum{} {}\n", name, braces,
                     static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format("{}_count{} {}\n", name, braces, count_.load(std::memory_order_relaxed));
}

void Metrics::count(std::map<std::string, std::uint64_t>& counters, std::string key) {
  const std::lock_guard lock(mutex_);
  ++counters[std::move(key)];
}

Histogram& Metrics::latency_of(std::string_view route) {
  const std::lock_guard lock(mutex_);
  auto& h = latency_[std::string(route)];
  if (!h) h = std::make_unique<Histogram>();
  return *h;
}

void Metrics::request(std::string_view route, int status, std::chrono::duration<double> took) {
  count(requests_, fmt::format("{}\t{}", route, status));
  latency_of(route).observe(took);
}

void Metrics::report(std::string_view outcome) {
  count(reports_, std::string(outcome));
}

void Metrics::commit(std::size_t reports, std::chrono::duration<double> took) {
  commits_.fetch_add(1, std::memory_order_relaxed);
  committed_reports_.fetch_add(reports, std::memory_order_relaxed);
  commit_latency_.observe(took);
}

void Metrics::db_query(std::chrono::duration<double> took) {
  db_latency_.observe(took);
}

void Metrics::check(std::string_view outcome) {
  count(checks_, std::string(outcome));
}

std::string Metrics::text() const {
  std::string out;
  const std::lock_guard lock(mutex_);
  out += "# HELP webshield_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE webshield_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const std::size_t tab = key.find('\t');
    out += fmt::format("webshield_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n",
                       key.substr(0, tab), key.substr(tab + 1), n);
  }
  out +=
      "# HELP webshield_http_request_duration_seconds Time from the request head to the answer.\n";
  out += "# TYPE webshield_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_)
    h->write(out, "webshield_http_request_duration_seconds", fmt::format("route=\"{}\"", route));
  out += "# HELP webshield_reports_total Reports POSTed, by outcome.\n";
  out += "# TYPE webshield_reports_total counter\n";
  for (const auto& [outcome, n] : reports_)
    out += fmt::format("webshield_reports_total{{outcome=\"{}\"}} {}\n", outcome, n);
  out += "# HELP webshield_db_commits_total Transactions that stored POSTed reports.\n";
  out += "# TYPE webshield_db_commits_total counter\n";
  out += fmt::format("webshield_db_commits_total {}\n", commits_.load());
  out += "# HELP webshield_db_committed_reports_total Reports in those transactions.\n";
  out += "# TYPE webshield_db_committed_reports_total counter\n";
  out += fmt::format("webshield_db_committed_reports_total {}\n", committed_reports_.load());
  out +=
      "# HELP webshield_db_commit_duration_seconds Time of one group commit (with SQLite, "
      "without its WAL sync).\n";
  out += "# TYPE webshield_db_commit_duration_seconds histogram\n";
  commit_latency_.write(out, "webshield_db_commit_duration_seconds", "");
  out +=
      "# HELP webshield_db_sync_duration_seconds Time of one WAL sync (SQLite), shared by the "
      "transactions committed before it.\n";
  out += "# TYPE webshield_db_sync_duration_seconds histogram\n";
  sync_latency_.write(out, "webshield_db_sync_duration_seconds", "");
  out += "# HELP webshield_db_query_duration_seconds Time of one read for the API.\n";
  out += "# TYPE webshield_db_query_duration_seconds histogram\n";
  db_latency_.write(out, "webshield_db_query_duration_seconds", "");
  out += "# HELP webshield_checks_total Public checks asked for, by outcome.\n";
  out += "# TYPE webshield_checks_total counter\n";
  for (const auto& [outcome, n] : checks_)
    out += fmt::format("webshield_checks_total{{outcome=\"{}\"}} {}\n", outcome, n);
  out += "# HELP webshield_http_connections Open client connections.\n";
  out += "# TYPE webshield_http_connections gauge\n";
  out += fmt::format("webshield_http_connections {}\n", connections_.load());
  return out;
}

}  // namespace webshield::server
