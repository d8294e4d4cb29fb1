// --imap URLs and --imap-done: the mailbox, the user, no password on the command line.
#include <gtest/gtest.h>

#include "ingest/imap_source.hpp"

namespace webshield::ingest {
namespace {

TEST(ImapUrl, ReadsUserHostPortAndMailbox) {
  auto u = parse_imap_url("imaps://tls%40example.com@mail.example.com:993/Reports%2FTLS");
  ASSERT_TRUE(u) << u.error().describe();
  EXPECT_EQ(u->scheme, "imaps");
  EXPECT_EQ(u->user, "tls@example.com");
  EXPECT_EQ(u->host, "mail.example.com");
  EXPECT_EQ(u->port, 993);
  EXPECT_EQ(u->mailbox, "Reports/TLS");
  EXPECT_EQ(u->display(), "imaps://tls@example.com@mail.example.com:993/Reports/TLS");

  auto inbox = parse_imap_url("imap://u@127.0.0.1");
  ASSERT_TRUE(inbox);
  EXPECT_EQ(inbox->mailbox, "INBOX");
  EXPECT_EQ(inbox->port, 0);
}

TEST(ImapUrl, Refusals) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"imaps://u:pw@host/INBOX", "password"},
      {"imaps://host/INBOX", "no user name"},
      {"pop3s://u@host/", "scheme"},
      {"imaps://u@host/INBOX;UID=3", "names a mailbox only"},
      {"imaps://u@host/INBOX?UNSEEN", "names a mailbox only"},
      {"imaps://u@host/caf%C3%A9", "printable ASCII"},
      {"not a url", "not a URL"},
  };
  for (auto [url, says] : cases) {
    SCOPED_TRACE(url);
    auto u = parse_imap_url(url);
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().message.find(says), std::string::npos) << u.error().message;
  }
}

TEST(ImapUrl, Done) {
  EXPECT_EQ(parse_imap_done("seen").value(), std::nullopt);
  EXPECT_EQ(parse_imap_done("move:Processed/TLS").value(), "Processed/TLS");
  EXPECT_FALSE(parse_imap_done("move:"));
  EXPECT_FALSE(parse_imap_done("delete"));
  EXPECT_FALSE(parse_imap_done("move:a\r\nA1 LOGOUT"));
}

}  // namespace
}  // namespace webshield::ingest
