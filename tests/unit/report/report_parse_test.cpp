// The report parser against the REPORTS.md variations, the refusals, the limits and the real
// reports of tests/fixtures/reports/ (PROVENANCE.md says where each comes from).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cases/report_cases.hpp"
#include "report/parse.hpp"
#include "report/render.hpp"
#include "unit/test_support.hpp"

namespace webshield::report {
namespace {

bool has_warning(const Report& r, std::string_view text) {
  return std::ranges::any_of(
      r.warnings, [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

std::string fixture(const std::string& name) {
  return test::read_file(std::string(WEBSHIELD_SOURCE_DIR) + "/tests/fixtures/reports/" + name);
}

TEST(ReportParse, AcceptsEveryVariationWithItsWarning) {
  for (const cases::ReportVariation& c : cases::kReportVariations) {
    SCOPED_TRACE(c.why);
    const Result<Report> r = parse_report(c.json);
    ASSERT_TRUE(r.has_value()) << r.error().describe();
    if (c.warning.empty()) {
      EXPECT_TRUE(r->warnings.empty()) << r->warnings.front();
    } else {
      EXPECT_TRUE(has_warning(*r, c.warning)) << ::testing::PrintToString(r->warnings);
    }
  }
}

TEST(ReportParse, RefusesWhatCannotBeAReportAndSaysWhere) {
  for (const cases::ReportRefusal& c : cases::kReportRefusals) {
    SCOPED_TRACE(c.why);
    const Result<Report> r = parse_report(c.json);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().where.starts_with(c.where)) << r.error().describe();
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos) << r.error().describe();
  }
}

TEST(ReportParse, VariationsNormalise) {
  // Offsets are converted to UTC; the TLSA array held in a string is decoded.
  auto r = parse_report(cases::kReportVariations[2].json);
  ASSERT_TRUE(r);
  EXPECT_EQ(format_utc(r->date_range.start), "2024-09-15T00:00:00Z");
  EXPECT_EQ(format_utc(r->date_range.end), "2024-09-15T23:59:59Z");
  r = parse_report(cases::kReportVariations[5].json);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->policies.at(0).policy_strings,
            (std::vector<std::string>{"3 1 1 aabbcc", "3 1 1 ddeeff"}));
  EXPECT_EQ(r->policies.at(0).policy_type, PolicyType::tlsa);
  r = parse_report(cases::kReportVariations[15].json);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->policies.at(0).failure_details.at(0).receiving_mx_hostname, "mx.example.com");
  r = parse_report(cases::kReportVariations[14].json);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->policies.at(0).failure_details.at(0).result_type, ResultType::other);
  EXPECT_EQ(r->policies.at(0).failure_details.at(0).result_type_raw, "quantum-failure");
  r = parse_report(cases::kReportVariations[4].json);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->contact_info.has_value());
  EXPECT_FALSE(to_json(*r).contains("contact_info")) << "absent fields are omitted";
}

struct FixtureExpect {
  std::string_view file;
  std::string_view organization;
  std::string_view report_id;
  std::string_view start, end;
  std::uint64_t successes;                // of the first policy
  std::optional<std::uint64_t> failures;  // of the first policy
  std::size_t policies;
  std::size_t failure_details;             // of the first policy
  std::vector<std::string_view> warnings;  // substrings, all of them, and no other warning
};

