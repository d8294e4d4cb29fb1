// Adds generated TLS-RPT reports to a store, BATCH reports per transaction, and prints reports
// per second and the database's size. Every report is new (distinct identity), 20 organisations,
// 1,000 policy domains, 365 days, one report in ten with one to three failure details; the raw
// bytes are the report's normalised JSON (about 700 bytes).
//   webshield_bench_ingest_store URL COUNT BATCH
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "report/render.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

namespace {

using webshield::store::NewReport;

NewReport generated(std::uint64_t n) {
  namespace report = webshield::report;
  constexpr webshield::UnixSeconds kFirstDay = 1'704'067'200;  // 2024-01-01
  const std::uint64_t org = n % 20;
  const std::uint64_t domain = (n / 20) % 1000;
  const std::uint64_t day = (n / 20'000) % 365;
  NewReport r;
  r.report.organization_name = fmt::format("Sender {} Inc.", org);
  r.report.report_id = fmt::format("{}-{}_domain{}.example", n, day, domain);
  r.report.date_range.start = kFirstDay + static_cast<webshield::UnixSeconds>(day) * 86'400;
  r.report.date_range.end = r.report.date_range.start + 86'399;
  r.report.contact_info = fmt::format("tlsrpt@sender{}.example", org);
  r.report.canonical_sha256 = fmt::format("{:064x}", n * 0x9e3779b97f4a7c15ULL);
  report::Policy p;
  p.policy_type = report::PolicyType::sts;
  p.policy_type_raw = "sts";
  p.policy_domain = fmt::format("domain{}.example", domain);
  p.policy_strings = {"version: STSv1", "mode: enforce",
                      fmt::format("mx: mx1.domain{}.example", domain), "max_age: 604800"};
  p.mx_hosts = {fmt::format("mx1.domain{}.example", domain)};
  p.successful_sessions = 10 + n % 500;
  p.failed_sessions = 0;
  if (n % 10 == 0) {
    const char* types[] = {"certificate-expired", "starttls-not-supported",
                           "certificate-host-mismatch"};
    for (std::uint64_t k = 0; k <= n % 3; ++k) {
      report::FailureDetail d;
      d.result_type_raw = types[k];
      d.result_type = report::result_type_from(d.result_type_raw);
      d.sending_mta_ip = fmt::format("192.0.2.{}", (n + k) % 250);
      d.receiving_mx_hostname = fmt::format("mx1.domain{}.example", domain);
      d.receiving_ip = "198.51.100.25";
      d.failed_session_count = 1 + k;
      *p.failed_sessions += d.failed_session_count;
      p.failure_details.push_back(std::move(d));
    }
  }
  r.report.policies.push_back(std::move(p));
  r.source.transport = "https";
  r.origin = "203.0.113.7";
  r.received_at = r.report.date_range.end + 3600;
  r.raw = webshield::report::to_json(r.report).dump();
  return r;
}

// Bytes the database takes: the SQLite file after a checkpoint, or the PostgreSQL database.
std::string size_of(const std::string& url) {
  auto conn = webshield::store::detail::connect(url);
  if (!conn) return "?";
  if ((*conn)->dialect() == webshield::store::detail::Dialect::sqlite) {
    (void)(*conn)->query("PRAGMA wal_checkpoint(TRUNCATE)");
    const std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    return ec ? "?" : fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  }
  auto rows = (*conn)->query(
      "SELECT pg_database_size(current_database()), CAST(pg_total_relation_size('reports')"
      " + pg_total_relation_size('policies') + pg_total_relation_size('failure_details')"
      " AS BIGINT)");
  if (!rows || rows->empty()) return "?";
  return fmt::format("{:.1f} MB (tables and indexes {:.1f} MB)",
                     static_cast<double>(rows->integer(0, 0)) / 1e6,
                     static_cast<double>(rows->integer(0, 1)) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: webshield_bench_ingest_store URL COUNT BATCH\n";
    return 64;
  }
  const std::string url = argv[1];
  const std::uint64_t count = std::strtoull(argv[2], nullptr, 10);
  const std::size_t batch = std::strtoull(argv[3], nullptr, 10);
  if (count == 0 || batch == 0) return 64;
  auto opened = webshield::store::open(url);
  if (!opened) {
    std::cerr << "cannot open " << webshield::store::redact_url(url) << ": "
              << opened.error().describe() << '\n';
    return 1;
  }
  auto& store = **opened;

  // Reports are generated ahead, so that the clock measures the store alone.
  std::vector<NewReport> reports;
  reports.reserve(count);
  for (std::uint64_t n = 0; n < count; ++n)
    reports.push_back(generated(n));

  std::uint64_t stored = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < reports.size(); i += batch) {
    const std::size_t n = std::min(batch, reports.size() - i);
    auto added = store.add(std::span(reports).subspan(i, n));
    if (!added) {
      std::cerr << added.error().describe() << '\n';
      return 1;
    }
    for (const auto& a : *added)
      stored += a.outcome == webshield::store::Outcome::stored ? 1 : 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto s = store.status();
  std::cout << fmt::format(
      "{:<10} batch {:>3}: {} reports ({} stored) in {:.1f} s = {:.0f} "
      "reports/s; database {}\n",
      s ? s->backend : "?", batch, count, stored, seconds, static_cast<double>(count) / seconds,
      size_of(url));
  return stored == count ? 0 : 1;
}
