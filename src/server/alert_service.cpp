// The schedule of the alert rules in `webshield serve`.
#include "server/alert_service.hpp"

#include <algorithm>
#include <ctime>
#include <string>

#include "analyze/alert_run.hpp"
#include "analyze/posture_check.hpp"
#include "core/time.hpp"
#include "server/resume.hpp"

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
                           std::vector<std::unique_ptr<analyze::Notifier>> notifiers,
                           check::Checker* posture_checker)
    : io_(io),
      readers_(readers),
      log_(log),
      posture_checker_(config.domains.empty() ? nullptr : posture_checker),
      shared_(std::make_shared<Shared>(Shared{std::move(config), std::move(notifiers), log})),
      timer_(io) {}

void AlertService::start() {
  if (!shared_->config.alerts.enabled || started_) return;
  started_ = true;
  next_ = Clock::now() + kAfterReport;
  next_posture_ = next_;
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
  const auto posture_interval = std::chrono::seconds(shared_->config.alerts.posture_interval);
  for (;;) {
    boost::system::error_code ec;
    timer_.expires_at(posture_checker_ != nullptr ? std::min(next_, next_posture_) : next_);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) co_return;
    const bool posture_due = posture_checker_ != nullptr && Clock::now() >= next_posture_;
    if (Clock::now() < next_ && !posture_due) continue;  // moved while waiting
    auto checks = std::make_shared<std::vector<analyze::PostureCheck>>();
    if (posture_due) {
      // Asynchronous on the event loop, like the public check; the store is not touched.
      std::vector<analyze::DomainConfig> domains = shared_->config.domains;
      asio::awaitable<std::vector<analyze::PostureCheck>> work =
          analyze::check_domains(*posture_checker_, std::move(domains));
      *checks = co_await std::move(work);
      next_posture_ = Clock::now() + posture_interval;
      log_.info("posture checks done", {{"domains", std::to_string(checks->size())}});
      if (stopping_) co_return;
    }
    last_run_ = Clock::now();
    next_ = last_run_ + interval;
    const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
    auto result = std::make_shared<analyze::RunResult>();
    StoreJob evaluate = [shared = shared_, now, result, checks,
                         posture_due](store::Store& st) -> Result<void> {
      const analyze::RunOptions options{now, false, posture_due ? checks.get() : nullptr};
      auto run = analyze::evaluate_alerts(st, shared->config, options);
      if (!run) return std::unexpected(run.error());
      *result = std::move(*run);
      return {};
    };
    const Result<void> evaluated = co_await readers_.run(std::move(evaluate));
    if (!evaluated) {
      const std::string why = evaluated.error().describe();
      log_.error("cannot evaluate the alert rules", {{"error", why}});
      continue;
    }
    if (result->busy) {
      log_.info("another process is evaluating the alert rules: this run is skipped",
                {{"holder", result->busy->holder}, {"until", format_utc(result->busy->until)}});
      continue;
    }
    if (result->notices.empty()) continue;

    Starter<analyze::Delivery> send = [this, result](Done<analyze::Delivery> done) {
      asio::post(delivery_, [shared = shared_, result, done = std::move(done)]() mutable {
        done(analyze::deliver(shared->notifiers, result->notices));
      });
    };
    analyze::Delivery delivered = co_await resume_after(&send);
    auto delivery = std::make_shared<analyze::Delivery>(std::move(delivered));
    for (const Error& e : delivery->errors) {
      const std::string why = e.describe();
      log_.error("alert notification failed: sent to it again at the next evaluation",
                 {{"error", why}});
    }
    StoreJob record = [result, delivery](store::Store& st) -> Result<void> {
      return analyze::record_delivered(st, *result, *delivery);
    };
    const Result<void> recorded = co_await readers_.run(std::move(record));
    if (!recorded) {
      const std::string why = recorded.error().describe();
      log_.error("cannot record delivered alert notifications: they may go out again",
                 {{"error", why}});
      continue;
    }
    if (!delivery->failed.empty()) continue;
    for (const analyze::Notice& n : result->notices) {
      log_.info(n.transition == "firing" ? "alert firing" : "alert cleared",
                {{"key", n.record.key}, {"what", n.alert.what}});
    }
  }
}

}  // namespace webshield::server
