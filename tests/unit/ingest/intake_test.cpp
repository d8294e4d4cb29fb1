// The intake step shared by `report parse`, `ingest` and `quarantine retry`: every real report
// of the corpus is read, what is not a report or is broken is refused with the right kind, and
// the DKIM policy keeps or refuses unauthenticated report mail.
#include "ingest/intake.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/mail/dkim_signer.hpp"
#include "unit/test_support.hpp"

namespace webshield::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(WEBSHIELD_SOURCE_DIR) / "tests" / "fixtures" / "reports";

class FailingLookup final : public mail::KeyLookup {
 public:
  Result<std::string> key_record(std::string_view, std::string_view) const override {
    return fail("timeout");
  }
};

TEST(Intake, EveryCorpusReportIsRead) {
  const Limits limits;
  Intake intake(limits, {.verify_dkim = false}, nullptr);
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
    const auto ext = entry.path().extension();
    if (ext != ".json" && ext != ".eml") continue;
    SCOPED_TRACE(entry.path().string());
    ++files;
    const std::string bytes = test::read_file(entry.path().string());
    auto parsed = intake.read(bytes, Kind::sniff);
    ASSERT_TRUE(parsed) << parsed.error().reason;
    EXPECT_FALSE(parsed->report.organization_name.empty());
    EXPECT_EQ(parsed->source.transport, ext == ".eml" ? "mail" : "file");
    if (ext == ".eml") {
      EXPECT_EQ(parsed->source.dkim, "skipped");
      // From a mailbox the same bytes are read as a mail too.
      auto as_mail = intake.read(bytes, Kind::mail);
      ASSERT_TRUE(as_mail);
      EXPECT_EQ(as_mail->report, parsed->report);
    }
  }
  EXPECT_EQ(files, 20u);
}

TEST(Intake, RefusalsSayWhatKind) {
  const Limits limits;
  Intake intake(limits, {.verify_dkim = false}, nullptr);
  const std::string report_mail = test::dkim_test_report_mail();
  std::string broken_part = report_mail;
  broken_part.replace(broken_part.find("{\"organization-name\""), 1, "[");
  const std::string plain_mail =
      "From: someone@example.net\r\nSubject: hello\r\n\r\nIs this the right address?\r\n";
  const struct {
    std::string bytes;
    Kind kind;
    Refusal want;
    std::string_view why;
  } cases[] = {
      {plain_mail, Kind::mail, Refusal::not_a_report, "an ordinary mail"},
      {plain_mail, Kind::sniff, Refusal::not_a_report, "an ordinary mail as a file"},
      {"hello world", Kind::sniff, Refusal::not_a_report, "text"},
      {"{\"organization-name\":\"x\"}", Kind::mail, Refusal::not_a_report,
       "JSON from a mailbox is no mail"},
      {"{\"organization-name\":\"x\"}", Kind::sniff, Refusal::malformed, "JSON missing fields"},
      {"\x1f\x8b\x08\x00garbage", Kind::sniff, Refusal::malformed, "corrupt gzip"},
      {broken_part, Kind::mail, Refusal::malformed, "report mail with broken JSON"},
      {std::string(limits.report_mail_bytes + 1, 'x'), Kind::mail, Refusal::too_large,
       "over report_mail_bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    auto r = intake.read(c.bytes, c.kind);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, c.want) << r.error().reason;
    EXPECT_FALSE(r.error().reason.empty());
  }
}

TEST(Intake, DkimKeepStoresUnauthenticatedMailMarked) {
  const Limits limits;
  mail::MapKeyLookup keys;
  keys.add("s1._domainkey.reporter.example", test::dkim_test_key().txt);
  Intake intake(limits, {.verify_dkim = true, .dkim_policy = DkimPolicy::keep}, &keys);
  auto unsigned_mail = intake.read(test::dkim_test_report_mail(), Kind::mail);
  ASSERT_TRUE(unsigned_mail) << unsigned_mail.error().reason;
  EXPECT_EQ(unsigned_mail->source.dkim, "none");
  EXPECT_EQ(unsigned_mail->source.dkim_aligned, false);
  auto signed_mail =
      intake.read(test::dkim_sign_message(test::dkim_test_report_mail()), Kind::mail);
  ASSERT_TRUE(signed_mail);
  EXPECT_EQ(signed_mail->source.dkim, "pass");
  EXPECT_EQ(signed_mail->source.dkim_aligned, true);
  EXPECT_EQ(signed_mail->source.dkim_domain, "reporter.example");
}

TEST(Intake, DkimRequireRefusesAllButAnAlignedPass) {
  const Limits limits;
  mail::MapKeyLookup keys;
  keys.add("s1._domainkey.reporter.example", test::dkim_test_key().txt);
  keys.add("s1._domainkey.other.example", test::dkim_test_key().txt);
  Intake intake(limits, {.verify_dkim = true, .dkim_policy = DkimPolicy::require}, &keys);

  auto good = intake.read(test::dkim_sign_message(test::dkim_test_report_mail()), Kind::mail);
  ASSERT_TRUE(good) << good.error().reason;
  EXPECT_EQ(good->source.dkim, "pass");

  auto unsigned_mail = intake.read(test::dkim_test_report_mail(), Kind::mail);
  ASSERT_FALSE(unsigned_mail);
  EXPECT_EQ(unsigned_mail.error().kind, Refusal::dkim_policy);
  EXPECT_NE(unsigned_mail.error().reason.find("DKIM none"), std::string::npos);

  test::SignSpec other;
  other.domain = "other.example";
  auto unaligned =
      intake.read(test::dkim_sign_message(test::dkim_test_report_mail(), other), Kind::mail);
  ASSERT_FALSE(unaligned);
  EXPECT_EQ(unaligned.error().kind, Refusal::dkim_policy);

  std::string changed = test::dkim_sign_message(test::dkim_test_report_mail());
  changed.replace(changed.find("This is a TLS report."), 4, "That");
  auto failed = intake.read(changed, Kind::mail);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, Refusal::dkim_policy);
  EXPECT_NE(failed.error().reason.find("DKIM fail"), std::string::npos);

  // A JSON file is no mail: DKIM does not apply to it.
  const std::string json = test::read_file((kCorpus / "mta-sts-exporter" / "google.json").string());
  EXPECT_TRUE(intake.read(json, Kind::sniff));
}

TEST(Intake, DkimRequireWithAFailedKeyLookupIsTemporary) {
  const Limits limits;
  FailingLookup keys;
  Intake intake(limits, {.verify_dkim = true, .dkim_policy = DkimPolicy::require}, &keys);
  auto r = intake.read(test::dkim_sign_message(test::dkim_test_report_mail()), Kind::mail);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Refusal::dkim_temporary);
  Intake keep(limits, {.verify_dkim = true, .dkim_policy = DkimPolicy::keep}, &keys);
  auto kept = keep.read(test::dkim_sign_message(test::dkim_test_report_mail()), Kind::mail);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->source.dkim, "temperror");
}

}  // namespace
}  // namespace webshield::ingest
