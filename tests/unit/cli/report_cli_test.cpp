// Runs the real `webshield report parse`: every fixture, content sniffing, JSON Lines, exit
// status and the refusal message.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "unit/cli/cli_support.hpp"
#include "unit/mail/dkim_signer.hpp"

namespace webshield {
namespace {

std::string fixture(std::string_view name) {
  return std::string(WEBSHIELD_SOURCE_DIR) + "/tests/fixtures/reports/" + std::string(name);
}

using test::CliRun;

CliRun webshield(std::initializer_list<std::string> args, std::string_view input = "",
                 bool merge = false) {
  return test::run_webshield(std::vector<std::string_view>(args.begin(), args.end()), input, merge);
}

TEST(ReportCli, EveryFixtureParsesAsJsonLines) {
  const char* files[] = {"mail-auth/rpt01.eml",
                         "mail-auth/rpt01.json",
                         "mail-auth/rpt02.eml",
                         "mail-auth/rpt02.json",
                         "mail-auth/rpt03.json",
                         "mox/example.eml",
                         "mox/microsoft.eml",
                         "mta-sts-exporter/google.json",
                         "mta-sts-exporter/microsoft-2.json",
                         "mta-sts-exporter/microsoft.json",
                         "mta-sts-exporter/rfc-errata-6241.json",
                         "mta-sts-exporter/rfc.json",
                         "parsedmarc/google.com_smtp_tls_report.eml",
                         "parsedmarc/mail.ru.json",
                         "parsedmarc/rfc8460.json",
                         "parsedmarc/smtp_tls.json",
                         "tlsrpt-be/report-2.json",
                         "tlsrpt-be/report.json",
                         "tlsrpt-be/test.eml",
                         "tlsrpt-be/testing.json"};
  for (const char* f : files) {
    SCOPED_TRACE(f);
    const CliRun run = webshield({"report", "parse", "--json", "--no-dkim", fixture(f)});
    EXPECT_EQ(run.status, 0) << run.out;
    const auto j = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << run.out;
    EXPECT_TRUE(j.contains("organization_name"));
  }
}

TEST(ReportCli, MailSourceAndUtcDates) {
  const CliRun run =
      webshield({"report", "parse", "--json", "--no-dkim", fixture("mox/microsoft.eml")});
  ASSERT_EQ(run.status, 0);
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["date_range"]["start"], "2023-01-10T00:00:00Z");
  EXPECT_EQ(j["source"]["transport"], "mail");
  EXPECT_EQ(j["source"]["submitter"], "microsoft.com");
  EXPECT_EQ(j["warnings"].size(), 2u);
}

TEST(ReportCli, SeveralFilesGiveOneLineEachAndStdinWorks) {
  const CliRun run =
      webshield({"report", "parse", "--json", "--no-dkim", fixture("mail-auth/rpt01.json"), "-",
                 fixture("mox/example.eml")},
                "{\"organization-name\":\"O\",\"date-range\":{\"start-datetime\":"
                "\"2024-01-01T00:00:00Z\",\"end-datetime\":\"2024-01-02T00:00:00Z\"},"
                "\"report-id\":\"r\",\"policies\":[]}");
  EXPECT_EQ(run.status, 0) << run.out;
  std::istringstream lines(run.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n)
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
  EXPECT_EQ(n, 3);
}

TEST(ReportCli, SummaryShowsCountsByResultType) {
  const CliRun run = webshield({"report", "parse", fixture("mail-auth/rpt01.json")});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("5326 successful, 303 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("starttls-not-supported"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("sending IPs: "), std::string::npos) << run.out;
}

TEST(ReportCli, RefusalExits2AndSaysWhichAndWhy) {
  const CliRun run = webshield({"report", "parse", fixture("mail-auth/rpt01.json"), "-"},
                               "{\"policies\": []}", true);
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.out.find("webshield: (stdin): refused: $: not a TLS-RPT report: "
                         "organization-name missing"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Company-X"), std::string::npos) << "the good file is still printed";
  EXPECT_EQ(webshield({"report", "parse", "/nonexistent/report.json"}).status, 2);
}

TEST(ReportCli, BadUsageExits64) {
  EXPECT_EQ(webshield({"report"}).status, 64);
  EXPECT_EQ(webshield({"report", "parse"}).status, 64);
  EXPECT_EQ(webshield({"report", "parse", "--frobnicate", "x"}).status, 64);
}

// A file under the test temp dir, unique to this process (ctest runs tests in parallel).
std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path =
      ::testing::TempDir() + "webshield_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ReportCli, DkimKeysFileVerifiesReportMail) {
  const std::string mail = test::dkim_sign_message(test::dkim_test_report_mail());
  ASSERT_FALSE(mail.empty());
  const std::string keys = write_temp(
      "keys.txt", "# test key\ns1._domainkey.reporter.example " + test::dkim_test_key().txt + "\n");
  const std::string good = write_temp("good.eml", mail);
  std::string changed = mail;
  changed.replace(changed.find("This is a TLS report."), 21, "This is a TLS reporT.");
  const std::string bad = write_temp("bad.eml", changed);

  CliRun run = webshield({"report", "parse", "--json", "--dkim-keys", keys, good});
  ASSERT_EQ(run.status, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["source"]["dkim"], "pass") << run.out;
  EXPECT_EQ(j["source"]["dkim_domain"], "reporter.example");
  EXPECT_EQ(j["source"]["dkim_aligned"], true);

  run = webshield({"report", "parse", "--json", "--dkim-keys", keys, bad});
  ASSERT_EQ(run.status, 0) << run.out;
  j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["source"]["dkim"], "fail") << run.out;
  EXPECT_EQ(j["source"]["dkim_aligned"], false);

  run = webshield({"report", "parse", "--dkim-keys", keys, good});
  EXPECT_NE(run.out.find("DKIM pass (d=reporter.example), aligned"), std::string::npos) << run.out;
  run = webshield({"report", "parse", "--dkim-keys", keys, bad});
  EXPECT_NE(run.out.find("DKIM fail (d=reporter.example): body hash mismatch"), std::string::npos)
      << run.out;

  // Without a key file the key comes from DNS; a resolver that does not answer is a temporary
  // error, never a pass.
  run =
      webshield({"report", "parse", "--json", "--resolver", "127.0.0.1:9", "--timeout", "1", good});
  j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["source"]["dkim"], "temperror") << run.out;
  EXPECT_NE(j["source"]["dkim_reason"].get<std::string>().find("s1._domainkey.reporter.example"),
            std::string::npos);

  run = webshield({"report", "parse", "--json", "--no-dkim", good});
  j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["source"]["dkim"], "skipped");

  EXPECT_EQ(
      webshield({"report", "parse", "--dkim-keys", write_temp("bad-keys.txt", "nonsense\n"), good})
          .status,
      2);
  for (const std::string& f : {keys, good, bad})
    std::remove(f.c_str());
}

}  // namespace
}  // namespace webshield
