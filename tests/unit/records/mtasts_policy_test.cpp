#include "records/mtasts_policy.hpp"

#include <gtest/gtest.h>

#include "cases/record_cases.hpp"
#include "unit/test_support.hpp"

namespace webshield::records {
namespace {

std::string policy(std::string_view mode, std::string_view max_age, std::string_view mx = "") {
  std::string text =
      "version: STSv1\nmode: " + std::string(mode) + "\nmax_age: " + std::string(max_age) + "\n";
  if (!mx.empty()) text += "mx: " + std::string(mx) + "\n";
  return text;
}

TEST(StsPolicy, EachBadCaseProducesItsCode) {
  for (const cases::Bad& c : cases::kPolicyBad) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const StsPolicyParse r = parse_sts_policy(c.text);
    EXPECT_EQ(to_string(r.kind), to_string(c.kind));
    EXPECT_TRUE(has_code(r.findings, c.code));
    EXPECT_EQ(r.policy.has_value(), r.kind == Recognized::yes);
    test::expect_documented(r.findings);
  }
}

TEST(StsPolicy, GoodCasesAreValid) {
  for (const cases::Good& c : cases::kPolicyGood) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const StsPolicyParse r = parse_sts_policy(c.text);
    EXPECT_EQ(r.kind, Recognized::yes);
    ASSERT_TRUE(r.policy.has_value());
    EXPECT_FALSE(has_error(r.findings));
    const StsPolicyParse again = parse_sts_policy(format_sts_policy(*r.policy));
    EXPECT_EQ(again.kind, Recognized::yes);
    EXPECT_EQ(again.policy, r.policy);
  }
}

TEST(StsPolicy, ReadsTheFields) {
  const StsPolicyParse r = parse_sts_policy(
      "version: STSv1\r\nmode: enforce\r\nmx: mx1.Example.com\r\nmx: *.mail.example.com\r\n"
      "max_age: 1209600\r\n");
  ASSERT_EQ(r.kind, Recognized::yes);
  EXPECT_EQ(r.policy->version, "STSv1");
  EXPECT_EQ(r.policy->mode, StsMode::enforce);
  EXPECT_EQ(r.policy->max_age, 1209600U);
  ASSERT_EQ(r.policy->mx.size(), 2U);
  EXPECT_EQ(r.policy->mx[0], (MxPattern{false, "mx1.example.com"}));
  EXPECT_EQ(r.policy->mx[1], (MxPattern{true, "mail.example.com"}));
  EXPECT_TRUE(r.findings.empty());
}

TEST(StsPolicy, MaxAgeBoundaries) {
  struct Case {
    std::string_view mode;
    std::string_view max_age;
    bool short_warning;
  };
  const Case cases[] = {
      {"testing", "86399", true},     {"testing", "86400", false}, {"enforce", "604799", true},
      {"enforce", "604800", false},   {"none", "86400", false},    {"none", "1", true},
      {"enforce", "31557600", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.mode) + " " + std::string(c.max_age));
    const StsPolicyParse r = parse_sts_policy(policy(c.mode, c.max_age, "mx.example.com"));
    EXPECT_EQ(r.kind, Recognized::yes);
    EXPECT_EQ(has_code(r.findings, "mta_sts.policy_max_age_short"), c.short_warning);
  }
  const StsPolicyParse zero = parse_sts_policy(policy("none", "0"));
  EXPECT_TRUE(has_code(zero.findings, "mta_sts.policy_max_age_zero"));
  EXPECT_FALSE(has_code(zero.findings, "mta_sts.policy_max_age_short"));
}

TEST(StsPolicy, FirstOccurrenceOfARepeatedFieldCounts) {
  const StsPolicyParse r =
      parse_sts_policy("version: STSv1\nmode: none\nmode: enforce\nmax_age: 86400\n");
  ASSERT_TRUE(r.policy.has_value());
  EXPECT_EQ(r.policy->mode, StsMode::none);
}

TEST(StsPolicy, WrongCaseFieldAlsoLeavesTheFieldMissing) {
  const StsPolicyParse r = parse_sts_policy("version: STSv1\nMode: none\nmax_age: 86400\n");
  EXPECT_TRUE(has_code(r.findings, "mta_sts.policy_field_case"));
  EXPECT_TRUE(has_code(r.findings, "mta_sts.policy_mode_missing"));
}

TEST(StsPolicy, MessagesGiveTheLine) {
  const StsPolicyParse r =
      parse_sts_policy("version: STSv1\nmode: enforce\nmax_age: 604800\nmx: bad_name.example\n");
  ASSERT_EQ(r.findings.size(), 1U);
  EXPECT_EQ(r.findings[0].code, "mta_sts.policy_mx_invalid");
  EXPECT_NE(r.findings[0].message.find("line 4"), std::string::npos) << r.findings[0].message;

  const StsPolicyParse blank = parse_sts_policy("version: STSv1\n\nmode: none\nmax_age: 86400\n");
  ASSERT_FALSE(blank.findings.empty());
  EXPECT_NE(blank.findings[0].message.find("line 2"), std::string::npos);
}

TEST(StsPolicy, PolicyOverTheLimitIsRefusedWithoutParsing) {
  std::string text = policy("enforce", "604800", "mx.example.com");
  text += "comment: " + std::string(70000, 'x') + "\n";
  const StsPolicyParse r = parse_sts_policy(text);
  EXPECT_EQ(r.kind, Recognized::malformed);
  ASSERT_EQ(r.findings.size(), 1U);
  EXPECT_EQ(r.findings[0].code, "mta_sts.policy_too_large");
  // Exactly at the limit is accepted.
  Limits limits;
  limits.policy_bytes = text.size();
  EXPECT_EQ(parse_sts_policy(text, limits).kind, Recognized::yes);
}

TEST(StsPolicy, MxPatternsAreBounded) {
  std::string text = policy("enforce", "604800");
  for (int i = 0; i < 300; ++i)
    text += "mx: mx" + std::to_string(i) + ".example.com\n";
  const Limits limits;
  const StsPolicyParse r = parse_sts_policy(text, limits);
  EXPECT_EQ(r.kind, Recognized::malformed);
  EXPECT_TRUE(has_code(r.findings, "mta_sts.policy_mx_invalid"));
}

TEST(StsPolicy, FindingsAreBounded) {
  std::string text = policy("none", "86400");
  for (int i = 0; i < 1000; ++i)
    text += "x" + std::to_string(i) + ": y\n";
  const Limits limits;
  const StsPolicyParse r = parse_sts_policy(text, limits);
  EXPECT_EQ(r.findings.size(), limits.findings);
}

}  // namespace
}  // namespace webshield::records
