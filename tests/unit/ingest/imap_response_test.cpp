// The IMAP responses WebShield reads itself: SEARCH, UIDVALIDITY and CAPABILITY.
#include "ingest/imap_response.hpp"

#include <gtest/gtest.h>

namespace webshield::ingest {
namespace {

TEST(ImapResponse, SearchResult) {
  auto r = parse_search("* 3 EXISTS\r\n* SEARCH 7 3 12 3\r\n* OK done\r\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->uids, (std::vector<std::uint32_t>{3, 7, 12}));
  EXPECT_FALSE(r->truncated);

  auto empty = parse_search("* SEARCH\r\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->uids.empty());
  auto lower = parse_search("* search 4294967295\n");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->uids, (std::vector<std::uint32_t>{4294967295u}));
}

TEST(ImapResponse, SearchRefusesWhatIsNotAUid) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"* SEARCH 1 0\r\n", "zero"},
      {"* SEARCH 1 x2\r\n", "letters"},
      {"* SEARCH 4294967296\r\n", "over 32 bits"},
      {"* SEARCH 012\r\n", "leading zero"},
      {"* SEARCH 99999999999999999999\r\n", "far too long"},
  };
  for (auto [text, why] : cases) {
    SCOPED_TRACE(why);
    auto r = parse_search(text);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().where.find("line 1, byte"), std::string::npos);
  }
}

TEST(ImapResponse, SearchIsBounded) {
  Limits limits;
  limits.imap_search_uids = 2;
  auto r = parse_search("* SEARCH 9 5 1 7\r\n", limits);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->uids, (std::vector<std::uint32_t>{1, 5}));
  EXPECT_TRUE(r->truncated);
  limits.imap_response_bytes = 8;
  auto big = parse_search("* SEARCH 1 2 3\r\n", limits);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("imap_response_bytes"), std::string::npos);
}

TEST(ImapResponse, UidValidity) {
  auto v = parse_uidvalidity(
      "* FLAGS (\\Seen)\r\n* OK [PERMANENTFLAGS ()] x\r\n* OK [UIDVALIDITY 1733000000] UIDs "
      "valid\r\n* OK [UIDNEXT 5] Predicted next UID\r\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 1733000000u);
  EXPECT_FALSE(parse_uidvalidity("* 3 EXISTS\r\n"));
  EXPECT_FALSE(parse_uidvalidity("* OK [UIDVALIDITY 0] x\r\n"));
  EXPECT_FALSE(parse_uidvalidity("* OK [UIDVALIDITY 12\r\n"));
}

TEST(ImapResponse, Capabilities) {
  auto c = parse_capabilities("* CAPABILITY IMAP4rev1 UIDPLUS move IDLE\r\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->move);
  EXPECT_TRUE(c->uidplus);
  auto none = parse_capabilities("* CAPABILITY IMAP4rev1 MOVEX\r\n");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->move);
  EXPECT_FALSE(none->uidplus);
}

}  // namespace
}  // namespace webshield::ingest
