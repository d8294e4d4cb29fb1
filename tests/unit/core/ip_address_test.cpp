#include "core/ip_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace webshield {
namespace {

using namespace std::string_view_literals;

TEST(IpAddress, ReadsBothFamilies) {
  EXPECT_EQ(parse_ipv4("192.0.2.1"), (std::array<std::uint8_t, 4>{192, 0, 2, 1}));
  const auto six = parse_ipv6("2001:db8::1");
  ASSERT_TRUE(six);
  EXPECT_EQ((*six)[0], 0x20);
  EXPECT_EQ((*six)[1], 0x01);
  EXPECT_EQ((*six)[15], 0x01);
  EXPECT_TRUE(parse_ipv6("::ffff:192.0.2.1"));
  EXPECT_TRUE(is_ip_address("192.0.2.1"));
  EXPECT_TRUE(is_ip_address("::1"));
  EXPECT_FALSE(parse_ipv4("2001:db8::1"));
  EXPECT_FALSE(parse_ipv6("192.0.2.1"));
}

TEST(IpAddress, TheWholeTextMustBeTheAddress) {
  EXPECT_FALSE(is_ip_address("192.0.2.1\0junk"sv));
  EXPECT_FALSE(is_ip_address("::1\0"sv));
  EXPECT_FALSE(is_ip_address("192.0.2.1 "));
  EXPECT_FALSE(is_ip_address("[::1]"));
  EXPECT_FALSE(is_ip_address("fe80::1%eth0"));
  EXPECT_FALSE(is_ip_address(""));
  EXPECT_FALSE(is_ip_address("192.0.2"));
  EXPECT_FALSE(is_ip_address("192.0.2.256"));
}

TEST(IpAddress, TheLongestTextIsReadAndLongerIsRefused) {
  const std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
  ASSERT_EQ(longest.size(), 45u);
  EXPECT_TRUE(parse_ipv6(longest));
  EXPECT_FALSE(parse_ipv6("0" + longest));
  EXPECT_FALSE(is_ip_address(std::string(100000, '1')));
}

}  // namespace
}  // namespace webshield
