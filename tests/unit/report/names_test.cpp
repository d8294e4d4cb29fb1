// RFC 8460 §5.1 file names and §5.3 subjects, and RFC 3339 times.
#include "report/names.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace webshield::report {
namespace {

TEST(ReportFileName, ReadsTheParts) {
  auto f = parse_report_file_name("google.com!test.xmox.nl!1663200000!1663286399!001.json.gz");
  ASSERT_TRUE(f) << f.error().describe();
  EXPECT_EQ(f->sender, "google.com");
  EXPECT_EQ(f->policy_domain, "test.xmox.nl");
  EXPECT_EQ(f->begin, 1663200000);
  EXPECT_EQ(f->end, 1663286399);
  EXPECT_EQ(f->unique_id, "001");
  EXPECT_TRUE(f->gzip);
  f = parse_report_file_name("mail.sender.example!example.com!1013662812!1013749130.json");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->unique_id);
  EXPECT_FALSE(f->gzip);
}

TEST(ReportFileName, RefusesOtherNames) {
  for (const char* name : {"report.json", "a!b!1!2.zip", "a!b!x!2.json", "a!b!1!2!u!v.json",
                           "!b!1!2.json", "a!b!1!2!.json", "a!b!-1!2.json"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(parse_report_file_name(name));
  }
}

TEST(ReportSubject, GoogleMicrosoftAndRfc) {
  auto s = parse_report_subject(
      "Report Domain: test.xmox.nl Submitter: google.com Report-ID: "
      "<2022.09.15T00.00.00Z+test.xmox.nl@google.com>");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->report_domain, "test.xmox.nl");
  EXPECT_EQ(s->submitter, "google.com");
  EXPECT_EQ(s->report_id, "2022.09.15T00.00.00Z+test.xmox.nl@google.com");
  // Microsoft: folded, no angle brackets, no '@'.
  s = parse_report_subject(
      "Report Domain: test.xmox.nl Submitter: microsoft.com Report-ID:\r\n "
      "133198585438131172+test.xmox.nl");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->report_id, "133198585438131172+test.xmox.nl");
  s = parse_report_subject("Report Domain: example.net");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->submitter);
  EXPECT_FALSE(parse_report_subject("Weekly newsletter"));
  EXPECT_FALSE(parse_report_subject("Report Domain: a Submitter:"));
}

TEST(Rfc3339, ReadsIntoUtc) {
  const std::pair<const char*, const char*> good[] = {
      {"2024-09-15T00:00:00Z", "2024-09-15T00:00:00Z"},
      {"2024-09-15t00:00:00z", "2024-09-15T00:00:00Z"},
      {"2024-09-15T02:30:00+02:30", "2024-09-15T00:00:00Z"},
      {"2024-09-14T23:00:00-01:00", "2024-09-15T00:00:00Z"},
      {"2024-03-26T00:00:00", "2024-03-26T00:00:00Z"},
      {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},
      {"2024-02-29T12:00:00.123456Z", "2024-02-29T12:00:00Z"},
      {"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
  };
  for (auto [in, out] : good) {
    SCOPED_TRACE(in);
    const auto t = parse_rfc3339(in);
    ASSERT_TRUE(t) << t.error().describe();
    EXPECT_EQ(format_utc(t->utc), out);
  }
  EXPECT_FALSE(parse_rfc3339("2024-03-26T00:00:00")->had_zone);
  for (const char* bad :
       {"", "2024-09-15", "2023-02-29T00:00:00Z", "2024-09-15T24:00:00Z",
        "2024-09-15T00:00:00+2:00", "2024-09-15T00:00:00 Z", "2024-09-15T00:00:00.Z",
        "0000-01-01T00:00:00Z", "2024-13-01T00:00:00Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_rfc3339(bad));
  }
}

}  // namespace
}  // namespace webshield::report
