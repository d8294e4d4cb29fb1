#include "records/mailbox.hpp"

#include <gtest/gtest.h>

namespace webshield::records {
namespace {

TEST(Mailbox, AcceptsRfc5321Mailboxes) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"tlsrpt@example.com", "example.com"},
      {"TLS.Reports+x@Example.COM", "example.com"},
      {"a!#$%&'*+-/=?^_`{|}~@example.com", "example.com"},
      {"\"with space\"@example.com", "example.com"},
      {"\"quoted \\\" quote\"@example.com", "example.com"},
      {"postmaster@[192.0.2.1]", "[192.0.2.1]"},
      {"postmaster@[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]"},
      {"a@localhost", "localhost"},
  };
  for (auto [text, domain] : cases) {
    SCOPED_TRACE(text);
    auto box = parse_mailbox(text);
    ASSERT_TRUE(box.has_value()) << box.error().describe();
    EXPECT_EQ(box->domain, domain);
  }
}

TEST(Mailbox, RefusesWithAReason) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "empty"},
      {"example.com", "'@'"},
      {"@example.com", "empty"},
      {"a@", "no domain"},
      {"a@@example.com", "domain"},
      {"a..b@example.com", "empty atom"},
      {"a.@example.com", "ends with '.'"},
      {"a b@example.com", "not allowed"},
      {"\"unterminated@example.com", "unterminated"},
      {"a@example_com", "domain"},
      {"a@-example.com", "domain"},
      {"a@example.com.", "domain"},
      {"a@[300.0.0.1]", "address literal"},
      {"a@[IPv6:zz::1]", "IPv6"},
      {"a@[192.0.2.1", "unterminated"},
      {"\xc3\xa4@example.com", "SMTPUTF8"},
  };
  for (auto [text, reason] : cases) {
    SCOPED_TRACE(text);
    auto box = parse_mailbox(text);
    ASSERT_FALSE(box.has_value());
    EXPECT_NE(box.error().describe().find(reason), std::string::npos) << box.error().describe();
  }
}

TEST(Mailbox, LocalPartIsAtMost64Octets) {
  EXPECT_TRUE(parse_mailbox(std::string(64, 'a') + "@example.com").has_value());
  EXPECT_FALSE(parse_mailbox(std::string(65, 'a') + "@example.com").has_value());
}

}  // namespace
}  // namespace webshield::records
