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

TEST(Auth, SessionsExpireAndClose) {
  Sessions sessions(1h, 3);
  const auto t0 = Sessions::Clock::time_point{} + 24h;
  const std::string a = sessions.open("alice", t0);
  EXPECT_EQ(sessions.user(a, t0 + 59min), "alice");
  EXPECT_EQ(sessions.user(a, t0 + 61min), std::nullopt);
  const std::string b = sessions.open("bob", t0);
  sessions.close(b);
  EXPECT_EQ(sessions.user(b, t0), std::nullopt);
  EXPECT_EQ(sessions.user("guess", t0), std::nullopt);
}

TEST(Auth, SessionsAreBounded) {
  Sessions sessions(1h, 2);
  const auto t0 = Sessions::Clock::time_point{} + 24h;
  const std::string first = sessions.open("a", t0);
  const std::string second = sessions.open("b", t0 + 1s);
  const std::string third = sessions.open("c", t0 + 2s);
  EXPECT_EQ(sessions.user(first, t0 + 3s), std::nullopt) << "the oldest went";
  EXPECT_EQ(sessions.user(second, t0 + 3s), "b");
  EXPECT_EQ(sessions.user(third, t0 + 3s), "c");
}

}  // namespace
}  // namespace webshield::server
