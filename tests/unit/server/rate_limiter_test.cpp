// Token buckets per client: bursts, refill, Retry-After, and the bounded table.
#include "server/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace webshield::server {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsABurstThenRefillsWithTime) {
  RateLimiter limiter(60);  // one a second, bursts of 60
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 60; ++i)
    EXPECT_TRUE(limiter.allow("a", t0)) << i;
  EXPECT_FALSE(limiter.allow("a", t0));
  EXPECT_EQ(limiter.retry_after("a", t0), 1);
  EXPECT_TRUE(limiter.allow("b", t0)) << "another client has its own bucket";
  EXPECT_FALSE(limiter.allow("a", t0 + 500ms));
  EXPECT_TRUE(limiter.allow("a", t0 + 1500ms));
  EXPECT_FALSE(limiter.allow("a", t0 + 1500ms));
}

TEST(RateLimiter, RetryAfterCountsTheWait) {
  RateLimiter limiter(6);  // one every ten seconds
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(limiter.allow("a", t0));
  EXPECT_FALSE(limiter.allow("a", t0));
  EXPECT_EQ(limiter.retry_after("a", t0), 10);
}

TEST(RateLimiter, ZeroMeansNoLimit) {
  RateLimiter limiter(0);
  const auto t0 = RateLimiter::Clock::time_point{};
  for (int i = 0; i < 10'000; ++i)
    ASSERT_TRUE(limiter.allow("a", t0));
  EXPECT_EQ(limiter.clients(), 0u);
}

TEST(RateLimiter, TheTableStaysBoundedAndKeepsActiveClientsLimited) {
  RateLimiter limiter(2, 100);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  ASSERT_TRUE(limiter.allow("busy", t0));
  ASSERT_TRUE(limiter.allow("busy", t0));
  ASSERT_FALSE(limiter.allow("busy", t0));
  for (int i = 0; i < 1000; ++i)
    limiter.allow("client" + std::to_string(i), t0 + 1ms);
  EXPECT_LE(limiter.clients(), 100u);
  // Idle clients whose buckets are full are dropped first; "busy" was seen earliest and may go
  // with the oldest tenth, which only forgets a limit, never adds one.
  EXPECT_TRUE(limiter.allow("new", t0 + 2ms));
}

}  // namespace
}  // namespace webshield::server
