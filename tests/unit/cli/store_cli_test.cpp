// Runs the real `webshield summary`, `reports`, `quarantine` and `db` against a SQLite file
// filled with the corpus of tests/fixtures/reports/ (and once against PostgreSQL, to see the
// same summary from both): output formats, selection, exit status and messages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/render.hpp"
#include "store/store.hpp"
#include "unit/cli/cli_support.hpp"
#include "unit/store/store_test_support.hpp"

namespace webshield {
namespace {

using test::CliRun;

CliRun webshield(std::initializer_list<std::string> args, bool merge = false) {
  return test::run_webshield(std::vector<std::string_view>(args.begin(), args.end()), "", merge);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// A SQLite database holding the whole corpus (16 reports, as store_test.cpp counts them).
class StoreCli : public ::testing::Test {
 protected:
  void SetUp() override { fill(test::Backend::sqlite); }

  void fill(test::Backend backend) {
    db_ = std::make_unique<test::TestDatabase>(backend);
    ASSERT_TRUE(db_->ok());
    auto store = test::open_or_fail(db_->url());
    ASSERT_NE(store, nullptr);
    std::vector<store::NewReport> all;
    for (const std::string& f : test::corpus_files())
      all.push_back(test::corpus_report(f));
    auto added = store->add(all);
    ASSERT_TRUE(added) << added.error().describe();
    for (std::size_t i = 0; i < all.size(); ++i)
      if ((*added)[i].outcome == store::Outcome::stored) stored_[(*added)[i].id] = all[i];
  }

  std::string url() const { return db_->url(); }

  std::unique_ptr<test::TestDatabase> db_;
  std::map<store::Id, store::NewReport> stored_;
};

TEST_F(StoreCli, SummaryJsonHasTotalsAndEveryBreakdown) {
  const CliRun run = webshield({"summary", "--db", url(), "--json"});
  ASSERT_EQ(run.status, 0) << run.out;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(
      j["totals"],
      (nlohmann::json{{"reports", 16}, {"successful_sessions", 21572}, {"failed_sessions", 1319}}));
  for (const char* key : {"by_day", "by_type", "by_sender", "by_mx", "by_ip"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["by_day"].size(), 14u);
  // Each result-type row also carries its explanation (explain_cli_test.cpp looks at it).
  nlohmann::json first_type = j["by_type"][0];
  EXPECT_EQ(first_type["explanation"]["result_type"], "starttls-not-supported");
  first_type.erase("explanation");
  EXPECT_EQ(first_type, (nlohmann::json{{"policy_domain", "company-y.example"},
                                        {"result_type", "starttls-not-supported"},
                                        {"failed_sessions", 600}}));
  EXPECT_EQ(j["by_sender"][4], (nlohmann::json{{"policy_domain", "example.com"},
                                               {"organization", "Google Inc."},
                                               {"successful_sessions", 76},
                                               {"failed_sessions", 1}}));
  EXPECT_EQ(j["by_mx"][4]["mx_host"], "") << "failures without an MX host name";
  EXPECT_EQ(j["by_ip"][0]["sending_ip"], "2001:db8:abcd:0013::1");
}

TEST_F(StoreCli, SummaryByOneBreakdownAndSelection) {
  CliRun run =
      webshield({"summary", "--db", url(), "--json", "--by", "type", "--domain", "example.com"});
  ASSERT_EQ(run.status, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j.size(), 3u) << "totals, by_type and its explanations only: " << run.out;
  EXPECT_EQ(j["totals"]["reports"], 6);
  EXPECT_EQ(j["totals"]["successful_sessions"], 101);
  EXPECT_EQ(j["totals"]["failed_sessions"], 5);
  EXPECT_EQ(j["by_type"].size(), 3u);

  // --until takes in the whole day it names.
  run = webshield(
      {"summary", "--db", url(), "--json", "--since", "2024-01-01", "--until", "2024-12-31"});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["totals"]["reports"], 6);
  run = webshield({"summary", "--db", url(), "--json", "--since", "2024-02-17T00:00:00Z", "--until",
                   "2024-02-17"});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["totals"]["successful_sessions"], 53);
  // Days before today: every corpus report is more than 0 days old, none 100,000.
  run = webshield({"summary", "--db", url(), "--json", "--since", "100000d"});
  EXPECT_EQ(nlohmann::json::parse(run.out)["totals"]["reports"], 16) << run.out;
  run = webshield({"summary", "--db", url(), "--json", "--since", "0d"});
  EXPECT_EQ(nlohmann::json::parse(run.out)["totals"]["reports"], 0) << run.out;
}

TEST_F(StoreCli, SummaryCsvIsOneBreakdownWithAHeader) {
  CliRun run =
      webshield({"summary", "--db", url(), "--csv", "--by", "sender", "--domain", "example.com"});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(run.out,
            "policy_domain,organization,successful_sessions,failed_sessions\n"
            "example.com,Example Inc.,0,3\n"
            "example.com,Google Inc.,76,1\n"
            "example.com,Mail.ru,0,1\n"
            "example.com,Microsoft Corporation,25,0\n");
  run = webshield({"summary", "--db", url(), "--csv", "--by", "ip", "--domain", "example.com"});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(run.out,
            "policy_domain,sending_ip,failed_sessions\n"
            "example.com,,2\n"
            "example.com,209.85.222.201,2\n"
            "example.com,123.123.123.123,1\n"
            "example.com,209.85.208.176,1\n");
}

TEST_F(StoreCli, SummaryTextIsAlignedTables) {
  const CliRun run = webshield({"summary", "--db", url()});
  ASSERT_EQ(run.status, 0) << run.out;
  // 1319 / (21572 + 1319) = 5.76 %
  EXPECT_NE(run.out.find("Sessions  21572 succeeded, 1319 failed (5.76% failed)"),
            std::string::npos)
      << run.out;
  for (const char* title :
       {"Sessions by day", "Failures by result type", "Sessions by reporting organisation",
        "Failures by receiving MX host", "Failures by sending IP"})
    EXPECT_NE(run.out.find(title), std::string::npos) << title;
  // Columns line up: in the by-day table every row ends at the same column.
  const auto lines = lines_of(run.out);
  const auto header = std::ranges::find_if(
      lines, [](const std::string& l) { return l.find("failed %") != std::string::npos; });
  ASSERT_NE(header, lines.end());
  for (auto it = header + 1; it != lines.end() && !it->empty(); ++it)
    EXPECT_EQ(it->size(), header->size()) << *it;
  EXPECT_NE(run.out.find("  company-y.example   2016-04-01      15978     909     5.38%"),
            std::string::npos)
      << run.out;
}

TEST_F(StoreCli, UsageErrorsExit64) {
  EXPECT_EQ(webshield({"summary", "--db", url(), "--since", "yesterday"}).status, 64);
  EXPECT_EQ(webshield({"summary", "--db", url(), "--until", "2024-13-01"}).status, 64);
  EXPECT_EQ(webshield({"summary", "--db", url(), "--since", "2024-01-01T00:00:00"}).status, 64)
      << "a date-time needs its time zone";
  const CliRun csv = webshield({"summary", "--db", url(), "--csv"}, true);
  EXPECT_EQ(csv.status, 64);
  EXPECT_NE(csv.out.find("--by"), std::string::npos) << csv.out;
  EXPECT_EQ(webshield({"summary", "--db", url(), "--csv", "--json", "--by", "day"}).status, 64);
  EXPECT_EQ(webshield({"summary", "--db", url(), "--by", "week"}).status, 64);
  EXPECT_EQ(webshield({"reports", "list", "--db", url(), "--limit", "0"}).status, 64);
  EXPECT_EQ(webshield({"reports", "show", "--db", url()}).status, 64);
}

TEST_F(StoreCli, ADatabaseThatCannotBeOpenedExits1AndSaysWhichWithoutThePassword) {
  CliRun run = webshield({"summary", "--db", "sqlite:/dev/null/x.db"}, true);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("cannot open sqlite:/dev/null/x.db"), std::string::npos) << run.out;
  run = webshield({"reports", "list", "--db", "postgresql://ws:s3cret@127.0.0.1:1/r"}, true);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("cannot open postgresql://ws:***@127.0.0.1:1/r"), std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("s3cret"), std::string::npos) << run.out;
  EXPECT_EQ(webshield({"db", "status", "--db", "sqlite:/dev/null/x.db"}).status, 1);
}

