// Runs the real `webshield ingest` and `quarantine retry` for what needs no store: bad usage
// exits 64, the password never comes from the command line, and a store that cannot be opened
// exits 75 (EX_TEMPFAIL) so that an MTA keeps the message and retries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/cli/cli_support.hpp"

namespace webshield {
namespace {

using test::CliRun;

CliRun webshield(std::initializer_list<std::string> args, std::string_view input = "") {
  return test::run_webshield(std::vector<std::string_view>(args.begin(), args.end()), input);
}

const std::string kNoStore = "sqlite:/proc/no-such-directory/webshield.db";

TEST(IngestCli, BadUsageExits64) {
  const struct {
    std::vector<std::string> args;
    std::string_view says;
  } cases[] = {
      {{"ingest", "--db", kNoStore}, "nothing to read"},
      {{"ingest", "--db", kNoStore, "--stdin-mail", "a.eml"}, "--stdin-mail reads one message"},
      {{"ingest", "--db", kNoStore, "dir/", "--watch"}, "--watch polls mailboxes"},
      {{"ingest", "--db", kNoStore, "--stdin-mail", "--watch", "5"}, "--watch polls mailboxes"},
      {{"ingest", "--db", kNoStore, "--no-dkim", "--dkim", "require", "--maildir", "x"},
       "--dkim require needs DKIM verification"},
      {{"ingest", "--db", kNoStore, "--maildir", "x", "--maildir-done", "archive"},
       "expected seen, move:FOLDER or delete"},
      {{"ingest", "--db", kNoStore, "--imap", "imaps://u@127.0.0.1/INBOX"},
       "--password-file FILE or WEBSHIELD_IMAP_PASSWORD"},
      {{"ingest", "--db", kNoStore, "--imap", "imaps://u:secret@127.0.0.1/INBOX"},
       "a password in the URL"},
      {{"ingest", "--db", kNoStore, "--imap", "https://u@127.0.0.1/"}, "imaps or imap"},
      {{"ingest", "--db", kNoStore, "--dkim", "maybe", "x"}, "--dkim"},
      {{"quarantine", "retry", "--db", kNoStore}, "give IDs or --all"},
  };
  for (const auto& c : cases) {
    std::string joined;
    for (const std::string& a : c.args)
      joined += a + " ";
    SCOPED_TRACE(joined);
    const CliRun run =
        test::run_webshield(std::vector<std::string_view>(c.args.begin(), c.args.end()));
    EXPECT_EQ(run.status, 64) << run.out;
    EXPECT_NE(run.out.find(c.says), std::string::npos) << run.out;
  }
}

TEST(IngestCli, StoreUnavailableExits75) {
  const std::string mail = "From: a@example.net\r\nSubject: x\r\n\r\nhello\r\n";
  const CliRun pipe = webshield({"ingest", "--db", kNoStore, "--no-dkim", "--stdin-mail"}, mail);
  EXPECT_EQ(pipe.status, 75) << pipe.out;
  EXPECT_NE(pipe.out.find("cannot open sqlite:/proc/no-such-directory"), std::string::npos)
      << pipe.out;
  const CliRun retry = webshield({"quarantine", "retry", "--db", kNoStore, "--no-dkim", "--all"});
  EXPECT_EQ(retry.status, 75) << retry.out;
}

TEST(IngestCli, HelpNamesTheExitStatuses) {
  const CliRun run = webshield({"ingest", "--help"});
  EXPECT_EQ(run.status, 0);
  for (const char* code : {"64 bad usage", "65 --stdin-mail", "74 a", "75 the store"})
    EXPECT_NE(run.out.find(code), std::string::npos) << code;
}

TEST(IngestCli, ConfigPrintsTheIngestLimits) {
  const CliRun run = webshield({"config", "--print"});
  EXPECT_EQ(run.status, 0);
  for (const char* limit :
       {"maildir_name_bytes = 255", "imap_response_bytes = 4194304", "imap_search_uids = 100000"})
    EXPECT_NE(run.out.find(limit), std::string::npos) << limit;
}

}  // namespace
}  // namespace webshield
