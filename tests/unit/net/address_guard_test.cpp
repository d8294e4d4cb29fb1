#include "net/address_guard.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cases/address_cases.hpp"

namespace webshield::net {
namespace {

TEST(AddressGuard, RefusesEverySpecialPurposeBlock) {
  for (const auto& c : cases::kRefusedAddresses) {
    SCOPED_TRACE(std::string(c.text) + ": " + std::string(c.why));
    const auto refusal = special_purpose(c.text);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->range, c.range);
    EXPECT_FALSE(refusal->name.empty());
  }
}

TEST(AddressGuard, AllowsPublicUnicast) {
  for (const auto& c : cases::kPublicAddresses) {
    SCOPED_TRACE(std::string(c.text) + ": " + std::string(c.why));
    const auto refusal = special_purpose(c.text);
    EXPECT_FALSE(refusal.has_value()) << to_string(*refusal);
  }
}

TEST(AddressGuard, RefusesTextThatIsNotAnAddress) {
  for (const auto& c : cases::kNotAddresses) {
    SCOPED_TRACE(std::string(c.why));
    const auto refusal = special_purpose(c.text);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(*refusal, (Refusal{"", "not an IP address"}));
  }
  EXPECT_TRUE(special_purpose(std::string(200, '1')).has_value());
}

TEST(AddressGuard, NamesTheBlockForTheMessage) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"127.0.0.1", "loopback (127.0.0.0/8)"},
      {"10.1.2.3", "private-use (10.0.0.0/8)"},
      {"100.64.0.1", "shared address space (100.64.0.0/10)"},
      {"fe80::1", "link-local (fe80::/10)"},
      {"::ffff:127.0.0.1", "loopback, IPv4-mapped (::ffff:127.0.0.0/104)"},
      {"64:ff9b::a9fe:a9fe", "link-local, in NAT64 64:ff9b::/96 (64:ff9b::a9fe:0/112)"},
      {"2002:a00:1::", "private-use, in 6to4 2002::/16 (2002:a00::/24)"},
      {"4000::1", "reserved by the IETF, not global unicast (4000::/3)"},
      {"nonsense", "not an IP address"},
  };
  for (auto [address, text] : cases) {
    SCOPED_TRACE(address);
    const auto refusal = special_purpose(address);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(to_string(*refusal), text);
  }
}

// Every IPv4 case, carried in each IPv6 form that embeds an IPv4 address, is judged as the IPv4
// address itself.
TEST(AddressGuard, JudgesEmbeddedIPv4AsTheIPv4Address) {
  std::vector<std::string_view> ipv4;
  for (const auto& c : cases::kRefusedAddresses)
    if (c.text.find(':') == std::string_view::npos && !c.text.starts_with('['))
      ipv4.push_back(c.text);
  for (const auto& c : cases::kPublicAddresses)
    if (c.text.find(':') == std::string_view::npos) ipv4.push_back(c.text);
  ASSERT_GT(ipv4.size(), 60u);
  for (std::string_view text : ipv4) {
    const auto direct = special_purpose(text);
    unsigned a = 0, b = 0, c = 0, d = 0;
    ASSERT_EQ(std::sscanf(std::string(text).c_str(), "%u.%u.%u.%u", &a, &b, &c, &d), 4);
    const std::string forms[] = {
        "::ffff:" + std::string(text),
        "64:ff9b::" + std::string(text),
        fmt::format("2002:{:x}:{:x}::1", a << 8 | b, c << 8 | d),
    };
    for (const std::string& form : forms) {
      SCOPED_TRACE(form);
      const auto embedded = special_purpose(form);
      ASSERT_EQ(embedded.has_value(), direct.has_value());
      if (direct) {
        EXPECT_TRUE(embedded->name.starts_with(direct->name + ", ")) << embedded->name;
      }
    }
  }
}

}  // namespace
}  // namespace webshield::net
