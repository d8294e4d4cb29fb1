// Token buckets per client key, bounded in number.
#include "server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace webshield::server {

RateLimiter::RateLimiter(double per_minute, std::size_t max_clients)
    : per_second_(per_minute / 60.0), burst_(per_minute), max_clients_(max_clients) {}

double RateLimiter::refilled(const Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  return std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_second_);
}

void RateLimiter::make_room(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) { return refilled(entry.second, now) >= burst_; });
  if (buckets_.size() < max_clients_) return;
  // Still full of active clients: drop the tenth least recently seen, so that the next
  // thousands of new clients do not each scan the table again.
  std::vector<std::pair<Clock::time_point, std::string>> by_age;
  by_age.reserve(buckets_.size());
  for (const auto& [key, bucket] : buckets_)
    by_age.emplace_back(bucket.updated, key);
  const std::size_t drop = std::max<std::size_t>(1, by_age.size() / 10);
  std::ranges::nth_element(by_age, by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1));
  for (std::size_t i = 0; i < drop; ++i)
    buckets_.erase(by_age[i].second);
}

bool RateLimiter::allow(std::string_view key, Clock::time_point now) {
  if (per_second_ <= 0) return true;
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) make_room(now);
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = refilled(b, now);
  b.updated = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

long RateLimiter::retry_after(std::string_view key, Clock::time_point now) const {
  if (per_second_ <= 0) return 1;
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) return 1;
  const double missing = 1 - refilled(it->second, now);
  return std::max(1L, static_cast<long>(std::ceil(missing / per_second_)));
}

}  // namespace webshield::server
