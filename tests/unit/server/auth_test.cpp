// The auth file's grammar, password and token checks, and sessions.
#include "server/auth.hpp"

#include <gtest/gtest.h>

namespace webshield::server {
namespace {

using namespace std::chrono_literals;

TEST(Auth, WrittenLinesAreReadBackAndCheck) {
  const std::string user = hash_password_line("alice", "correct horse battery", 20'000);
  const auto [token, token_line] = new_token_line("grafana");
  auto parsed = parse_auth_file("# users\n" + user + "\n\n" + token_line + "  # for graphs\n");
  ASSERT_TRUE(parsed) << parsed.error().describe();
  ASSERT_EQ(parsed->size(), 2u);
  Authenticator auth(std::move(*parsed));
  EXPECT_EQ(auth.check_password("alice", "correct horse battery"), "alice");
  EXPECT_EQ(auth.check_password("alice", "correct horse batterY"), std::nullopt);
  EXPECT_EQ(auth.check_password("bob", "correct horse battery"), std::nullopt);
  EXPECT_EQ(auth.check_token(token), "grafana");
  EXPECT_EQ(auth.check_token(token + "x"), std::nullopt);
  EXPECT_EQ(auth.check_token(""), std::nullopt);
  EXPECT_EQ(auth.check_password("grafana", token), std::nullopt) << "a token is not a password";
}

TEST(Auth, TokensAreRandomAndUrlSafe) {
  const std::string a = random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, random_token());
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(Auth, BadLinesNameTheirLine) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"user alice", "missing hash"},
      {"admin alice pbkdf2-sha256$20000$c2FsdHNhbHQ=$AAAA", "unknown kind"},
      {"user alice sha256$00", "wrong scheme"},
      {"user alice pbkdf2-sha256$5$c2FsdHNhbHQ=$"
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       "too few iterations"},
      {"user alice pbkdf2-sha256$20000$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       "salt not base64"},
      {"user alice pbkdf2-sha256$20000$c2FsdHNhbHQ=$AAAA", "short hash"},
      {"token ci sha256$abcd", "short token hash"},
      {"token ci sha256$zz", "not hex"},
  };
  for (auto [line, why] : cases) {
    SCOPED_TRACE(why);
    auto parsed = parse_auth_file("# first line\n" + std::string(line) + "\n");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().where, "line 2");
  }
}

TEST(Auth, SessionsAreRememberedWhileFreshAndUntilTheirEnd) {
  Sessions sessions(1min, 3);
  const auto t0 = Sessions::Clock::time_point{} + 24h;
  sessions.remember("a", "alice", t0, 12h);
  EXPECT_EQ(sessions.user("a", t0 + 59s), "alice");
  EXPECT_EQ(sessions.user("a", t0 + 61s), std::nullopt) << "read again from the database";
  sessions.remember("b", "bob", t0, 10s);
  EXPECT_EQ(sessions.user("b", t0 + 9s), "bob");
  EXPECT_EQ(sessions.user("b", t0 + 11s), std::nullopt) << "never past the session's end";
  sessions.remember("c", "carol", t0, 12h);
  sessions.forget("c");
  EXPECT_EQ(sessions.user("c", t0), std::nullopt);
  EXPECT_EQ(sessions.user("guess", t0), std::nullopt);
}

TEST(Auth, SessionsAreBounded) {
  Sessions sessions(1h, 2);
  const auto t0 = Sessions::Clock::time_point{} + 24h;
  sessions.remember("first", "a", t0, 1h);
  sessions.remember("second", "b", t0 + 1s, 1h);
  sessions.remember("third", "c", t0 + 2s, 1h);
  EXPECT_EQ(sessions.user("first", t0 + 3s), std::nullopt) << "the closest to its end went";
  EXPECT_EQ(sessions.user("second", t0 + 3s), "b");
  EXPECT_EQ(sessions.user("third", t0 + 3s), "c");
}

TEST(Auth, TheDatabaseKeepsADigestOfTheSessionId) {
  const std::string id = random_token();
  const std::string key = session_key(id);
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find(id), std::string::npos);
  EXPECT_EQ(key, session_key(id));
  EXPECT_NE(key, session_key(random_token()));
  // SHA-256 of "abc" (FIPS 180-2 example).
  EXPECT_EQ(session_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace webshield::server
