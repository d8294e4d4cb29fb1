// The mbox splitter (RFC 4155): separators, mboxrd unquoting, the separator's empty line, CRLF,
// the size limit, refusals, and the same result however the bytes are fed.
#include "ingest/mbox.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webshield::ingest {
namespace {

std::vector<std::string> raws(const std::vector<MboxMessage>& messages) {
  std::vector<std::string> out;
  for (const MboxMessage& m : messages)
    out.push_back(m.raw);
  return out;
}

struct SplitCase {
  std::string_view mbox;
  std::vector<std::string> messages;
  std::string_view why;
};

TEST(Mbox, SplitsAndUnquotes) {
  const SplitCase cases[] = {
      {"", {}, "empty file: no messages"},
      {"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n",
       {"Subject: x\n\nbody\n"},
       "one message without the final empty line"},
      {"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n\n",
       {"Subject: x\n\nbody\n"},
       "the final empty line separates"},
      {"From a\nA: 1\n\none\n\nFrom b\nB: 2\n\ntwo\n\n",
       {"A: 1\n\none\n", "B: 2\n\ntwo\n"},
       "two messages"},
      {"From a\nA: 1\n\n>From me\n>>From you\n\n",
       {"A: 1\n\nFrom me\n>From you\n"},
       "mboxrd: one '>' removed from quoted From lines"},
      {"From a\nA: 1\n\nsaid:\nFrom here on\n",
       {"A: 1\n\nsaid:\nFrom here on\n"},
       "a From line not after an empty line is body"},
      {"From a\r\nA: 1\r\n\r\nx\r\n\r\nFrom b\r\nB: 2\r\n\r\ny\r\n",
       {"A: 1\r\n\r\nx\r\n", "B: 2\r\n\r\ny\r\n"},
       "CRLF line ends"},
      {"From a\nA: 1\n\n\n\nx\n", {"A: 1\n\n\n\nx\n"}, "empty lines inside a body are kept"},
      {"From a\nA: 1\n\nno final newline", {"A: 1\n\nno final newline"}, "no final newline"},
      {"From a\n\nFrom b\nB: 2\n", {"", "B: 2\n"}, "an empty message"},
  };
  for (const SplitCase& c : cases) {
    SCOPED_TRACE(c.why);
    auto whole = split_mbox(c.mbox);
    ASSERT_TRUE(whole) << whole.error().describe();
    EXPECT_EQ(raws(*whole), c.messages);
    // Fed one byte at a time, the result is the same.
    MboxSplitter splitter;
    std::vector<MboxMessage> out;
    for (char ch : c.mbox)
      ASSERT_TRUE(splitter.feed(std::string_view(&ch, 1), out));
    ASSERT_TRUE(splitter.finish(out));
    EXPECT_EQ(raws(out), c.messages);
  }
}

TEST(Mbox, NumbersAndOffsets) {
  auto m = split_mbox("From a\nA: 1\n\nFrom b\nB: 2\n");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].number, 1u);
  EXPECT_EQ((*m)[0].offset, 0u);
  EXPECT_EQ((*m)[1].number, 2u);
  EXPECT_EQ((*m)[1].offset, 13u);
}

TEST(Mbox, RefusesWhatIsNotAnMbox) {
  const std::string_view cases[] = {"Subject: x\n\nbody\n", "\nFrom a\n", " From a\n",
                                    "\x1f\x8b\x08"};
  for (std::string_view text : cases) {
    SCOPED_TRACE(text);
    auto m = split_mbox(text);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("not an mbox"), std::string::npos);
    EXPECT_EQ(m.error().where, "byte 0");
  }
}

TEST(Mbox, MessageOverTheLimitIsNotKept) {
  Limits limits;
  limits.report_mail_bytes = 64;
  const std::string big(200, 'x');
  const std::string mbox =
      "From a\nA: 1\n\n" + big + "\n\nFrom b\nB: 2\n\n" + big + big + "\n" + "\nFrom c\nC: 3\n";
  auto m = split_mbox(mbox, limits);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 3u);
  EXPECT_TRUE((*m)[0].over_limit);
  EXPECT_TRUE((*m)[0].raw.empty());
  EXPECT_EQ((*m)[0].size, 6u + big.size() + 1);
  EXPECT_TRUE((*m)[1].over_limit);  // one line longer than the limit
  EXPECT_FALSE((*m)[2].over_limit);
  EXPECT_EQ((*m)[2].raw, "C: 3\n");
  EXPECT_EQ((*m)[2].offset, mbox.find("From c"));
}

}  // namespace
}  // namespace webshield::ingest