TEST_F(StoreCli, ReportsListJsonLinesAreTheNormalisedFormWithIdAndOrigin) {
  CliRun run = webshield({"reports", "list", "--db", url(), "--json"});
  ASSERT_EQ(run.status, 0) << run.out;
  const auto lines = lines_of(run.out);
  ASSERT_EQ(lines.size(), 16u);
  store::Id previous = std::numeric_limits<store::Id>::max();
  for (const std::string& line : lines) {
    auto j = nlohmann::json::parse(line);
    const store::Id id = j["id"];
    EXPECT_LT(id, previous) << "newest first";
    previous = id;
    const store::NewReport& in = stored_.at(id);
    EXPECT_EQ(j["received_at"], format_utc(in.received_at));
    EXPECT_EQ(j["origin"], in.origin);
    j.erase("id");
    j.erase("received_at");
    j.erase("origin");
    EXPECT_EQ(j, report::to_json(in.report, in.source));
  }

  run = webshield({"reports", "list", "--db", url(), "--json", "--domain", "test.xmox.nl"});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(lines_of(run.out).size(), 2u);
  run = webshield({"reports", "list", "--db", url(), "--limit", "3"});
  ASSERT_EQ(run.status, 0) << run.out;
  const auto table = lines_of(run.out);
  ASSERT_EQ(table.size(), 4u) << run.out;
  EXPECT_TRUE(table[0].starts_with("id  received")) << table[0];
}

