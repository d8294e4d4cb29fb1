// Awaiting work that another thread does: a coroutine hands a callback to that thread and
// resumes on its own executor when the callback is called with the result.
#pragma once

#include <functional>
#include <utility>

#include "net/asio.hpp"

namespace webshield::server {

template <class T>
using Done = std::move_only_function<void(T)>;
template <class T>
using Starter = std::move_only_function<void(Done<T>)>;

template <class T>
struct ResumeInitiation {
  asio::any_io_executor executor;
  Starter<T>* start;

  template <class Handler>
  void operator()(Handler&& handler) const {
    (*start)([executor = executor, handler = std::forward<Handler>(handler)](T value) mutable {
      asio::post(executor, [handler = std::move(handler), value = std::move(value)]() mutable {
        handler(std::move(value));
      });
    });
  }
};

// Calls `*start` with the callback, then waits for it. `start` lives in the caller's frame (a
// named local: g++ 12 mishandles temporaries that live across co_await).
template <class T>
asio::awaitable<T> resume_after(Starter<T>* start) {
  auto executor = co_await asio::this_coro::executor;
  ResumeInitiation<T> init{executor, start};
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      init, asio::use_awaitable);
}

}  // namespace webshield::server
