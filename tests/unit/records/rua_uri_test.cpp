#include "records/rua_uri.hpp"

#include <gtest/gtest.h>

namespace webshield::records {
namespace {

TEST(RuaUri, MailtoDecodesAndSplitsAddresses) {
  const auto r = parse_mailto_uri("mailto:a%40b@example.com");
  EXPECT_EQ(r.kind, Recognized::malformed);  // "a@b@example.com" after decoding

  const auto two = parse_mailto_uri("mailto:a@example.com%2Cb@example.net");
  ASSERT_EQ(two.kind, Recognized::yes);
  ASSERT_EQ(two.value->to.size(), 2U);
  EXPECT_EQ(two.value->to[1].domain, "example.net");

  const auto hfields = parse_mailto_uri("mailto:a@example.com?subject=x");
  ASSERT_EQ(hfields.kind, Recognized::yes);
  EXPECT_EQ(hfields.value->hfields, "subject=x");
  ASSERT_EQ(hfields.findings.size(), 1U);
  EXPECT_EQ(hfields.findings[0].code, "tlsrpt.rua_mailto_hfields");
}

TEST(RuaUri, OtherSchemesAreNotThisKind) {
  EXPECT_EQ(parse_mailto_uri("https://example.com/").kind, Recognized::no);
  EXPECT_EQ(parse_https_uri("mailto:a@example.com").kind, Recognized::no);
  EXPECT_EQ(parse_https_uri("http://example.com/").kind, Recognized::no);
}

TEST(RuaUri, HttpsPartsAreRead) {
  struct Case {
    std::string_view text;
    std::string_view host;
    std::uint16_t port;
    std::string_view path;
  };
  const Case cases[] = {
      {"https://Reports.Example.com", "reports.example.com", 443, "/"},
      {"https://reports.example.com./tlsrpt", "reports.example.com", 443, "/tlsrpt"},
      {"https://reports.example.com:8443/a/b?x=1#f", "reports.example.com", 8443, "/a/b?x=1#f"},
      {"https://192.0.2.7/r", "192.0.2.7", 443, "/r"},
      {"https://[2001:DB8::7]:444", "2001:db8::7", 444, "/"},
      {"https://reports.example.com?x", "reports.example.com", 443, "/?x"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto r = parse_https_uri(c.text);
    ASSERT_EQ(r.kind, Recognized::yes) << (r.findings.empty() ? "" : r.findings[0].message);
    EXPECT_EQ(r.value->host, c.host);
    EXPECT_EQ(r.value->port, c.port);
    EXPECT_EQ(r.value->path, c.path);
  }
}

TEST(RuaUri, HttpsRefusalsSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"https://", "no host"},
      {"https:/x", "'//'"},
      {"https://h.example:0/", "port"},
      {"https://h.example:65536/", "port"},
      {"https://h.example:8x/", "port"},
      {"https://u:p@h.example/", "user information"},
      {"https://[::1/", "unterminated"},
      {"https://[::1]x/", "after the IPv6"},
      {"https://h.example/%zz", "%-escape"},
      {"https://h .example/", "percent-encoded"},
      {"https://-h.example/", "host"},
  };
  for (auto [text, reason] : cases) {
    SCOPED_TRACE(text);
    const auto r = parse_https_uri(text, 17);
    EXPECT_EQ(r.kind, Recognized::malformed);
    ASSERT_EQ(r.findings.size(), 1U);
    EXPECT_EQ(r.findings[0].code, "tlsrpt.rua_https_invalid");
    EXPECT_NE(r.findings[0].message.find(reason), std::string::npos) << r.findings[0].message;
    EXPECT_TRUE(r.findings[0].message.starts_with("byte 17: "));
  }
}

TEST(RuaUri, SchemeCaseIsAWarningOnly) {
  const auto r = parse_rua_uri("HTTPS://r.example.com/");
  EXPECT_EQ(r.kind, Recognized::yes);
  EXPECT_EQ(r.value->scheme, RuaScheme::https);
  ASSERT_EQ(r.findings.size(), 1U);
  EXPECT_EQ(r.findings[0].code, "tlsrpt.rua_scheme_case");
  EXPECT_EQ(r.findings[0].severity, Severity::warning);
}

}  // namespace
}  // namespace webshield::records
