// The schedule of the alert rules in `webshield serve`.
#include "server/alert_service.hpp"

#include <ctime>
#include <string>

#include "analyze/alert_run.hpp"

namespace webshield::server {

// After a stored report: at most one evaluation a minute, a few seconds after the report.
constexpr auto kAfterReport = std::chrono::seconds(5);
constexpr auto kDebounce = std::chrono::seconds(60);

struct AlertService::Shared {
  analyze::AlertConfig config;
  std::vector<std::unique_ptr<analyze::Notifier>> notifiers;
  Log& log;
};

AlertService::AlertService(asio::io_context& io, StoreReaders& readers, Log& log,
                           analyze::AlertConfig config,
                           std::vector<std::unique_ptr<analyze::Notifier>> notifiers)
    : io_(io),
      readers_(readers),
      log_(log),
      shared_(std::make_shared<Shared>(Shared{std::move(config), std::move(notifiers), log})),
      timer_(io) {}

void AlertService::start() {
  if (!shared_->config.alerts.enabled || started_) return;
  started_ = true;
  next_ = Clock::now() + kAfterReport;
  last_run_ = Clock::now() - kDebounce;
  asio::co_spawn(io_, loop(), asio::detached);
}

void AlertService::report_stored() {
  if (!started_ || stopping_) return;
  const Clock::time_point at = std::max(last_run_ + kDebounce, Clock::now() + kAfterReport);
  if (at < next_) reschedule(at);
}

void AlertService::stop() {
  stopping_ = true;
  timer_.cancel();
}

void AlertService::reschedule(Clock::time_point at) {
  next_ = at;
  timer_.cancel();  // the loop waits again, until the new time
}

asio::awaitable<void> AlertService::loop() {
  const auto interval = std::chrono::seconds(shared_->config.alerts.interval);
  for (;;) {
    boost::system::error_code ec;
    timer_.expires_at(next_);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) co_return;
    if (Clock::now() < next_) continue;  // moved while waiting
    last_run_ = Clock::now();
    next_ = last_run_ + interval;
    const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
    StoreJob job = [shared = shared_, now](store::Store& st) -> Result<void> {
      auto run = analyze::run_alerts(st, shared->config, shared->notifiers, {now, false});
      if (!run) return std::unexpected(run.error());
      for (const analyze::Notice& n : run->notices) {
        shared->log.info(n.transition == "firing" ? "alert firing" : "alert cleared",
                         {{"key", n.record.key}, {"what", n.alert.what}});
      }
      for (const Error& e : run->delivery_errors) {
        const std::string why = e.describe();
        shared->log.error("alert notification failed: sent again at the next evaluation",
                          {{"error", why}});
      }
      return {};
    };
    const Result<void> done = co_await readers_.run(std::move(job));
    if (!done) {
      const std::string why = done.error().describe();
      log_.error("cannot evaluate the alert rules", {{"error", why}});
    }
  }
}

}  // namespace webshield::server
