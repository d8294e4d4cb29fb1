// Report mail: the report part of every fixture, the variants of REPORTS.md, and mail that is
// not a TLS report.
#include "mail/extract.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "codec/decode.hpp"
#include "report/parse.hpp"
#include "unit/test_support.hpp"

namespace webshield::mail {
namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(WEBSHIELD_SOURCE_DIR) + "/tests/fixtures/reports/" + name);
}

Result<report::Report> report_of(const MailReport& m) {
  auto d = codec::decode_report(m.attachment);
  if (!d) return std::unexpected(d.error());
  return report::parse_report(d->bytes);
}

TEST(MailExtract, EveryFixtureMailCarriesItsReport) {
  struct Case {
    const char* file;
    const char* domain;
    const char* submitter;
    const char* content_type;
    const char* report_id;
  };
  const Case cases[] = {
      {"mox/example.eml", "test.xmox.nl", "google.com", "application/tlsrpt+gzip",
       "2022-09-15T00:00:00Z_test.xmox.nl"},
      {"mox/microsoft.eml", "test.xmox.nl", "microsoft.com", "application/tlsrpt+gzip",
       "133198585438131172+test.xmox.nl"},
      {"parsedmarc/google.com_smtp_tls_report.eml", "cardinalhealth.ca", "google.com",
       "application/tlsrpt+gzip", "2024-09-03T00:00:00Z_cardinalhealth.ca"},
      {"mail-auth/rpt01.eml", "example.net", "mail.sender.example.com", "application/tlsrpt+gzip",
       "5065427c-23d3-47ca-b6e0-946ea0e8c4be"},
      {"mail-auth/rpt02.eml", "example.net", "mail.sender.example.com", "application/tlsrpt",
       "2020-01-01T00:00:00Z_example.com"},
      {"tlsrpt-be/test.eml", "example.net", "mail.sender.example.com", "application/tlsrpt+gzip",
       "5065427c-23d3-47ca-b6e0-946ea0e8c4be"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const auto m = extract_report(fixture(c.file));
    ASSERT_TRUE(m) << m.error().describe();
    EXPECT_EQ(m->report_domain, c.domain);
    EXPECT_EQ(m->submitter, c.submitter);
    EXPECT_EQ(m->content_type, c.content_type);
    const auto r = report_of(*m);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->report_id, c.report_id);
  }
}

TEST(MailExtract, MissingClosingBoundaryIsAWarning) {
  // quirk: Mail.ru omits the closing boundary; the tlsrpt-be fixture has the same shape.
  const auto m = extract_report(fixture("tlsrpt-be/test.eml"));
  ASSERT_TRUE(m);
  EXPECT_NE(std::ranges::find(m->warnings, "MIME closing boundary missing"), m->warnings.end());
}

std::string mail(std::string_view top_type, std::string_view part_headers, std::string_view body,
                 std::string_view extra_headers =
                     "TLS-Report-Domain: example.com\r\n"
                     "TLS-Report-Submitter: mail.ru\r\n") {
  return std::string("From: r@mail.ru\r\nSubject: Report Domain: example.com\r\n")
         + std::string(extra_headers) + "MIME-Version: 1.0\r\nContent-Type: " + std::string(top_type)
         + "; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>report</p>\r\n--XX\r\n"
         + std::string(part_headers) + "\r\n" + std::string(body) + "\r\n--XX--\r\n";
}

constexpr std::string_view kJson =
    R"({"organization-name":"Mail.ru","date-range":{"start-datetime":"2024-02-22T00:00:00Z","end-datetime":"2024-02-23T00:00:00Z"},"contact-info":"tls_support@corp.mail.ru","report-id":"x@mail.ru","policies":[]})";

TEST(MailExtract, VariantsOfTheReportPart) {
  const std::pair<std::string, std::string_view> cases[] = {
      {"Content-Type: application/tlsrpt+json\r\n", "+json"},
      {"Content-Type: application/octet-stream; name=\"r.json\"\r\n", "octet-stream with a name"},
      {"Content-Type: application/json\r\n", "application/json"},
      {"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
       "filename=\"a!b!1!2.json\"\r\n",
       "octet-stream with a file name"},
  };
  for (const auto& [headers, why] : cases) {
    SCOPED_TRACE(why);
    const auto m = extract_report(mail("multipart/report; report-type=tlsrpt", headers, kJson));
    ASSERT_TRUE(m) << m.error().describe();
    EXPECT_EQ(m->attachment.substr(0, kJson.size()), kJson);
  }
}

TEST(MailExtract, MissingHeadersAndWrongTopTypeWarn) {
  const auto m = extract_report(
      mail("multipart/mixed", "Content-Type: application/tlsrpt+json\r\n", kJson, ""));
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->warnings.size(), 3u) << ::testing::PrintToString(m->warnings);
  EXPECT_FALSE(m->report_domain);
}

TEST(MailExtract, NotAReportSaysSo) {
  auto m = extract_report(mail("multipart/mixed", "Content-Type: text/plain\r\n", "hello"));
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("not a TLS report"), std::string::npos) << m.error().message;
  m = extract_report("just some words without any header");
  EXPECT_FALSE(m);
  Limits limits;
  limits.report_mail_bytes = 100;
  m = extract_report(fixture("mox/example.eml"), limits);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("report_mail_bytes"), std::string::npos);
  limits = {};
  limits.report_mail_parts = 2;
  m = extract_report(fixture("mox/example.eml"), limits);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("report_mail_parts"), std::string::npos);
}

}  // namespace
}  // namespace webshield::mail
