// The server's pure request helpers: query strings, media types, cookies, bearer tokens,
// X-Forwarded-For and the per-client key.
#include "server/http.hpp"

#include <gtest/gtest.h>

namespace webshield::server {
namespace {

TEST(ServerHttp, QueryStringsDecode) {
  auto pairs = parse_query("domain=example.com&since=30d&x=a%20b+c&flag&bad=%zz%4&=v");
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"domain", "example.com"}));
  EXPECT_EQ(pairs[2].second, "a b c");
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(pairs[4].second, "%zz%4");  // malformed escapes are kept as they are
  EXPECT_EQ(query_value("a=1&b=2&a=3", "a"), "1");
  EXPECT_EQ(query_value("a=1", "b"), std::nullopt);
  EXPECT_EQ(parse_query(std::string(1000, '&') + "a=1").size(), 1u);
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += "k=v&";
  EXPECT_EQ(parse_query(many, 32).size(), 32u);
}

TEST(ServerHttp, MediaTypeIgnoresParametersAndCase) {
  EXPECT_EQ(media_type("Application/TLSRPT+gzip; charset=binary"), "application/tlsrpt+gzip");
  EXPECT_EQ(media_type("  application/json  "), "application/json");
  EXPECT_EQ(media_type(""), "");
}

TEST(ServerHttp, CookieValue) {
  EXPECT_EQ(cookie_value("a=1; webshield_session=abc; b=2", "webshield_session"), "abc");
  EXPECT_EQ(cookie_value("xwebshield_session=abc", "webshield_session"), std::nullopt);
  EXPECT_EQ(cookie_value("", "a"), std::nullopt);
}

TEST(ServerHttp, BearerToken) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Basic abc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
}

TEST(ServerHttp, ForwardedClientIsTheLastAddress) {
  EXPECT_EQ(forwarded_client("203.0.113.9, 198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(forwarded_client("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(forwarded_client("198.51.100.7, unknown"), std::nullopt);
  EXPECT_EQ(forwarded_client(""), std::nullopt);
  // An address followed by a NUL and more is not an address (inet_pton stops at the NUL).
  using namespace std::string_view_literals;
  EXPECT_EQ(forwarded_client("203.0.113.9\0junk"sv), std::nullopt);
  EXPECT_EQ(client_key("2001:db8::1\0junk"sv), "2001:db8::1\0junk"sv);
}

TEST(ServerHttp, ClientKeyGroupsIpv6ByItsSlash64) {
  EXPECT_EQ(client_key("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key("2001:db8:1:2:bbbb::2"), client_key("2001:db8:1:2:aaaa::1"));
  EXPECT_NE(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
  EXPECT_EQ(client_key("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(client_key("not an address"), "not an address");
}

TEST(ServerHttp, ErrorResponseIsJson) {
  const Response r = error_response(415, "a \"quoted\" reason");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"error\":\"a \\\"quoted\\\" reason\"}\n");
}

}  // namespace
}  // namespace webshield::server
