// Runs the real `webshield explain` and `webshield summary` (with the corpus ingested into a
// SQLite file by `webshield ingest`): the list, one type, unknown types, --json, and the
// explanations that the result-type breakdown of `summary` carries.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "explain/explain.hpp"
#include "unit/cli/cli_support.hpp"

namespace webshield {
namespace {

using test::CliRun;
using test::run_webshield;

const std::string kCorpus = std::string(WEBSHIELD_SOURCE_DIR) + "/tests/fixtures/reports/";

TEST(ExplainCli, ListsEveryRegisteredType) {
  const CliRun run = run_webshield({"explain"});
  ASSERT_EQ(run.status, 0) << run.out;
  for (const explain::Explanation& e : explain::registered()) {
    EXPECT_NE(run.out.find(e.result_type), std::string::npos) << e.result_type;
    EXPECT_NE(run.out.find(e.summary), std::string::npos) << e.summary;
  }
}

TEST(ExplainCli, ListAsJson) {
  const CliRun run = run_webshield({"explain", "--json"}, "", false);
  ASSERT_EQ(run.status, 0) << run.out;
  const nlohmann::json j = nlohmann::json::parse(run.out);
  ASSERT_EQ(j["result_types"].size(), explain::registered().size());
  for (const nlohmann::json& e : j["result_types"]) {
    EXPECT_EQ(e["registered"], true);
    EXPECT_FALSE(e["causes"].empty());
    EXPECT_FALSE(e["confirm"].empty());
    EXPECT_FALSE(e["fix"].empty());
    EXPECT_TRUE(e["ref"].get<std::string>().starts_with("RFC 8460"));
  }
  EXPECT_EQ(j["unknown"]["registered"], false);
}

TEST(ExplainCli, OneTypeInDetailWithNamesFilledIn) {
  const CliRun run = run_webshield({"explain", "certificate-host-mismatch", "--domain",
                                    "example.com", "--mx", "mx2.example.com"});
  ASSERT_EQ(run.status, 0) << run.out;
  for (const char* part : {"certificate-host-mismatch: ", "Likely causes", "How to confirm",
                           "How to fix", "Reference: RFC 8460 §4.3.1"})
    EXPECT_NE(run.out.find(part), std::string::npos) << part << "\n" << run.out;
  // Commands stay whole on a line of their own, to be copied.
  EXPECT_NE(run.out.find("\n  $ openssl s_client -starttls smtp -connect mx2.example.com:25 "
                         "-servername mx2.example.com -verify_hostname mx2.example.com "
                         "</dev/null\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\n  $ webshield check example.com\n"), std::string::npos) << run.out;
  // Prose is wrapped for a terminal.
  std::size_t start = 0;
  for (std::size_t end; (end = run.out.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string_view line(run.out.data() + start, end - start);
    if (!line.starts_with("  $ ")) {
      EXPECT_LE(line.size(), 80u) << line;
    }
  }
}

TEST(ExplainCli, OneTypeAsJson) {
  const CliRun run =
      run_webshield({"explain", "tlsa-invalid", "--json", "--mx", "mx.example"}, "", false);
  ASSERT_EQ(run.status, 0) << run.out;
  const nlohmann::json j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["result_type"], "tlsa-invalid");
  EXPECT_EQ(j["applies"], "dane");
  EXPECT_EQ(j["ref"], "RFC 8460 §4.3.2.1");
  EXPECT_NE(j["confirm"].dump().find("_25._tcp.mx.example"), std::string::npos) << j.dump();
}

TEST(ExplainCli, UnknownTypeExplainedAndExitOne) {
  const CliRun run = run_webshield({"explain", "certificate-revoked"});
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("certificate-revoked: Unregistered result type"), std::string::npos)
      << run.out;
  const CliRun json = run_webshield({"explain", "certificate-revoked", "--json"}, "", false);
  EXPECT_EQ(json.status, 1);
  const nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["result_type"], "certificate-revoked");
  EXPECT_EQ(j["registered"], false);
}

TEST(ExplainCli, BadUsage) {
  EXPECT_EQ(run_webshield({"explain", "a", "b"}).status, 64);
  EXPECT_EQ(run_webshield({"explain", "--nope"}).status, 64);
}

