// Decorators that make every HTTPS request and SMTP probe happen once per key while they are
// remembered: in a scan, many domains share MX hosts, policy hosts and reporting endpoints
// (mx1.provider.example serves thousands of them), and each is probed once, the result reused.
// The memory is bounded: past `capacity` keys the oldest are forgotten.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

#include "check/task.hpp"
#include "net/https_client.hpp"
#include "net/smtp_probe.hpp"

namespace webshield::check {

template <class T>
class ProbeMemory {
 public:
  explicit ProbeMemory(std::size_t capacity) : capacity_(capacity) {}

  // The task already started for `key`, or the one `start` makes now.
  template <class StartFn>
  Task<T> get(const std::string& key, StartFn start) {
    if (auto it = tasks_.find(key); it != tasks_.end()) {
      ++hits_;
      return it->second;
    }
    if (tasks_.size() >= capacity_ && !order_.empty()) {
      tasks_.erase(order_.front());
      order_.pop_front();
    }
    Task<T> task = start();
    tasks_.emplace(key, task);
    order_.push_back(key);
    return task;
  }

  std::size_t hits() const { return hits_; }

 private:
  std::size_t capacity_;
  std::size_t hits_ = 0;
  std::unordered_map<std::string, Task<T>> tasks_;
  std::deque<std::string> order_;
};

class SharedHttpsClient final : public net::HttpsClient {
 public:
  SharedHttpsClient(net::HttpsClient& inner, std::size_t capacity)
      : inner_(inner), memory_(capacity) {}
  asio::awaitable<net::HttpsResponse> fetch(net::HttpsRequest request) override;
  std::size_t reused() const { return memory_.hits(); }

 private:
  net::HttpsClient& inner_;
  ProbeMemory<net::HttpsResponse> memory_;
};

class SharedSmtpProber final : public net::SmtpProber {
 public:
  SharedSmtpProber(net::SmtpProber& inner, std::size_t capacity)
      : inner_(inner), memory_(capacity) {}
  asio::awaitable<net::SmtpProbeResult> probe(net::SmtpProbeRequest request) override;
  std::size_t reused() const { return memory_.hits(); }

 private:
  net::SmtpProber& inner_;
  ProbeMemory<net::SmtpProbeResult> memory_;
};

}  // namespace webshield::check
