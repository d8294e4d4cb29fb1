// Every code that docs/findings.md marks as decided from the text alone is produced by some
// input here: the case tables, plus the RRset and size rules.
#include <gtest/gtest.h>

#include <set>

#include "cases/record_cases.hpp"
#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"
#include "unit/test_support.hpp"

namespace webshield::records {
namespace {

TEST(CodeCoverage, EveryTextCodeIsProducedBySomeInput) {
  std::set<std::string> produced;
  auto collect = [&](const Findings& findings) {
    for (const Finding& f : findings)
      produced.insert(f.code);
  };
  for (const cases::Bad& c : cases::kTlsRptBad)
    collect(parse_tlsrpt_record(c.text).findings);
  for (const cases::Bad& c : cases::kStsBad)
    collect(parse_sts_record(c.text).findings);
  for (const cases::Bad& c : cases::kPolicyBad)
    collect(parse_sts_policy(c.text).findings);
  collect(select_tlsrpt_record(std::vector<TxtRr>{}).findings);
  collect(select_sts_record(std::vector<TxtRr>{}).findings);
  collect(select_tlsrpt_record(std::vector<TxtRr>{{"v=TLSRPTv1; rua=mailto:a@example.com"},
                                                  {"v=TLSRPTv1; rua=mailto:b@example.com"}})
              .findings);
  collect(select_sts_record(std::vector<TxtRr>{{"v=STSv1; id=1"}, {"v=STSv1; id=2"}}).findings);
  collect(parse_sts_policy(std::string(Limits{}.policy_bytes + 1, 'x')).findings);

  for (const auto& [code, doc] : test::documented_codes()) {
    if (doc.from != "text") continue;
    EXPECT_TRUE(produced.contains(code)) << code << " is documented but no input produces it";
  }
  for (const std::string& code : produced) {
    ASSERT_TRUE(test::documented_codes().contains(code)) << code << " is not documented";
    EXPECT_EQ(test::documented_codes().at(code).from, "text") << code;
  }
}

}  // namespace
}  // namespace webshield::records