TEST_F(StoreCli, ReportsShowPrintsTheReportOrItsRawBytes) {
  const auto& [id, in] = *stored_.rbegin();
  CliRun run = webshield({"reports", "show", "--db", url(), std::to_string(id)});
  ASSERT_EQ(run.status, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["id"], id);
  j.erase("id");
  j.erase("received_at");
  j.erase("origin");
  EXPECT_EQ(j, report::to_json(in.report, in.source));

  run = webshield({"reports", "show", "--db", url(), "--raw", std::to_string(id)});
  ASSERT_EQ(run.status, 0);
  EXPECT_EQ(run.out, in.raw);
  // A mail message as received.
  for (const auto& [mail_id, mail] : stored_) {
    if (mail.source.transport != "mail") continue;
    run = webshield({"reports", "show", "--db", url(), "--raw", std::to_string(mail_id)});
    EXPECT_EQ(run.out, mail.raw) << mail.origin;
  }

  run = webshield({"reports", "show", "--db", url(), "999999"}, true);
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.out.find("no report 999999"), std::string::npos) << run.out;
}

TEST_F(StoreCli, QuarantineListAndShow) {
  const std::string raw("\x1f\x8b\x00 broken \xff\x00 end", 16);
  store::Id id = 0;
  {
    auto store = test::open_or_fail(url());
    ASSERT_NE(store, nullptr);
    auto q = store->quarantine(
        {raw, "mail", "maildir:/var/mail/new/1", "no report part\x1b[31m", 1'790'000'000});
    ASSERT_TRUE(q);
    id = *q;
  }
  CliRun run = webshield({"quarantine", "list", "--db", url(), "--json"});
  ASSERT_EQ(run.status, 0) << run.out;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["size"], raw.size());
  EXPECT_EQ(j["transport"], "mail");
  EXPECT_EQ(j["received_at"], "2026-09-21T14:13:20Z");

  run = webshield({"quarantine", "list", "--db", url()});
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("maildir:/var/mail/new/1"), std::string::npos);
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << "no escape sequence reaches a terminal";

  run = webshield({"quarantine", "show", "--db", url(), "--raw", std::to_string(id)});
  ASSERT_EQ(run.status, 0);
  EXPECT_EQ(run.out, raw);
  run = webshield({"quarantine", "show", "--db", url(), std::to_string(id)});
  ASSERT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("size       16 bytes"), std::string::npos) << run.out;
  EXPECT_EQ(webshield({"quarantine", "show", "--db", url(), "424242"}).status, 2);
}

TEST_F(StoreCli, DbMigrateAndStatus) {
  const std::string fresh =
      ::testing::TempDir() + "webshield_cli_fresh_" + std::to_string(getpid()) + ".db";
  std::remove(fresh.c_str());
  CliRun run = webshield({"db", "migrate", "--db", fresh});
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(run.out, "schema version " + std::to_string(store::latest_schema_version())
                         + " (the latest this program knows)\n");
  run = webshield({"db", "status", "--db", url()});
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("backend         sqlite"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("reports         16"), std::string::npos) << run.out;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::remove((fresh + suffix).c_str());
}

TEST_F(StoreCli, SameSummaryFromPostgreSQLAndSQLite) {
  const CliRun sqlite = webshield({"summary", "--db", url(), "--json"});
  ASSERT_EQ(sqlite.status, 0) << sqlite.out;
  fill(test::Backend::postgresql);
  const CliRun pg = webshield({"summary", "--db", url(), "--json"});
  ASSERT_EQ(pg.status, 0) << pg.out;
  EXPECT_EQ(pg.out, sqlite.out);
  const CliRun status = webshield({"db", "status", "--db", url()});
  EXPECT_NE(status.out.find("backend         postgresql"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace webshield
