// The report endpoint without HTTP: the ceilings that bench/serve_http.sh sets beside nginx's.
// Reads the benchmark's file of gzipped reports (per report: its length in decimal, a newline,
// the bytes) and measures, on this machine and in the same run:
//   1. reading: each report decoded and parsed as the endpoint does (read_posted_report), on one
//      thread, as on the event loop;
//   2. storing: the reports handed to the server's own Committer (writer thread, group commit,
//      the WAL synced by its second thread) with IN_FLIGHT of them waiting at any time, as that
//      many clients waiting for their answers would keep them; a new one goes in as each is
//      answered. Every report is new.
// It prints one line: RESULT read_rps=… store_rps=… stored=… commits=…
//   webshield_bench_store_posts REPORTS_FILE DATABASE_URL IN_FLIGHT
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "server/metrics.hpp"
#include "server/report_reader.hpp"
#include "server/store_threads.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace server = webshield::server;
namespace store = webshield::store;

std::vector<std::string> read_bodies(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> bodies;
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t newline = data.find('\n', at);
    if (newline == std::string::npos) break;
    const std::size_t size = std::strtoull(data.c_str() + at, nullptr, 10);
    if (newline + 1 + size > data.size()) break;
    bodies.push_back(data.substr(newline + 1, size));
    at = newline + 1 + size;
  }
  return bodies;
}

// The value of a Prometheus sample line "NAME VALUE".
std::string metric(const std::string& text, std::string_view name) {
  const std::string prefix = std::string(name) + ' ';
  const std::size_t at = text.find("\n" + prefix);
  if (at == std::string::npos) return "?";
  const std::size_t from = at + 1 + prefix.size();
  return text.substr(from, text.find('\n', from) - from);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: webshield_bench_store_posts REPORTS_FILE DATABASE_URL IN_FLIGHT\n";
    return 64;
  }
  const std::string url = argv[2];
  const std::size_t in_flight = std::strtoull(argv[3], nullptr, 10);
  std::vector<std::string> bodies = read_bodies(argv[1]);
  if (bodies.empty() || in_flight == 0) {
    std::cerr << "no reports in " << argv[1] << '\n';
    return 64;
  }
  if (auto opened = store::open(url); !opened) {  // migrations, before the clock
    std::cerr << opened.error().describe() << '\n';
    return 1;
  }

  const webshield::Limits limits;
  webshield::report::ReportParser parser(limits);
  std::vector<store::NewReport> reports;
  reports.reserve(bodies.size());
  auto start = Clock::now();
  for (std::string& body : bodies) {
    auto read = server::read_posted_report(body, limits, parser);
    if (!read) {
      std::cerr << "report " << reports.size() + 1 << ": " << read.error().message << '\n';
      return 1;
    }
    store::NewReport item;
    item.report = std::move(*read);
    item.raw = std::move(body);
    item.source.transport = "https";
    item.origin = "127.0.0.1";
    item.received_at = static_cast<webshield::UnixSeconds>(std::time(nullptr));
    reports.push_back(std::move(item));
  }
  const double read_seconds = seconds_since(start);

  server::Metrics metrics;
  std::mutex mutex;
  std::condition_variable answered;
  std::size_t next = 0;
  std::size_t done = 0;
  std::size_t stored = 0;
  std::string failure;
  std::function<void()> send_next;  // outlives the Committer, whose threads call it
  {
    server::Committer committer(url, metrics);
    // With `mutex` held: the next report goes in, and its answer sends the one after it.
    send_next = [&] {
      committer.enqueue(std::move(reports[next++]), [&](webshield::Result<store::Added> added) {
        const std::lock_guard lock(mutex);
        ++done;
        if (!added) {
          failure = added.error().describe();
        } else if (added->outcome == store::Outcome::stored) {
          ++stored;
        }
        if (next < reports.size() && failure.empty()) send_next();
        answered.notify_one();
      });
    };
    start = Clock::now();
    {
      const std::lock_guard lock(mutex);
      while (next < std::min(in_flight, reports.size()))
        send_next();
    }
    std::unique_lock lock(mutex);
    answered.wait(lock,
                  [&] { return done == next && (next == reports.size() || !failure.empty()); });
  }
  const double store_seconds = seconds_since(start);
  if (!failure.empty()) {
    std::cerr << "not stored: " << failure << '\n';
    return 1;
  }
  std::cout << fmt::format("RESULT read_rps={:.1f} store_rps={:.1f} stored={} commits={}\n",
                           static_cast<double>(reports.size()) / read_seconds,
                           static_cast<double>(reports.size()) / store_seconds, stored,
                           metric(metrics.text(), "webshield_db_commit_duration_seconds_count"));
  return stored == reports.size() ? 0 : 1;
}
