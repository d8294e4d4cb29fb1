// Per-client rate limits: a token bucket per client key (client_key(): an IPv4 address or an
// IPv6 /64), refilled continuously. The table of buckets is bounded: when full, buckets that
// have refilled completely (idle clients) are dropped first, then the oldest. Not thread-safe:
// used from the server's event loop only. Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace webshield::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_minute` requests a minute, with bursts of as many; 0 means no limit.
  explicit RateLimiter(double per_minute, std::size_t max_clients = 100'000);

  // Takes one token for `key`; false when none is left.
  bool allow(std::string_view key, Clock::time_point now);

  // Seconds until `key` has a token again (at least 1), for Retry-After.
  long retry_after(std::string_view key, Clock::time_point now) const;

  std::size_t clients() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };

  double refilled(const Bucket& b, Clock::time_point now) const;
  void make_room(Clock::time_point now);

  double per_second_;
  double burst_;
  std::size_t max_clients_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace webshield::server
