#include "net/smtp_reply.hpp"

#include <gtest/gtest.h>

namespace webshield::net {
namespace {

TEST(SmtpReply, ReadsCodeContinuationAndText) {
  auto first = parse_reply_line("250-mx.example.com Hello");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->code, 250);
  EXPECT_FALSE(first->last);
  EXPECT_EQ(first->text, "mx.example.com Hello");

  auto last = parse_reply_line("250 STARTTLS");
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->last);
  EXPECT_EQ(last->text, "STARTTLS");

  auto bare = parse_reply_line("220");
  ASSERT_TRUE(bare.has_value());
  EXPECT_TRUE(bare->last);
  EXPECT_EQ(bare->text, "");
}

TEST(SmtpReply, RefusesWhatIsNotAReply) {
  for (std::string_view line :
       {"", "25", "abc hello", "250x", "099 low", "600 high", "HTTP/1.1 400 Bad Request"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(parse_reply_line(line).has_value());
  }
}

}  // namespace
}  // namespace webshield::net
