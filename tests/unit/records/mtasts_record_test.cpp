#include "records/mtasts_record.hpp"

#include <gtest/gtest.h>

#include "cases/record_cases.hpp"
#include "unit/test_support.hpp"

namespace webshield::records {
namespace {

TEST(StsRecord, EachBadCaseProducesItsCode) {
  for (const cases::Bad& c : cases::kStsBad) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const StsParse r = parse_sts_record(c.text);
    EXPECT_EQ(to_string(r.kind), to_string(c.kind));
    EXPECT_TRUE(has_code(r.findings, c.code));
    test::expect_documented(r.findings);
  }
}

TEST(StsRecord, GoodCasesAreValidAndClean) {
  for (const cases::Good& c : cases::kStsGood) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const StsParse r = parse_sts_record(c.text);
    EXPECT_EQ(r.kind, Recognized::yes);
    ASSERT_TRUE(r.record.has_value());
    EXPECT_FALSE(r.record->id.empty());
    EXPECT_TRUE(r.findings.empty());
    const StsParse again = parse_sts_record(format_sts_record(*r.record));
    EXPECT_EQ(again.record, r.record);
  }
}

TEST(StsRecord, FirstIdCounts) {
  const StsParse r = parse_sts_record("v=STSv1; id=first; id=second");
  ASSERT_TRUE(r.record.has_value());
  EXPECT_EQ(r.record->id, "first");
}

TEST(StsRecord, KeepsWellFormedExtensions) {
  const StsParse r = parse_sts_record("v=STSv1; id=20240501; ext.a=b-c");
  ASSERT_TRUE(r.record.has_value());
  ASSERT_EQ(r.record->extensions.size(), 1U);
  EXPECT_EQ(r.record->extensions[0].name, "ext.a");
  EXPECT_EQ(r.record->extensions[0].value, "b-c");
}

TEST(StsRecord, OtherTextIsNotAnStsRecord) {
  for (std::string_view text : {"", "v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.com",
                                "google-site-verification=abc", "v=STS; id=1"}) {
    SCOPED_TRACE(text);
    const StsParse r = parse_sts_record(text);
    EXPECT_EQ(r.kind, Recognized::no);
    EXPECT_TRUE(r.findings.empty());
  }
}

TEST(StsRecord, NonAsciiMessageGivesTheByte) {
  const std::string text = "v=STSv1; id=1; n=\xc3\xa9";
  const StsParse r = parse_sts_record(text);
  ASSERT_TRUE(has_code(r.findings, "mta_sts.non_ascii"));
  EXPECT_NE(r.findings.front().message.find("byte " + std::to_string(text.find('\xc3'))),
            std::string::npos);
}

}  // namespace
}  // namespace webshield::records
