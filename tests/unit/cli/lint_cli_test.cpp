// Runs the real `webshield` binary: exit status, human output and the --json shape.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "unit/cli/cli_support.hpp"

namespace webshield {
namespace {

using test::CliRun;

CliRun webshield(std::initializer_list<std::string_view> args, std::string_view input = "") {
  return test::run_webshield(args, input);
}

TEST(LintCli, ExitStatusFollowsTheVerdict) {
  EXPECT_EQ(webshield({"lint", "tlsrpt", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"}).status, 0);
  EXPECT_EQ(webshield({"lint", "tlsrpt", "v=TLSRPTv1; rua=https://r.example.com/x"}).status, 1);
  EXPECT_EQ(webshield({"lint", "tlsrpt", "v=TLSRPTv1; rua=mailto:a@b.example!10m"}).status, 2);
  EXPECT_EQ(webshield({"lint", "tlsrpt", "v=spf1 -all"}).status, 2);
  EXPECT_EQ(webshield({"lint", "mta-sts", "v=STSv1; id=20240501"}).status, 0);
  EXPECT_EQ(webshield({"lint", "mta-sts", "v=STSv1 ; id=20240501"}).status, 1);
  EXPECT_EQ(webshield({"lint", "mta-sts", "v=STSv1; id=2024-05-01"}).status, 2);
}

TEST(LintCli, BadUsageExits64) {
  EXPECT_EQ(webshield({}).status, 64);
  EXPECT_EQ(webshield({"lint"}).status, 64);
  EXPECT_EQ(webshield({"lint", "tlsrpt"}).status, 64);
  EXPECT_EQ(webshield({"lint", "dmarc", "x"}).status, 64);
  EXPECT_EQ(webshield({"lint", "policy", "/nonexistent/policy.txt"}).status, 64);
  EXPECT_EQ(webshield({"lint", "tlsrpt", "--frobnicate", "x"}).status, 64);
  EXPECT_EQ(webshield({"--help"}).status, 0);
}

TEST(LintCli, HumanOutputPutsSeverityFirst) {
  const CliRun run = webshield({"lint", "tlsrpt", "v=TLSRPTv1; RUA=mailto:a@example.com"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.out.find("\nerror   tlsrpt.rua_missing: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\ninfo    tlsrpt.extension_unknown: "), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find('\033'), std::string::npos) << "no colour without a terminal";
}

TEST(LintCli, SeveralArgumentsAreTheStringsOfOneRecord) {
  const CliRun run = webshield({"lint", "tlsrpt", "v=TLSRPTv1; rua=mai", "lto:a@example.com"});
  EXPECT_EQ(run.status, 0) << run.out;
}

TEST(LintCli, JsonShape) {
  const CliRun run =
      webshield({"lint", "tlsrpt", "--json", "v=TLSRPTv1; rua=mailto:a@example.com?subject=x"});
  EXPECT_EQ(run.status, 1);
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["kind"], "tlsrpt");
  EXPECT_EQ(j["status"], "valid");
  EXPECT_EQ(j["verdict"], "warn");
  EXPECT_EQ(j["selected"], 0);
  EXPECT_EQ(j["record"]["rua"][0]["scheme"], "mailto");
  EXPECT_EQ(j["record"]["rua"][0]["mailboxes"][0], "a@example.com");
  ASSERT_EQ(j["findings"].size(), 1U);
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["code"], "tlsrpt.rua_mailto_hfields");
  EXPECT_EQ(f["severity"], "warning");
  EXPECT_EQ(f["ref"], "RFC 8460 §3");
  EXPECT_EQ(f["subject"], "mailto:a@example.com?subject=x");
  EXPECT_TRUE(f["message"].is_string());
}

TEST(LintCli, StandardInputIsAnRrsetInDigFormat) {
  const CliRun run = webshield({"lint", "mta-sts", "--json", "-"},
                               "\"v=spf1 -all\"\n"
                               "_mta-sts.example.com. 300 IN TXT \"v=STSv1; id=1\"\n"
                               "\"v=STSv1; \" \"id=2\"\n");
  EXPECT_EQ(run.status, 2);
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["status"], "multiple");
  EXPECT_EQ(j["records"].size(), 3U);
  EXPECT_EQ(j["records"][2], "v=STSv1; id=2");
  EXPECT_EQ(j["findings"][0]["code"], "mta_sts.multiple_records");

  const CliRun broken = webshield({"lint", "tlsrpt", "-"}, "\"unterminated\n");
  EXPECT_EQ(broken.status, 64);
  EXPECT_NE(broken.out.find("line 1"), std::string::npos) << broken.out;
}

TEST(LintCli, PolicyIsReadAsBytes) {
  const std::string crlf =
      "version: STSv1\r\nmode: enforce\r\nmax_age: 604800\r\nmx: mx.example.com\r\n";
  const CliRun ok = webshield({"lint", "policy", "-"}, crlf);
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("mode enforce, max_age 604800, 1 mx pattern(s)"), std::string::npos);

  const CliRun bom = webshield({"lint", "policy", "--json", "-"}, "\xEF\xBB\xBF" + crlf);
  EXPECT_EQ(bom.status, 2);
  const auto j = nlohmann::json::parse(bom.out);
  EXPECT_EQ(j["status"], "malformed");
  EXPECT_EQ(j["findings"][0]["code"], "mta_sts.policy_bom");
  EXPECT_TRUE(j["policy"].is_null());

  const CliRun blank = webshield({"lint", "policy", "-"}, crlf + "\r\n");
  EXPECT_EQ(blank.status, 2);
  EXPECT_NE(blank.out.find("mta_sts.policy_blank_line"), std::string::npos);

  const std::string path =
      ::testing::TempDir() + "webshield_policy_" + std::to_string(getpid()) + ".txt";
  std::ofstream(path, std::ios::binary) << "version: STSv1\nmode: testing\nmax_age: 86400\nmx: "
                                           "*.example.com\n";
  const CliRun file = webshield({"lint", "policy", "--json", path});
  EXPECT_EQ(file.status, 1);
  const auto p = nlohmann::json::parse(file.out);
  EXPECT_EQ(p["policy"]["mode"], "testing");
  EXPECT_EQ(p["policy"]["mx"][0], "*.example.com");
  EXPECT_EQ(p["findings"][0]["code"], "mta_sts.mode_testing");
}

TEST(LintCli, ConfigPrintShowsTheLimits) {
  const CliRun run = webshield({"config", "--print"});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("policy_bytes = 65536"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace webshield
