#include "core/domain_name.hpp"

#include <gtest/gtest.h>

namespace webshield {
namespace {

TEST(DomainName, NormalisesCaseDotAndUnicode) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"Example.COM", "example.com"},
      {"example.com.", "example.com"},
      {"_smtp._tls.Example.com", "_smtp._tls.example.com"},
      {"b\xc3\xbc"
       "cher.example",
       "xn--bcher-kva.example"},
      {"B\xc3\x9c"
       "CHER.example",
       "xn--bcher-kva.example"},
      {"xn--bcher-kva.example", "xn--bcher-kva.example"},
  };
  for (auto [text, ascii] : cases) {
    SCOPED_TRACE(text);
    auto name = DomainName::parse(text);
    ASSERT_TRUE(name.has_value()) << name.error().describe();
    EXPECT_EQ(name->ascii(), ascii);
  }
  EXPECT_EQ(DomainName::parse("xn--bcher-kva.example")->unicode(),
            "b\xc3\xbc"
            "cher.example");
  EXPECT_EQ(DomainName::parse("a.b.c")->labels(), (std::vector<std::string_view>{"a", "b", "c"}));
}

TEST(DomainName, RefusesInvalidNames) {
  const std::string_view cases[] = {
      "",
      ".",
      "a..b",
      "-a.example",
      "a-.example",
      "a b.example",
      "a/b.example",
      "xn--zz.example",
      "example.com..",
  };
  for (std::string_view text : cases) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(DomainName::parse(text).has_value());
  }
  EXPECT_TRUE(DomainName::parse(std::string(63, 'a') + ".example").has_value());
  EXPECT_FALSE(DomainName::parse(std::string(64, 'a') + ".example").has_value());
  std::string long_name;
  for (int i = 0; i < 64; ++i)
    long_name += "abc.";
  EXPECT_FALSE(DomainName::parse(long_name + "example").has_value());
}

TEST(DomainName, Rfc5321DomainAndIpv4) {
  EXPECT_TRUE(is_rfc5321_domain("mx1.example.com"));
  EXPECT_TRUE(is_rfc5321_domain("192.0.2.1"));
  EXPECT_FALSE(is_rfc5321_domain("_tls.example.com"));
  EXPECT_FALSE(is_rfc5321_domain("example.com."));
  EXPECT_FALSE(is_rfc5321_domain("a-.example"));
  EXPECT_TRUE(is_ipv4_literal("192.0.2.255"));
  EXPECT_FALSE(is_ipv4_literal("192.0.2.256"));
  EXPECT_FALSE(is_ipv4_literal("192.0.2"));
  EXPECT_FALSE(is_ipv4_literal("192.0.02.1"));
}

}  // namespace
}  // namespace webshield