TEST(ReportParse, RealReportsNormalise) {
  const FixtureExpect cases[] = {
      {"mta-sts-exporter/google.json",
       "Google Inc.",
       "2024-02-17T00:00:00Z_example.com",
       "2024-02-17T00:00:00Z",
       "2024-02-17T23:59:59Z",
       53,
       0,
       1,
       0,
       {}},
      {"mta-sts-exporter/microsoft.json",
       "Microsoft Corporation",
       "133526718584528772+example.com",
       "2024-02-16T00:00:00Z",
       "2024-02-16T23:59:59Z",
       18,
       0,
       1,
       0,
       {}},
      {"mta-sts-exporter/microsoft-2.json",
       "Microsoft Corporation",
       "133561180919336230+example.com",
       "2024-03-26T00:00:00Z",
       "2024-03-26T23:59:59Z",
       7,
       0,
       1,
       0,
       {"without time zone", "without time zone"}},
      {"mta-sts-exporter/rfc.json",
       "Company-X",
       "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
       "2016-04-01T00:00:00Z",
       "2016-04-01T23:59:59Z",
       5326,
       303,
       1,
       3,
       {"mx-host is a string"}},
      {"mta-sts-exporter/rfc-errata-6241.json",
       "Company-X",
       "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
       "2016-04-01T00:00:00Z",
       "2016-04-01T23:59:59Z",
       5326,
       303,
       1,
       3,
       {}},
      {"parsedmarc/mail.ru.json",
       "Mail.ru",
       "b28254de-7b2e-be36-bb5c-4c3b92da8b25@mail.ru",
       "2024-02-22T00:00:00Z",
       "2024-02-23T00:00:00Z",
       0,
       1,
       1,
       2,
       {"policy-string missing", "add up to 2 failed sessions"}},
      {"parsedmarc/smtp_tls.json",
       "Example Inc.",
       "2024-01-09T00:00:00Z_example.com",
       "2024-01-09T00:00:00Z",
       "2024-01-09T23:59:59Z",
       0,
       3,
       1,
       2,
       {}},
      {"parsedmarc/rfc8460.json",
       "Company-X",
       "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
       "2016-04-01T00:00:00Z",
       "2016-04-01T23:59:59Z",
       5326,
       303,
       1,
       3,
       {"mx-host is a string"}},
      {"mail-auth/rpt02.json",
       "Google Inc.",
       "2020-01-01T00:00:00Z_example.com",
       "2020-01-01T00:00:00Z",
       "2020-01-07T23:59:59Z",
       23,
       1,
       1,
       1,
       {}},
      {"mail-auth/rpt03.json",
       "Google Inc.",
       "2019-04-14T00:00:00Z_example.org",
       "2019-04-14T00:00:00Z",
       "2019-04-14T23:59:59Z",
       1,
       std::nullopt,
       2,
       0,
       {"policy-domain missing", "total-failure-session-count missing",
        "unknown policy-type \"invalid-policy-type\"", "policy-domain missing",
        "total-failure-session-count missing"}},
      {"tlsrpt-be/report.json",
       "Example Inc.",
       "report-id-from-report.json",
       "2025-08-04T00:00:00Z",
       "2025-08-04T23:59:59Z",
       99,
       102,
       1,
       0,
       {"102 failed sessions counted without failure-details"}},
      {"tlsrpt-be/report-2.json",
       "Example LLC.",
       "2025-08-04T00:00:00Z_example.org",
       "2025-08-04T00:00:00Z",
       "2025-08-04T23:59:59Z",
       13,
       0,
       1,
       0,
       {}},
  };
  for (const FixtureExpect& c : cases) {
    SCOPED_TRACE(c.file);
    const Result<Report> r = parse_report(fixture(std::string(c.file)));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->organization_name, c.organization);
    EXPECT_EQ(r->report_id, c.report_id);
    EXPECT_EQ(format_utc(r->date_range.start), c.start);
    EXPECT_EQ(format_utc(r->date_range.end), c.end);
    ASSERT_EQ(r->policies.size(), c.policies);
    EXPECT_EQ(r->policies[0].successful_sessions, c.successes);
    EXPECT_EQ(r->policies[0].failed_sessions, c.failures);
    EXPECT_EQ(r->policies[0].failure_details.size(), c.failure_details);
    ASSERT_EQ(r->warnings.size(), c.warnings.size()) << ::testing::PrintToString(r->warnings);
    for (std::size_t i = 0; i < c.warnings.size(); ++i)
      EXPECT_NE(r->warnings[i].find(c.warnings[i]), std::string::npos) << r->warnings[i];
  }
}

