#include "core/finding.hpp"

#include <gtest/gtest.h>

#include "unit/test_support.hpp"

namespace webshield {
namespace {

Finding make(Severity s) {
  return {"x.y", s, "m", "RFC", ""};
}

TEST(Finding, VerdictAndExitStatusFollowTheContract) {
  EXPECT_EQ(verdict_of(Findings{}), Verdict::pass);
  EXPECT_EQ(verdict_of(Findings{make(Severity::info)}), Verdict::pass);
  EXPECT_EQ(verdict_of(Findings{make(Severity::warning)}), Verdict::warn);
  EXPECT_EQ(verdict_of(Findings{make(Severity::warning), make(Severity::unknown)}),
            Verdict::unknown);
  EXPECT_EQ(verdict_of(Findings{make(Severity::unknown), make(Severity::error)}), Verdict::fail);
  EXPECT_EQ(exit_status(Verdict::pass), 0);
  EXPECT_EQ(exit_status(Verdict::warn), 1);
  EXPECT_EQ(exit_status(Verdict::fail), 2);
  EXPECT_EQ(exit_status(Verdict::unknown), 3);
}

TEST(Finding, ListIsBoundedButKeepsAnError) {
  FindingList list(3);
  for (int i = 0; i < 10; ++i)
    list.add("a.b", Severity::info, "note", "RFC");
  EXPECT_EQ(list.items().size(), 3U);
  list.add("a.c", Severity::error, "bad", "RFC");
  list.add("a.d", Severity::warning, "meh", "RFC");
  ASSERT_EQ(list.items().size(), 3U);
  EXPECT_EQ(verdict_of(list.items()), Verdict::fail);
  EXPECT_EQ(list.items().back().code, "a.c");
  EXPECT_NE(list.items().back().message.find("left out"), std::string::npos);
}

TEST(Finding, DocumentationListsEveryCodeOnce) {
  const auto& codes = test::documented_codes();
  // 27 TLS-RPT, 14 MTA-STS record, 30 policy, 13 MX and 7 DANE codes.
  EXPECT_EQ(codes.size(), 91U);
  for (const auto& [code, doc] : codes) {
    SCOPED_TRACE(code);
    EXPECT_TRUE(doc.from == "text" || doc.from == "live");
    EXPECT_TRUE(doc.severity == "error" || doc.severity == "warning" || doc.severity == "info"
                || doc.severity == "unknown" || doc.severity == "E/W");
  }
}

}  // namespace
}  // namespace webshield
