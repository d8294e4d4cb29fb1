// DKIM verification of report mail (RFC 8460 §5.3, RFC 6376): messages signed at test time by
// libopendkim with a key made at test time, keys served from a map, and each refusal rule.
#include "mail/dkim.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/mail/dkim_signer.hpp"

namespace webshield::mail {
namespace {

MapKeyLookup keys() {
  MapKeyLookup k;
  k.add("s1._domainkey.reporter.example", test::dkim_test_key().txt);
  return k;
}

// The resolver timed out, or SERVFAIL: a later try might succeed.
class FailingLookup final : public KeyLookup {
 public:
  Result<std::string> key_record(std::string_view, std::string_view) const override {
    return fail("SERVFAIL");
  }
};

std::string signed_mail(const test::SignSpec& spec = {}) {
  std::string m = test::dkim_sign_message(test::dkim_test_report_mail(), spec);
  EXPECT_FALSE(m.empty()) << "signing failed";
  return m;
}

void replace_once(std::string& s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

TEST(Dkim, SignedReportPassesAndAlignsWithSubmitter) {
  const DkimResult r = verify_dkim(signed_mail(), keys(), {"reporter.example"});
  EXPECT_EQ(r.result, "pass") << r.reason;
  EXPECT_EQ(r.domain, "reporter.example");
  EXPECT_TRUE(r.aligned);
}

TEST(Dkim, PassWithoutAlignmentWhenSignerIsAnotherDomain) {
  const DkimResult r = verify_dkim(signed_mail(), keys(), {"submitter.example"});
  EXPECT_EQ(r.result, "pass") << r.reason;
  EXPECT_FALSE(r.aligned);
}

TEST(Dkim, BareLfLineEndsVerifyToo) {
  std::string m = signed_mail();
  std::string lf;
  for (std::size_t i = 0; i < m.size(); ++i)
    if (!(m[i] == '\r' && i + 1 < m.size() && m[i + 1] == '\n')) lf += m[i];
  EXPECT_EQ(verify_dkim(lf, keys()).result, "pass");
}

TEST(Dkim, OneChangedBodyByteFails) {
  std::string m = signed_mail();
  replace_once(m, "This is a TLS report.", "This is a TLS reporT.");
  const DkimResult r = verify_dkim(m, keys(), {"reporter.example"});
  EXPECT_EQ(r.result, "fail");
  EXPECT_NE(r.reason.find("body hash"), std::string::npos) << r.reason;
  EXPECT_FALSE(r.aligned);
}

TEST(Dkim, ChangedSignedHeaderFails) {
  std::string m = signed_mail();
  replace_once(m, "TLS-Report-Domain: example.net", "TLS-Report-Domain: example.org");
  EXPECT_EQ(verify_dkim(m, keys()).result, "fail");
}

TEST(Dkim, UnsignedMailIsNone) {
  const DkimResult r = verify_dkim(test::dkim_test_report_mail(), keys());
  EXPECT_EQ(r.result, "none");
  EXPECT_FALSE(r.domain);
}

TEST(Dkim, FailedKeyLookupIsTemperror) {
  const DkimResult r = verify_dkim(signed_mail(), FailingLookup{});
  EXPECT_EQ(r.result, "temperror");
  EXPECT_NE(r.reason.find("SERVFAIL"), std::string::npos) << r.reason;
  EXPECT_EQ(r.domain, "reporter.example");
}

TEST(Dkim, MissingKeyIsPermerror) {
  const DkimResult r = verify_dkim(signed_mail(), MapKeyLookup{});
  EXPECT_EQ(r.result, "permerror") << r.reason;
}

TEST(Dkim, BodyLengthLimitIsRefused) {
  test::SignSpec spec;
  spec.body_length = true;
  std::string m = signed_mail(spec);
  ASSERT_NE(m.find("l="), std::string::npos);
  DkimResult r = verify_dkim(m, keys(), {"reporter.example"});
  EXPECT_EQ(r.result, "policy") << r.reason;
  EXPECT_NE(r.reason.find("l="), std::string::npos);
  EXPECT_FALSE(r.aligned);
  // What l= allows: text appended after the signed length still verifies in the library.
  m += "Appended: not signed\r\n";
  r = verify_dkim(m, keys());
  EXPECT_EQ(r.result, "policy") << r.reason;
}

TEST(Dkim, RsaSha1IsRefused) {
  test::SignSpec spec;
  spec.alg = DKIM_SIGN_RSASHA1;
  const std::string m = signed_mail(spec);
  ASSERT_NE(m.find("a=rsa-sha1"), std::string::npos);
  const DkimResult r = verify_dkim(m, keys(), {"reporter.example"});
  EXPECT_EQ(r.result, "policy") << r.reason;
  EXPECT_NE(r.reason.find("rsa-sha1"), std::string::npos);
}

TEST(Dkim, PassingSignatureWinsOverABrokenOne) {
  test::SignSpec other;
  other.selector = "gone";
  // Signed twice: the outer signature's key is missing, the inner one verifies.
  const std::string m = test::dkim_sign_message(signed_mail(), other);
  ASSERT_FALSE(m.empty());
  const DkimResult r = verify_dkim(m, keys(), {"reporter.example"});
  EXPECT_EQ(r.result, "pass") << r.reason;
  EXPECT_TRUE(r.aligned);
}

// Fails only for one selector: the other signature is still verified.
class OneSelectorFails final : public KeyLookup {
 public:
  Result<std::string> key_record(std::string_view selector,
                                 std::string_view domain) const override {
    if (selector == "flaky") return fail("time-out");
    return keys().key_record(selector, domain);
  }
};

TEST(Dkim, FailedLookupOfOneSignatureDoesNotHideAPass) {
  test::SignSpec flaky;
  flaky.selector = "flaky";
  const std::string m = test::dkim_sign_message(signed_mail(), flaky);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(verify_dkim(m, OneSelectorFails{}).result, "pass");
  EXPECT_EQ(verify_dkim(m, FailingLookup{}).result, "temperror");
}

TEST(Dkim, TooManySignaturesAreRefused) {
  const std::string m = signed_mail();
  const std::string field = m.substr(0, m.find("\r\nFrom:") + 2);
  Limits limits;
  std::string at_limit = m;
  for (std::size_t i = 1; i < limits.dkim_signatures; ++i)
    at_limit = field + at_limit;
  EXPECT_EQ(verify_dkim(at_limit, keys(), {}, limits).result, "pass");
  const DkimResult r = verify_dkim(field + at_limit, keys(), {}, limits);
  EXPECT_EQ(r.result, "permerror");
  EXPECT_NE(r.reason.find("dkim_signatures"), std::string::npos) << r.reason;
}

TEST(Dkim, GarbageNeverCrashes) {
  const char* inputs[] = {
      "",
      "\r\n\r\n",
      "DKIM-Signature:\r\n\r\n",
      "DKIM-Signature: v=1; a=rsa-sha256; d=; s=; b=; bh=\r\n\r\nbody\r\n",
      ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed; d=reporter.example; s=s1; h=from; "
       "bh=AAAA; b=AAAA\r\nFrom: x\r\n\r\nbody"),
      "DKIM-Signature: \x01\x02\xff\r\n continued\r\nno colon line\r\n\r\n",
      "dkim-signature : v=1; l=99999999999999999999; d=reporter.example; s=s1\r\n\r\n",
  };
  for (const char* in : inputs) {
    SCOPED_TRACE(in);
    const DkimResult r = verify_dkim(in, keys());
    EXPECT_NE(r.result, "pass");
    EXPECT_FALSE(r.result.empty());
  }
}

TEST(Dkim, AlignmentIsEqualOrParentDomain) {
  const struct {
    const char* d;
    const char* candidate;
    bool aligned;
  } cases[] = {
      {"google.com", "google.com", true},
      {"Google.COM.", "google.com", true},
      {"google.com", "mail.google.com", true},
      {"mail.google.com", "google.com", false},
      {"google.com", "notgoogle.com", false},
      {"com", "google.com", true},
      {"", "google.com", false},
      {"google.com", "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.d) + " / " + c.candidate);
    EXPECT_EQ(dkim_domain_aligns(c.d, c.candidate), c.aligned);
  }
}

TEST(Dkim, KeyFileLines) {
  auto k = parse_key_file(
      "# keys\n"
      "\n"
      "S1._domainkey.Reporter.Example. v=DKIM1; p=AB\n"
      "s2._domainkey.reporter.example \"v=DKIM1; \" \"p=CD\"\n");
  ASSERT_TRUE(k) << k.error().describe();
  EXPECT_EQ(k->key_record("s1", "reporter.example").value(), "v=DKIM1; p=AB");
  EXPECT_EQ(k->key_record("s2", "REPORTER.example").value(), "v=DKIM1; p=CD");
  EXPECT_EQ(k->key_record("s3", "reporter.example").value(), "");
  EXPECT_FALSE(parse_key_file("s1._domainkey.reporter.example\n"));
  EXPECT_FALSE(parse_key_file("reporter.example v=DKIM1; p=AB\n"));
}

}  // namespace
}  // namespace webshield::mail
