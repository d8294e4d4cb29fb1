#include <gtest/gtest.h>

#include "dns/unbound_resolver.hpp"

namespace webshield::dns {
namespace {

TEST(Forwarder, AcceptsAddressesWithOptionalPort) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"127.0.0.1", "127.0.0.1@53"}, {"127.0.0.1:5353", "127.0.0.1@5353"},  {"::1", "::1@53"},
      {"[::1]:5353", "::1@5353"},    {"[2001:db8::53]", "2001:db8::53@53"},
  };
  for (auto [text, expected] : cases) {
    SCOPED_TRACE(text);
    auto address = forwarder_address(text);
    ASSERT_TRUE(address.has_value()) << address.error().describe();
    EXPECT_EQ(*address, expected);
  }
}

TEST(Forwarder, RefusesNamesAndBadPorts) {
  for (std::string_view text :
       {"dns.example", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1", "[::1]x", ""}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(forwarder_address(text).has_value());
  }
}

}  // namespace
}  // namespace webshield::dns