TEST(ReportParse, EveryJsonFixtureParses) {
  for (const char* f :
       {"mail-auth/rpt01.json", "mail-auth/rpt02.json", "mail-auth/rpt03.json",
        "mta-sts-exporter/google.json", "mta-sts-exporter/microsoft.json",
        "mta-sts-exporter/microsoft-2.json", "mta-sts-exporter/rfc.json",
        "mta-sts-exporter/rfc-errata-6241.json", "parsedmarc/mail.ru.json",
        "parsedmarc/rfc8460.json", "parsedmarc/smtp_tls.json", "tlsrpt-be/report.json",
        "tlsrpt-be/report-2.json", "tlsrpt-be/testing.json"}) {
    SCOPED_TRACE(f);
    const Result<Report> r = parse_report(fixture(f));
    EXPECT_TRUE(r) << r.error().describe();
  }
}

TEST(ReportParse, NormalisedJsonShape) {
  const Result<Report> r = parse_report(fixture("mail-auth/rpt01.json"));
  ASSERT_TRUE(r);
  const nlohmann::json j =
      to_json(*r, ReportSource{"mail", {}, {}, {}, "pass", "google.com", {}, true});
  EXPECT_EQ(j["date_range"]["start"], "2016-04-01T00:00:00Z");
  EXPECT_EQ(j["policies"][0]["policy_type"], "sts");
  EXPECT_EQ(j["policies"][0]["mx_hosts"][0], "*.mail.company-y.example");
  EXPECT_EQ(j["policies"][0]["failed_sessions"], 303);
  const auto& d = j["policies"][0]["failure_details"];
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0]["result_type"], "certificate-expired");
  EXPECT_FALSE(d[0].contains("receiving_ip")) << "absent fields are omitted";
  EXPECT_EQ(d[2]["failure_reason_code"], "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
  EXPECT_EQ(j["source"]["dkim_domain"], "google.com");
  EXPECT_EQ(j["source"]["dkim_aligned"], true);
  EXPECT_TRUE(j["warnings"].empty());
}

TEST(ReportParse, IdentityAndCanonicalHash) {
  const Result<Report> a = parse_report(fixture("mta-sts-exporter/rfc-errata-6241.json"));
  const Result<Report> b = parse_report(fixture("mail-auth/rpt01.json"));  // same, laid out again
  const Result<Report> c = parse_report(fixture("mta-sts-exporter/rfc.json"));  // mx-host string
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->identity(), b->identity());
  EXPECT_EQ(a->canonical_sha256, b->canonical_sha256);
  EXPECT_EQ(a->canonical_sha256.size(), 64u);
  EXPECT_EQ(a->identity(), c->identity());
  EXPECT_NE(a->canonical_sha256, c->canonical_sha256);
}

TEST(ReportParse, LimitsRefuseAndNameTheLimit) {
  const std::string two_policies =
      R"({"organization-name":"O","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"report-id":"r","policies":[{"summary":{"total-successful-session-count":1}},{"summary":{"total-successful-session-count":1},"failure-details":[{"result-type":"x","failed-session-count":1},{"result-type":"x","failed-session-count":1}]}]})";
  Limits limits;
  limits.report_policies = 1;
  auto r = parse_report(two_policies, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("report_policies"), std::string::npos);
  limits = {};
  limits.report_failure_details = 1;
  r = parse_report(two_policies, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("report_failure_details"), std::string::npos);
  limits = {};
  limits.report_string_bytes = 1;
  r = parse_report(two_policies, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("report_string_bytes"), std::string::npos);
  limits = {};
  limits.report_json_bytes = 10;
  r = parse_report(two_policies, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("report_json_bytes"), std::string::npos);
  limits = {};
  limits.report_warnings = 3;
  r = parse_report(two_policies, limits);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->warnings.size(), 3u);
  EXPECT_NE(r->warnings.back().find("report_warnings"), std::string::npos);
}

TEST(ReportParse, ParserIsReusable) {
  ReportParser parser;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(parser.parse(fixture("mail-auth/rpt01.json")));
    EXPECT_FALSE(parser.parse("[]"));
  }
}

}  // namespace
}  // namespace webshield::report
