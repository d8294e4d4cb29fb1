// The ingest pipeline with real sources on temporary directories and an in-memory store:
// everything read is stored once, quarantined or left in place with a log line; items are
// acknowledged only after the store returned; a failing store acknowledges nothing.
#include "ingest/pipeline.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ingest/local_sources.hpp"
#include "unit/ingest/fake_store.hpp"
#include "unit/mail/dkim_signer.hpp"
#include "unit/test_support.hpp"

namespace webshield::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(WEBSHIELD_SOURCE_DIR) / "tests" / "fixtures" / "reports";

std::vector<fs::path> corpus(std::string_view ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kCorpus))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::ranges::sort(out);
  return out;
}

const std::string kPlainMail =
    "From: someone@example.net\r\nSubject: hello\r\n\r\nIs this the right address?\r\n";

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(::testing::TempDir())
            / (std::string("ingest_") + info->name() + "_" + std::to_string(getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::size_t count_files(const fs::path& dir) {
  if (!fs::is_directory(dir)) return 0;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

struct Harness {
  test::FakeStore store;
  Limits limits;
  Intake intake{limits, {.verify_dkim = false}, nullptr};
  std::vector<std::string> log;
  PipelineOptions options;

  PassResult pass(Source& source, Counts* counts = nullptr) {
    Pipeline pipeline(
        store, intake, options, [this](const std::string& line) { log.push_back(line); },
        [] { return UnixSeconds{1733000000}; });
    PassResult r = pipeline.run(source);
    if (counts != nullptr) *counts = pipeline.counts();
    return r;
  }
};

TEST(Pipeline, CorpusFilesTwiceGiveTheSameReports) {
  TempDir tmp;
  fs::copy(kCorpus, tmp.path() / "corpus", fs::copy_options::recursive);
  write(tmp.path() / "corpus" / "garbage.bin", "\x1f\x8b\x08 not really gzip");
  Harness run;
  FileSource files({(tmp.path() / "corpus").string()}, run.limits);
  Counts first;
  EXPECT_EQ(run.pass(files, &first).end, PassEnd::complete);
  EXPECT_EQ(first.stored + first.duplicates, 20u);  // 20 reports, some sent twice
  EXPECT_GT(first.stored, 10u);
  EXPECT_EQ(first.quarantined, 2u);  // garbage.bin and PROVENANCE.md
  EXPECT_EQ(run.store.stored().size(), first.stored);
  Counts second;
  EXPECT_EQ(run.pass(files, &second).end, PassEnd::complete);
  EXPECT_EQ(second.stored, 0u);
  EXPECT_EQ(second.duplicates, 20u);
  EXPECT_EQ(second.quarantined, 2u);
  EXPECT_EQ(run.store.stored().size(), first.stored);
  EXPECT_EQ(run.store.quarantined_items().size(), 2u);  // not quarantined twice
  // A changed file at the same place is new.
  write(tmp.path() / "corpus" / "garbage.bin", "changed");
  Counts third;
  run.pass(files, &third);
  EXPECT_EQ(run.store.quarantined_items().size(), 3u);
  // Files are never changed.
  EXPECT_TRUE(fs::exists(tmp.path() / "corpus" / "garbage.bin"));
  const auto& q = run.store.quarantined_items().begin()->second;
  EXPECT_EQ(q.transport, "file");
  EXPECT_TRUE(q.origin.starts_with("/"));
  EXPECT_EQ(q.received_at, 1733000000);
}

TEST(Pipeline, ReportsKeepRawBytesOriginAndSource) {
  TempDir tmp;
  const fs::path eml = corpus(".eml").front();
  fs::copy_file(eml, tmp.path() / "a.eml");
  Harness run;
  FileSource files({(tmp.path() / "a.eml").string()}, run.limits);
  run.pass(files);
  ASSERT_EQ(run.store.stored().size(), 1u);
  const store::NewReport& r = run.store.stored().front();
  EXPECT_EQ(r.raw, test::read_file(eml.string()));
  EXPECT_EQ(r.origin, (tmp.path() / "a.eml").string());
  EXPECT_EQ(r.source.transport, "mail");
  EXPECT_EQ(r.received_at, 1733000000);
}

// new/ holds three report mails and a mail that is no report; cur/ one seen and one unseen.
fs::path make_maildir(const fs::path& dir) {
  const auto emls = corpus(".eml");
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(dir / sub);
  write(dir / "new" / "1733000001.M1P1.host", test::read_file(emls[0].string()));
  write(dir / "new" / "1733000002.M1P1.host", test::read_file(emls[1].string()));
  write(dir / "new" / "1733000003.M1P1.host", kPlainMail);
  write(dir / "cur" / "1733000004.M1P1.host:2,S", test::read_file(emls[2].string()));
  write(dir / "cur" / "1733000005.M1P1.host:2,", test::read_file(emls[3].string()));
  return dir;
}

TEST(Pipeline, MaildirMessagesAreMarkedSeenAfterStoring) {
  TempDir tmp;
  const fs::path md = make_maildir(tmp.path() / "Maildir");
  Harness run;
  MaildirSource source(md, {}, false, run.limits);
  Counts c;
  EXPECT_EQ(run.pass(source, &c).end, PassEnd::complete);
  EXPECT_EQ(c.stored + c.duplicates, 3u);
  EXPECT_EQ(c.quarantined, 1u);
  EXPECT_EQ(count_files(md / "new"), 0u);
  EXPECT_TRUE(fs::exists(md / "cur" / "1733000001.M1P1.host:2,S"));
  EXPECT_TRUE(fs::exists(md / "cur" / "1733000003.M1P1.host:2,S"));  // quarantined: seen too
  EXPECT_TRUE(fs::exists(md / "cur" / "1733000005.M1P1.host:2,S"));
  EXPECT_TRUE(fs::exists(md / "cur" / "1733000004.M1P1.host:2,S"));  // was seen: not read
  EXPECT_EQ(run.store.quarantined_items().begin()->second.transport, "mail");
  EXPECT_TRUE(run.store.quarantined_items().begin()->second.origin.starts_with("maildir:"));
  // Nothing is read again.
  Counts again;
  run.pass(source, &again);
  EXPECT_EQ(again.done(), 0u);
  // Unless asked to.
  MaildirSource all(md, {}, true, run.limits);
  Counts everything;
  run.pass(all, &everything);
  EXPECT_EQ(everything.stored, 1u);  // the message seen before the first run
  EXPECT_EQ(everything.duplicates, 3u);
}

TEST(Pipeline, MaildirMoveAndDelete) {
  TempDir tmp;
  const fs::path md = make_maildir(tmp.path() / "Maildir");
  Harness run;
  MaildirSource moving(md, *parse_maildir_done("move:Reports.Done"), false, run.limits);
  run.pass(moving);
  EXPECT_EQ(count_files(md / ".Reports.Done" / "cur"), 4u);
  EXPECT_TRUE(fs::exists(md / ".Reports.Done" / "cur" / "1733000002.M1P1.host:2,S"));
  EXPECT_TRUE(fs::exists(md / ".Reports.Done" / "maildirfolder"));
  EXPECT_EQ(count_files(md / "new"), 0u);

  const fs::path md2 = make_maildir(tmp.path() / "Maildir2");
  MaildirSource deleting(md2, *parse_maildir_done("delete"), false, run.limits);
  run.options.quarantine_non_reports = false;
  Counts c;
  run.pass(deleting, &c);
  EXPECT_EQ(c.kept, 1u);
  EXPECT_EQ(count_files(md2 / "new"), 0u);
  // The mail that is no report stays, marked seen; the reports are gone.
  EXPECT_TRUE(fs::exists(md2 / "cur" / "1733000003.M1P1.host:2,S"));
  EXPECT_EQ(count_files(md2 / "cur"), 2u);  // and the one seen before
  EXPECT_TRUE(std::ranges::any_of(run.log, [](const std::string& l) {
    return l.find("not a report, left in place") != std::string::npos;
  }));
}

TEST(Pipeline, MaildirDoneRefusesBadFolders) {
  for (std::string_view bad : {"move:", "move:../x", "move:a/b", "move:.x", "archive"})
    EXPECT_FALSE(parse_maildir_done(bad)) << bad;
}

TEST(Pipeline, StoreDownAcknowledgesNothing) {
  TempDir tmp;
  const fs::path md = make_maildir(tmp.path() / "Maildir");
  Harness run;
  run.store.down = true;
  MaildirSource source(md, {}, false, run.limits);
  Counts c;
  const PassResult r = run.pass(source, &c);
  EXPECT_EQ(r.end, PassEnd::store_failed);
  EXPECT_EQ(c.stored, 0u);
  EXPECT_EQ(count_files(md / "new"), 3u);
  EXPECT_TRUE(fs::exists(md / "cur" / "1733000005.M1P1.host:2,"));
  // The store is back: everything comes in.
  run.store.down = false;
  Counts after;
  EXPECT_EQ(run.pass(source, &after).end, PassEnd::complete);
  EXPECT_EQ(after.stored + after.duplicates + after.quarantined, 4u);
  EXPECT_EQ(count_files(md / "new"), 0u);
}

// The first `n` JSON reports of the corpus, copied into `dir`.
std::vector<fs::path> copy_reports(const fs::path& dir, std::size_t n) {
  const auto jsons = corpus(".json");
  for (std::size_t i = 0; i < n; ++i)
    fs::copy_file(jsons[i], dir / jsons[i].filename());
  return jsons;
}

TEST(Pipeline, BatchesAreCommittedTogether) {
  TempDir tmp;
  copy_reports(tmp.path(), 5);
  Harness run;
  run.options.batch_reports = 2;
  FileSource files({tmp.path().string()}, run.limits);
  run.pass(files);
  EXPECT_EQ(run.store.add_calls, 3u);
  EXPECT_EQ(run.store.stored().size(), 5u);
}

TEST(Pipeline, AReportTheStoreRefusesIsQuarantinedAndTheRestStored) {
  TempDir tmp;
  const auto jsons = copy_reports(tmp.path(), 4);
  Harness run;
  Intake probe(run.limits, {.verify_dkim = false}, nullptr);
  const std::string refused_id =
      probe.read(test::read_file(jsons[1].string()), Kind::sniff)->report.report_id;
  run.store.refuse_ids.insert(refused_id);
  FileSource files({tmp.path().string()}, run.limits);
  Counts c;
  EXPECT_EQ(run.pass(files, &c).end, PassEnd::complete);
  EXPECT_EQ(c.quarantined, 1u);
  EXPECT_EQ(c.stored, 3u);
  const store::NewQuarantined& q = run.store.quarantined_items().begin()->second;
  EXPECT_NE(q.reason.find("the store refused the report"), std::string::npos);
  EXPECT_EQ(q.raw, test::read_file(jsons[1].string()));
}

TEST(Pipeline, MboxMessagesAreSplitAndStored) {
  TempDir tmp;
  std::string mbox;
  for (const fs::path& eml : corpus(".eml")) {
    std::string text = test::read_file(eml.string());
    if (!text.ends_with('\n')) text += '\n';
    mbox += "From tlsrpt@example.net Mon Jan  1 00:00:00 2024\n" + text + "\n";
  }
  mbox += "From x@example.net Mon Jan  1 00:00:00 2024\n" + kPlainMail + "\n";
  write(tmp.path() / "reports.mbox", mbox);
  Harness run;
  MboxSource source(tmp.path() / "reports.mbox", run.limits);
  Counts c;
  EXPECT_EQ(run.pass(source, &c).end, PassEnd::complete);
  EXPECT_EQ(c.stored + c.duplicates, corpus(".eml").size());
  EXPECT_EQ(c.quarantined, 1u);
  EXPECT_EQ(test::read_file((tmp.path() / "reports.mbox").string()), mbox);  // read only
  EXPECT_NE(run.store.quarantined_items().begin()->second.origin.find(";message=7;offset="),
            std::string::npos);
}

TEST(Pipeline, ItemsOverTheLimitAreQuarantinedWithoutTheirBytesAndLeftInPlace) {
  TempDir tmp;
  const fs::path md = tmp.path() / "Maildir";
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(md / sub);
  Harness run;
  run.limits.report_mail_bytes = 1000;
  write(md / "new" / "1.M1.host", "Subject: big\r\n\r\n" + std::string(2000, 'x'));
  MaildirSource source(md, *parse_maildir_done("delete"), false, run.limits);
  Counts c;
  run.pass(source, &c);
  EXPECT_EQ(c.quarantined, 1u);
  EXPECT_EQ(c.too_large, 1u);
  const store::NewQuarantined& q = run.store.quarantined_items().begin()->second;
  EXPECT_TRUE(q.raw.empty());
  EXPECT_NE(q.reason.find("report_mail_bytes"), std::string::npos);
  EXPECT_TRUE(fs::exists(md / "cur" / "1.M1.host:2,S"));  // kept, never deleted
}

}  // namespace
}  // namespace webshield::ingest
