#include "records/txt_select.hpp"

#include <gtest/gtest.h>

#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"
#include "unit/test_support.hpp"

namespace webshield::records {
namespace {

const TxtRr kGood{"v=TLSRPTv1; rua=mailto:a@example.com"};

TEST(TxtSelect, CharacterStringsAreJoinedWithoutSeparator) {
  const std::vector<TxtRr> rrset{{"v=TLSRPTv1; rua=mai", "lto:a@exa", "mple.com"}};
  const auto s = select_tlsrpt_record(rrset);
  ASSERT_NE(s.usable(), nullptr);
  EXPECT_EQ(s.records[0], "v=TLSRPTv1; rua=mailto:a@example.com");
  EXPECT_EQ(s.status(), SelectionStatus::valid);
  EXPECT_TRUE(s.findings.empty());
}

TEST(TxtSelect, UnrelatedRecordsAreDiscarded) {
  const std::vector<TxtRr> rrset{{"v=spf1 -all"}, kGood, {"google-site-verification=x"}};
  const auto s = select_tlsrpt_record(rrset);
  ASSERT_TRUE(s.selected.has_value());
  EXPECT_EQ(*s.selected, 1U);
  EXPECT_NE(s.usable(), nullptr);
}

TEST(TxtSelect, NoRecordIsMissing) {
  for (const std::vector<TxtRr>& rrset :
       {std::vector<TxtRr>{}, std::vector<TxtRr>{{"v=spf1 -all"}}}) {
    const auto s = select_tlsrpt_record(rrset);
    EXPECT_EQ(s.status(), SelectionStatus::missing);
    ASSERT_EQ(s.findings.size(), 1U);
    EXPECT_EQ(s.findings[0].code, "tlsrpt.missing");
    EXPECT_EQ(s.findings[0].severity, Severity::error);
  }
  // A missing MTA-STS record is only a warning: mail still flows.
  const auto sts = select_sts_record(std::vector<TxtRr>{});
  ASSERT_EQ(sts.findings.size(), 1U);
  EXPECT_EQ(sts.findings[0].code, "mta_sts.missing");
  EXPECT_EQ(sts.findings[0].severity, Severity::warning);
}

TEST(TxtSelect, TwoRecordsMeanNone) {
  const std::vector<TxtRr> rrset{kGood, {"v=TLSRPTv1; rua=mailto:b@example.com"}};
  const auto s = select_tlsrpt_record(rrset);
  EXPECT_FALSE(s.selected.has_value());
  EXPECT_EQ(s.usable(), nullptr);
  EXPECT_EQ(s.status(), SelectionStatus::multiple);
  ASSERT_EQ(s.findings.size(), 1U);
  EXPECT_EQ(s.findings[0].code, "tlsrpt.multiple_records");

  const std::vector<TxtRr> sts{{"v=STSv1; id=1"}, {"v=STSv1; id=2"}};
  EXPECT_TRUE(has_code(select_sts_record(sts).findings, "mta_sts.multiple_records"));
}

TEST(TxtSelect, SpaceBeforeDelimiterStillCounts) {
  const std::vector<TxtRr> rrset{kGood, {"v=TLSRPTv1 ; rua=mailto:b@example.com"}};
  EXPECT_EQ(select_tlsrpt_record(rrset).status(), SelectionStatus::multiple);
}

TEST(TxtSelect, OtherVersionsAreNotCandidates) {
  const std::vector<TxtRr> rrset{kGood, {"v=TLSRPTv10; rua=mailto:b@example.com"}};
  const auto s = select_tlsrpt_record(rrset);
  EXPECT_EQ(s.status(), SelectionStatus::valid);
  EXPECT_TRUE(s.findings.empty());
}

TEST(TxtSelect, NearMissExplainsTheMissingRecord) {
  const std::vector<TxtRr> rrset{{"V=TLSRPTv1; rua=mailto:a@example.com"}, {"v=spf1 -all"}};
  const auto s = select_tlsrpt_record(rrset);
  EXPECT_EQ(s.status(), SelectionStatus::malformed);
  EXPECT_TRUE(has_code(s.findings, "tlsrpt.version_case"));
  EXPECT_FALSE(has_code(s.findings, "tlsrpt.missing"));
}

TEST(TxtSelect, SelectedMalformedRecordReportsItsFindings) {
  const std::vector<TxtRr> rrset{{"v=TLSRPTv1; rua=mailto:a@example.com!10m"}};
  const auto s = select_tlsrpt_record(rrset);
  EXPECT_EQ(s.status(), SelectionStatus::malformed);
  EXPECT_EQ(s.usable(), nullptr);
  EXPECT_TRUE(has_code(s.findings, "tlsrpt.rua_unencoded_char"));
  test::expect_documented(s.findings);
}

TEST(TxtSelect, RrsetIsBounded) {
  const Limits limits;
  std::vector<TxtRr> rrset(limits.txt_rrset_records + 10, TxtRr{"v=spf1 -all"});
  rrset.push_back(kGood);
  const auto s = select_tlsrpt_record(rrset, limits);
  EXPECT_EQ(s.records.size(), limits.txt_rrset_records);
}

}  // namespace
}  // namespace webshield::records
