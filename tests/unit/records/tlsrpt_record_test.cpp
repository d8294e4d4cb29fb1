#include "records/tlsrpt_record.hpp"

#include <gtest/gtest.h>

#include "cases/record_cases.hpp"
#include "unit/test_support.hpp"

namespace webshield::records {
namespace {

TEST(TlsRptRecord, EachBadCaseProducesItsCode) {
  for (const cases::Bad& c : cases::kTlsRptBad) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const TlsRptParse r = parse_tlsrpt_record(c.text);
    EXPECT_EQ(to_string(r.kind), to_string(c.kind));
    EXPECT_TRUE(has_code(r.findings, c.code));
    test::expect_documented(r.findings);
  }
}

TEST(TlsRptRecord, GoodCasesAreValidAndClean) {
  for (const cases::Good& c : cases::kTlsRptGood) {
    SCOPED_TRACE(std::string(c.why) + ": " + std::string(c.text));
    const TlsRptParse r = parse_tlsrpt_record(c.text);
    EXPECT_EQ(r.kind, Recognized::yes);
    ASSERT_TRUE(r.record.has_value());
    EXPECT_FALSE(r.record->rua.empty());
    EXPECT_EQ(verdict_of(r.findings), Verdict::pass);
  }
}

TEST(TlsRptRecord, CanonicalFormParsesToTheSameRecord) {
  for (const cases::Good& c : cases::kTlsRptGood) {
    SCOPED_TRACE(c.text);
    const TlsRptParse first = parse_tlsrpt_record(c.text);
    ASSERT_TRUE(first.record.has_value());
    const std::string canonical = format_tlsrpt_record(*first.record);
    const TlsRptParse second = parse_tlsrpt_record(canonical);
    EXPECT_EQ(second.kind, Recognized::yes) << canonical;
    EXPECT_EQ(second.record, first.record) << canonical;
  }
}

TEST(TlsRptRecord, OtherTextIsNotATlsRptRecord) {
  for (std::string_view text : {"", "v=spf1 -all", "v=DMARC1; p=reject", "hello world",
                                "v=STSv1; id=1", "v=TLSRPT; rua=mailto:a@example.com"}) {
    SCOPED_TRACE(text);
    const TlsRptParse r = parse_tlsrpt_record(text);
    EXPECT_EQ(r.kind, Recognized::no);
    EXPECT_TRUE(r.findings.empty());
  }
}

TEST(TlsRptRecord, ReadsEveryDestination) {
  const TlsRptParse r = parse_tlsrpt_record(
      "v=TLSRPTv1; rua=mailto:TLS-Reports@Example.COM,https://reports.example.net:8443/in?d=1; "
      "rua=mailto:b@example.org");
  ASSERT_EQ(r.kind, Recognized::yes);
  ASSERT_EQ(r.record->rua.size(), 3U);
  const RuaUri& mail = r.record->rua[0];
  EXPECT_EQ(mail.scheme, RuaScheme::mailto);
  ASSERT_TRUE(mail.mailto.has_value());
  EXPECT_EQ(mail.mailto->to.at(0).local_part, "TLS-Reports");
  EXPECT_EQ(mail.mailto->to.at(0).domain, "example.com");
  const RuaUri& web = r.record->rua[1];
  ASSERT_TRUE(web.https.has_value());
  EXPECT_EQ(web.https->host, "reports.example.net");
  EXPECT_EQ(web.https->port, 8443);
  EXPECT_EQ(web.https->path, "/in?d=1");
  EXPECT_EQ(r.record->rua[2].text, "mailto:b@example.org");
}

TEST(TlsRptRecord, MessagesGiveTheByteOffset) {
  const std::string text = "v=TLSRPTv1; rua=mailto:a@example.com!10m";
  const TlsRptParse r = parse_tlsrpt_record(text);
  ASSERT_EQ(r.findings.size(), 1U);
  EXPECT_EQ(r.findings[0].code, "tlsrpt.rua_unencoded_char");
  EXPECT_NE(r.findings[0].message.find("byte " + std::to_string(text.find('!'))), std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].ref, "RFC 8460 §3");
}

TEST(TlsRptRecord, UnusableDestinationDoesNotHideTheOthers) {
  const TlsRptParse r =
      parse_tlsrpt_record("v=TLSRPTv1; rua=http://r.example.com/, mailto:a@example.com");
  EXPECT_EQ(r.kind, Recognized::yes);
  ASSERT_EQ(r.record->rua.size(), 2U);
  EXPECT_EQ(r.record->rua[0].scheme, RuaScheme::other);
  EXPECT_TRUE(has_code(r.findings, "tlsrpt.rua_scheme_unsupported"));
  EXPECT_FALSE(has_code(r.findings, "tlsrpt.https_only"));
}

TEST(TlsRptRecord, RecordOverTheLimitIsRefused) {
  const std::string text = "v=TLSRPTv1; rua=mailto:a@example.com; x=" + std::string(5000, 'a');
  const TlsRptParse r = parse_tlsrpt_record(text);
  EXPECT_EQ(r.kind, Recognized::malformed);
  EXPECT_TRUE(has_code(r.findings, "tlsrpt.syntax"));
  EXPECT_EQ(parse_tlsrpt_record(std::string(5000, 'x')).kind, Recognized::no);
}

TEST(TlsRptRecord, DestinationsAreBounded) {
  std::string text = "v=TLSRPTv1; rua=mailto:a@example.com";
  for (int i = 0; i < 100; ++i)
    text += ",mailto:a" + std::to_string(i) + "@example.com";
  const Limits limits;
  const TlsRptParse r = parse_tlsrpt_record(text, limits);
  EXPECT_EQ(r.kind, Recognized::malformed);
  ASSERT_TRUE(r.record.has_value());
  EXPECT_EQ(r.record->rua.size(), limits.rua_uris);
  EXPECT_TRUE(has_code(r.findings, "tlsrpt.syntax"));
}

TEST(TlsRptRecord, MisplacedVersionStillReportsTheRest) {
  const TlsRptParse r = parse_tlsrpt_record("rua=mailto:a@@example.com; v=TLSRPTv1");
  EXPECT_EQ(r.kind, Recognized::malformed);
  EXPECT_TRUE(has_code(r.findings, "tlsrpt.version_not_first"));
  EXPECT_TRUE(has_code(r.findings, "tlsrpt.rua_mailto_invalid"));
  EXPECT_FALSE(has_code(r.findings, "tlsrpt.extension_unknown"));
}

}  // namespace
}  // namespace webshield::records
