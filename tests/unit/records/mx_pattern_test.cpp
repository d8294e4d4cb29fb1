#include "records/mx_pattern.hpp"

#include <gtest/gtest.h>

namespace webshield::records {
namespace {

TEST(MxPattern, MatchingFollowsSection4_1) {
  struct Case {
    std::string_view pattern;
    std::string_view host;
    bool match;
  };
  const Case cases[] = {
      {"mx.example.com", "mx.example.com", true},
      {"mx.example.com", "MX.Example.COM", true},
      {"mx.example.com", "mx.example.com.", true},
      {"mx.example.com", "mx2.example.com", false},
      {"mx.example.com", "a.mx.example.com", false},
      {"*.example.com", "mx1.example.com", true},
      {"*.example.com", "MX1.EXAMPLE.COM.", true},
      {"*.example.com", "example.com", false},
      {"*.example.com", "a.b.example.com", false},
      {"*.example.com", "mx1.example.org", false},
      {"*.example.com", "mx1.badexample.com", false},
      {"*.example.com", ".example.com", false},
      {"*.xn--bcher-kva.example",
       "mx.b\xc3\xbc"
       "cher.example",
       true},
      {"mx.xn--bcher-kva.example", "mx.xn--bcher-kva.example", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " ~ " + std::string(c.host));
    const MxPatternParse p = parse_mx_pattern(c.pattern);
    ASSERT_EQ(p.kind, Recognized::yes);
    EXPECT_EQ(matches(*p.pattern, c.host), c.match);
  }
}

TEST(MxPattern, PatternIsNormalisedToLowerCase) {
  const MxPatternParse p = parse_mx_pattern("*.Mail.Example.COM");
  ASSERT_TRUE(p.pattern.has_value());
  EXPECT_EQ(p.pattern->to_string(), "*.mail.example.com");
}

TEST(MxPattern, InvalidPatternsSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"*", "'*'"},
      {"*.", "host name"},
      {"mx.*.example.com", "'*'"},
      {"mx.example.com.", "trailing dot"},
      {"a.example.com,b.example.com", "several names"},
      {"mx.example.com:25", "port"},
      {"2001:db8::25", "IPv6"},
      {"-mx.example.com", "host name"},
  };
  for (auto [text, reason] : cases) {
    SCOPED_TRACE(text);
    const MxPatternParse p = parse_mx_pattern(text, "line 9");
    EXPECT_EQ(p.kind, Recognized::malformed);
    ASSERT_EQ(p.findings.size(), 1U);
    EXPECT_EQ(p.findings[0].code, "mta_sts.policy_mx_invalid");
    EXPECT_NE(p.findings[0].message.find(reason), std::string::npos) << p.findings[0].message;
    EXPECT_TRUE(p.findings[0].message.starts_with("line 9: "));
  }
  EXPECT_EQ(parse_mx_pattern("").kind, Recognized::no);
}

}  // namespace
}  // namespace webshield::records
