// Task<T>: a coroutine started now and awaited later, so that independent lookups and probes
// of one domain run concurrently on one event loop (Boost 1.74 has no awaitable operators or
// parallel_group). A steady_timer that never expires serves as the wake-up signal.
#pragma once

#include <exception>
#include <memory>
#include <optional>

#include "net/asio.hpp"

namespace webshield::check {

template <class T>
class Task {
 public:
  Task(asio::any_io_executor executor, asio::awaitable<T> work)
      : state_(std::make_shared<State>(executor)) {
    asio::co_spawn(executor, std::move(work), [state = state_](std::exception_ptr error, T value) {
      state->value = std::move(value);
      state->error = error;
      state->done = true;
      state->timer.cancel();
    });
  }

  asio::awaitable<T> get() {
    if (!state_->done) {
      boost::system::error_code ignored;
      co_await state_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (state_->error) std::rethrow_exception(state_->error);
    co_return *state_->value;
  }

 private:
  struct State {
    explicit State(asio::any_io_executor executor)
        : timer(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
  };
  std::shared_ptr<State> state_;
};

template <class T>
Task<T> start(asio::any_io_executor executor, asio::awaitable<T> work) {
  return Task<T>(executor, std::move(work));
}

}  // namespace webshield::check
