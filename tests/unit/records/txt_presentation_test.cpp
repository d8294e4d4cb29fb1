#include "records/txt_presentation.hpp"

#include <gtest/gtest.h>

namespace webshield::records {
namespace {

TEST(TxtPresentation, ReadsDigAndZoneFileLines) {
  const std::pair<std::string_view, TxtRr> cases[] = {
      {"\"v=TLSRPTv1; rua=mailto:a@example.com\"", {"v=TLSRPTv1; rua=mailto:a@example.com"}},
      {"\"v=TLSRPTv1; \" \"rua=mailto:a@example.com\"",
       {"v=TLSRPTv1; ", "rua=mailto:a@example.com"}},
      {"_smtp._tls.example.com. 300 IN TXT \"v=TLSRPTv1;\"", {"v=TLSRPTv1;"}},
      {"TXT \"a\\\"b\\\\c\\059d\"", {"a\"b\\c;d"}},
      {"v=TLSRPTv1; rua=mailto:a@example.com", {"v=TLSRPTv1; rua=mailto:a@example.com"}},
      {"\"\"", {""}},
  };
  for (const auto& [line, expected] : cases) {
    SCOPED_TRACE(line);
    auto rr = parse_txt_presentation(line);
    ASSERT_TRUE(rr.has_value()) << rr.error().describe();
    EXPECT_EQ(*rr, expected);
  }
}

TEST(TxtPresentation, RefusesBrokenLines) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"\"open", "unterminated"}, {"\"a\" b", "expected '\"'"},
      {"\"a\\", "at the end"},    {"\"\\25\"", "three digits"},
      {"\"\\256\"", "over 255"},  {"example.com. IN A \"x\"", "TXT"},
  };
  for (auto [line, reason] : cases) {
    SCOPED_TRACE(line);
    auto rr = parse_txt_presentation(line);
    ASSERT_FALSE(rr.has_value());
    EXPECT_NE(rr.error().describe().find(reason), std::string::npos) << rr.error().describe();
  }
  EXPECT_FALSE(parse_txt_presentation("\"" + std::string(256, 'a') + "\"").has_value());
}

TEST(TxtPresentation, RrsetSkipsCommentsAndBlankLines) {
  auto rrset = parse_txt_rrset("; dig output\n\n\"v=spf1 -all\"\r\n# note\n\"x\" \"y\"\n", 10);
  ASSERT_TRUE(rrset.has_value());
  ASSERT_EQ(rrset->size(), 2U);
  EXPECT_EQ((*rrset)[1], (TxtRr{"x", "y"}));

  auto broken = parse_txt_rrset("\"ok\"\n\"broken\n", 10);
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().where.find("line 2"), std::string::npos);

  EXPECT_FALSE(parse_txt_rrset("a\nb\nc\n", 2).has_value());
}

}  // namespace
}  // namespace webshield::records
