// The alert rules inside `webshield serve` (docs/alerts.md): evaluated every [alerts] interval
// and soon after a stored report (at most once a minute however many arrive); with the posture
// rules after the checks of the [[domain]]s every posture_interval (the checks run on the
// event loop, asynchronously, and never on a store reader). The store work
// runs on a store reader thread; the notifications (blocking, at most each [[notify]] timeout)
// on a thread of their own, so that a slow webhook never holds up the API. Deduplication lives
// in the store (analyze/alert_state.hpp), so several servers on one PostgreSQL may run it; a
// notice may then go out twice, never not at all.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "analyze/alert_config.hpp"
#include "analyze/notifier.hpp"
#include "check/check.hpp"
#include "net/asio.hpp"
#include "server/log.hpp"
#include "server/store_threads.hpp"

namespace webshield::server {

class AlertService {
 public:
  // `posture_checker` (nullptr: none) checks the [[domain]]s every [alerts] posture_interval,
  // on `io` like the public check, for the posture rules.
  AlertService(asio::io_context& io, StoreReaders& readers, Log& log, analyze::AlertConfig config,
               std::vector<std::unique_ptr<analyze::Notifier>> notifiers,
               check::Checker* posture_checker = nullptr);
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  // The first evaluation runs a few seconds after the start.
  void start();
  // A report was stored: evaluate soon (debounced).
  void report_stored();
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Shared;

  asio::awaitable<void> loop();
  void reschedule(Clock::time_point at);

  asio::io_context& io_;
  StoreReaders& readers_;
  Log& log_;
  check::Checker* posture_checker_;  // nullptr: no posture checks
  std::shared_ptr<Shared> shared_;   // shared with the jobs on the reader threads
  asio::thread_pool delivery_{1};    // after timer_ would be too late: destroyed first, joined
  asio::steady_timer timer_;
  Clock::time_point next_;
  Clock::time_point next_posture_;
  Clock::time_point last_run_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace webshield::server