// `summary` over a few corpus reports stored by `webshield ingest`.
class SummaryExplained : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = ::testing::TempDir() + "webshield_explain_" + std::to_string(getpid()) + ".sqlite";
    std::filesystem::remove(db_);
    const CliRun run =
        run_webshield({"ingest", "--db", db_, kCorpus + "mail-auth/rpt02.json",
                       kCorpus + "parsedmarc/mail.ru.json", kCorpus + "parsedmarc/rfc8460.json"});
    ASSERT_EQ(run.status, 0) << run.out;
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(db_ + suffix);
  }
  std::string db_;
};

TEST_F(SummaryExplained, JsonRowsOfTheTypeBreakdownCarryTheirExplanation) {
  const CliRun run = run_webshield({"summary", "--db", db_, "--json"}, "", false);
  ASSERT_EQ(run.status, 0) << run.out;
  const nlohmann::json j = nlohmann::json::parse(run.out);
  ASSERT_TRUE(j["by_type"].is_array());
  ASSERT_FALSE(j["by_type"].empty());
  bool mismatch = false;
  for (const nlohmann::json& row : j["by_type"]) {
    // The keys that were there before stay as they were.
    for (const char* key : {"policy_domain", "result_type", "failed_sessions"})
      EXPECT_TRUE(row.contains(key)) << key;
    // Briefly in the row, in full once per type under "explanations".
    const nlohmann::json& e = row["explanation"];
    ASSERT_TRUE(e.is_object()) << row.dump();
    EXPECT_EQ(e["result_type"], row["result_type"]);
    EXPECT_FALSE(e["summary"].get<std::string>().empty());
    EXPECT_TRUE(e["ref"].get<std::string>().starts_with("RFC 8460 §4.3"));
    EXPECT_FALSE(e.contains("fix"));
    const nlohmann::json& full = j["explanations"][row["result_type"].get<std::string>()];
    EXPECT_EQ(full["result_type"], row["result_type"]);
    EXPECT_EQ(full["summary"], e["summary"]);
    EXPECT_FALSE(full["causes"].empty());
    EXPECT_FALSE(full["confirm"].empty());
    EXPECT_FALSE(full["fix"].empty());
    mismatch = mismatch || row["result_type"] == "certificate-host-mismatch";
  }
  EXPECT_TRUE(mismatch) << j["by_type"].dump();
  EXPECT_EQ(j["explanations"].size(), 5u) << "one per result type of the rows";
  // Only the type breakdown is explained.
  for (const nlohmann::json& row : j["by_mx"])
    EXPECT_FALSE(row.contains("explanation"));
  const CliRun mx = run_webshield({"summary", "--db", db_, "--json", "--by", "mx"}, "", false);
  ASSERT_EQ(mx.status, 0);
  EXPECT_FALSE(nlohmann::json::parse(mx.out).contains("explanations"));
  // --by type gives the same rows.
  const CliRun by = run_webshield({"summary", "--db", db_, "--json", "--by", "type"}, "", false);
  ASSERT_EQ(by.status, 0);
  EXPECT_EQ(nlohmann::json::parse(by.out)["by_type"], j["by_type"]);
  EXPECT_EQ(nlohmann::json::parse(by.out)["explanations"], j["explanations"]);
}

TEST_F(SummaryExplained, TextShowsOneLinePerType) {
  const CliRun run = run_webshield({"summary", "--db", db_, "--by", "type"}, "", false);
  ASSERT_EQ(run.status, 0) << run.out;
  for (std::string_view type :
       {"certificate-host-mismatch", "sts-policy-fetch-error", "starttls-not-supported"}) {
    // "  <type><padding>  <summary>" on a line of its own, under the table.
    const std::string summary(explain::explain(type).summary);
    bool found = false;
    std::size_t start = 0;
    for (std::size_t end; (end = run.out.find('\n', start)) != std::string::npos; start = end + 1) {
      const std::string_view line(run.out.data() + start, end - start);
      found =
          found || (line.starts_with("  " + std::string(type) + " ") && line.ends_with(summary));
    }
    EXPECT_TRUE(found) << type << "\n" << run.out;
  }
  EXPECT_NE(run.out.find("webshield explain TYPE"), std::string::npos);
}

TEST_F(SummaryExplained, CsvUnchanged) {
  const CliRun run = run_webshield({"summary", "--db", db_, "--by", "type", "--csv"}, "", false);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(run.out.starts_with("policy_domain,result_type,failed_sessions\n")) << run.out;
  EXPECT_EQ(run.out.find("explain"), std::string::npos);
}

}  // namespace
}  // namespace webshield
