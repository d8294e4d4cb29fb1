// Maildir file names: what is a message, its flags, and adding the seen flag in order.
#include "ingest/maildir_name.hpp"

#include <gtest/gtest.h>

namespace webshield::ingest {
namespace {

TEST(MaildirName, ReadsUniquePartAndFlags) {
  auto n = parse_maildir_name("1733000000.M1P2.host,S=4403,W=4500:2,RS");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->unique, "1733000000.M1P2.host,S=4403,W=4500");
  EXPECT_TRUE(n->has_info);
  EXPECT_EQ(n->flags, "RS");
  EXPECT_TRUE(n->seen());

  auto fresh = parse_maildir_name("1733000000.M1P2.host");
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->has_info);
  EXPECT_FALSE(fresh->seen());

  auto none = parse_maildir_name("1.2.host:2,");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->seen());
}

TEST(MaildirName, RefusesWhatIsNotAMessageName) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "empty"},
      {".hidden", "starts with a dot"},
      {"a/b", "slash"},
      {std::string_view("a\0b", 3), "NUL"},
      {"a\nb", "control character"},
      {"1.2.host:1,xyz", "experimental info"},
      {"1.2.host:2,S1", "a flag that is not a letter"},
      {":2,S", "no unique part"},
  };
  for (auto [name, why] : cases) {
    SCOPED_TRACE(why);
    auto n = parse_maildir_name(name);
    ASSERT_FALSE(n);
    EXPECT_FALSE(n.error().message.empty());
  }
  Limits limits;
  limits.maildir_name_bytes = 8;
  auto long_name = parse_maildir_name("123456789", limits);
  ASSERT_FALSE(long_name);
  EXPECT_NE(long_name.error().message.find("maildir_name_bytes"), std::string::npos);
}

TEST(MaildirName, AddsTheFlagInAsciiOrder) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"1.2.host", "1.2.host:2,S"},          {"1.2.host:2,", "1.2.host:2,S"},
      {"1.2.host:2,RT", "1.2.host:2,RST"},   {"1.2.host:2,S", "1.2.host:2,S"},
      {"1.2.host:2,DFa", "1.2.host:2,DFSa"},
  };
  for (auto [name, want] : cases)
    EXPECT_EQ(with_flag(name, 'S'), want) << name;
}

}  // namespace
}  // namespace webshield::ingest
