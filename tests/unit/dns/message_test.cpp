#include "dns/message.hpp"

#include <gtest/gtest.h>

#include "dns/rdata.hpp"
#include "dns_messages.hpp"

namespace webshield::dns {
namespace {

using namespace std::string_literals;
using namespace dnstest;

TEST(DnsQuery, EncodesOneQuestionWithRdAdAndEdns) {
  const std::string q = encode_query(0xbeef, "Example.COM.", kTxt).value();
  const std::string expected = u16(0xbeef) + u16(0x0120) + u16(1) + u16(0) + u16(0) + u16(1)
                               + wire("example.com") + u16(kTxt) + u16(1)  // question, lower case
                               + "\0"s + u16(41) + u16(kEdnsPayload) + u32(0) + u16(0);  // OPT
  EXPECT_EQ(q, expected);
}

TEST(DnsQuery, RefusesNamesThatCannotBeSent) {
  EXPECT_FALSE(encode_query(1, "a..example", kA).has_value());
  EXPECT_FALSE(encode_query(1, std::string(64, 'a') + ".example", kA).has_value());
  std::string long_name;
  for (int i = 0; i < 5; ++i)
    long_name += std::string(60, 'a') + ".";
  EXPECT_FALSE(encode_query(1, long_name, kA).has_value());
  EXPECT_TRUE(encode_query(1, std::string(63, 'a') + ".example", kA).has_value());
}

TEST(DnsReply, ReadsAnAnswerWithTheSmallestTtl) {
  ReplyBuilder b("_smtp._tls.example.com", kTxt);
  b.rr(pointer(kQuestionName), kTxt, 300, "\x05v=one"s)
      .rr(pointer(kQuestionName), kTxt, 60, "\x03two"s);
  const Reply r = parse_reply(b.build(), "_SMTP._tls.example.com", kTxt).value();
  EXPECT_EQ(r.id, 0x1234);
  EXPECT_FALSE(r.truncated);
  EXPECT_FALSE(r.authenticated);
  EXPECT_EQ(r.answer.status, Status::answer);
  EXPECT_EQ(r.answer.ttl, 60u);
  EXPECT_EQ(r.answer.rdata, (std::vector<std::string>{"\x05v=one"s, "\x03two"s}));
  EXPECT_TRUE(r.answer.canonical_name.empty());
  EXPECT_EQ(r.answer.security, Security::indeterminate);  // the caller decides about AD
}

TEST(DnsReply, FollowsCnamesAndExpandsCompressedMxNames) {
  ReplyBuilder b("alias.example", kMx);
  b.flags |= 0x0020;  // AD
  // alias.example CNAME real.<example>; real.example MX 10 mx.<example>
  const std::uint16_t example = kQuestionName + 6;  // "example" inside the question name
  const std::string target = "\x04real"s + pointer(example);
  b.rr(pointer(kQuestionName), kCname, 600, target);
  const auto target_at = static_cast<std::uint16_t>(b.build().size() - target.size());
  b.rr(pointer(target_at), kMx, 120, u16(10) + "\x02mx"s + pointer(example));
  const Reply r = parse_reply(b.build(), "alias.example", kMx).value();
  EXPECT_TRUE(r.authenticated);
  ASSERT_EQ(r.answer.status, Status::answer);
  EXPECT_EQ(r.answer.canonical_name, "real.example");
  EXPECT_EQ(r.answer.ttl, 120u);
  ASSERT_EQ(r.answer.rdata.size(), 1u);
  EXPECT_EQ(decode_mx(r.answer.rdata[0]).value(), (Mx{10, "mx.example"}));
}

TEST(DnsReply, NegativeAnswersTakeTheirTtlFromTheSoa) {
  const std::string soa = wire("ns.example") + wire("host.example") + u32(1) + u32(3600) + u32(600)
                          + u32(86400) + u32(30);
  ReplyBuilder nx("nothing.example", kTxt);
  nx.flags = 0x8183;  // NXDOMAIN
  nx.rr(wire("example"), 6, 3600, soa, true);
  const Reply r = parse_reply(nx.build(), "nothing.example", kTxt).value();
  EXPECT_EQ(r.answer.status, Status::nxdomain);
  EXPECT_EQ(r.answer.ttl, 30u);  // min(SOA TTL, MINIMUM)

  ReplyBuilder nodata("example", kTxt);
  nodata.rr(wire("example"), 6, 10, soa, true);
  const Reply n = parse_reply(nodata.build(), "example", kTxt).value();
  EXPECT_EQ(n.answer.status, Status::nodata);
  EXPECT_EQ(n.answer.ttl, 10u);
  EXPECT_TRUE(n.answer.negative());
}

TEST(DnsReply, OtherRcodesAreFailures) {
  ReplyBuilder b("example", kA);
  b.flags = 0x8182;
  EXPECT_EQ(parse_reply(b.build(), "example", kA)->answer.status, Status::servfail);
  EXPECT_EQ(parse_reply(b.build(), "example", kA)->answer.why, "SERVFAIL");
  b.flags = 0x8185;
  EXPECT_EQ(parse_reply(b.build(), "example", kA)->answer.why, "REFUSED");
}

TEST(DnsReply, IgnoresRecordsOfOtherOwnersAndClasses) {
  ReplyBuilder b("example", kA);
  b.rr(wire("other.example"), kA, 60, "\x01\x02\x03\x04"s)
      .rr(pointer(kQuestionName), kA, 60, "\x05\x06\x07\x08"s, false, 3)  // class CH
      .rr(pointer(kQuestionName), kAaaa, 60, std::string(16, '\0'));
  EXPECT_EQ(parse_reply(b.build(), "example", kA)->answer.status, Status::nodata);
}

TEST(DnsReply, TruncationIsReportedBeforeTheSections) {
  ReplyBuilder b("example", kTxt);
  b.flags |= 0x0200;
  b.answers = 3;  // the records themselves were cut off
  const Reply r = parse_reply(b.build(), "example", kTxt).value();
  EXPECT_TRUE(r.truncated);
}

TEST(DnsReply, RefusesAReplyToAnotherQuestion) {
  ReplyBuilder b("example", kTxt);
  EXPECT_EQ(parse_reply(b.build(), "other", kTxt).error().message,
            "the reply is for another question");
  EXPECT_FALSE(parse_reply(b.build(), "example", kMx).has_value());
  EXPECT_TRUE(parse_reply(b.build(), "EXAMPLE", kTxt).has_value());
}

TEST(DnsReply, RefusesMalformedMessages) {
  const std::string good =
      ReplyBuilder("example", kTxt).rr(pointer(kQuestionName), kTxt, 1, "\x01x"s).build();
  ASSERT_TRUE(parse_reply(good, "example", kTxt).has_value());
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(parse_reply(good.substr(0, cut), "example", kTxt).has_value()) << cut;
  }
  std::string query = good;
  query[2] = 0x01;  // QR clear
  EXPECT_EQ(parse_reply(query, "example", kTxt).error().message, "not a reply (QR clear)");

  // A pointer to itself, and one pointing forward.
  ReplyBuilder loop("example", kTxt);
  const auto self = static_cast<std::uint16_t>(loop.build().size());
  loop.rr(pointer(self), kTxt, 1, "\x01x"s);
  EXPECT_EQ(parse_reply(loop.build(), "example", kTxt).error().message,
            "compression pointer does not point back");

  // MX data whose length does not match its name.
  ReplyBuilder mx("example", kMx);
  mx.rr(pointer(kQuestionName), kMx, 1, u16(10) + wire("mx.example") + "junk");
  EXPECT_FALSE(parse_reply(mx.build(), "example", kMx).has_value());
}

TEST(DnsReply, BoundsCnameChains) {
  Limits limits;
  limits.dns_cname_hops = 2;
  auto chain = [](int length) {
    ReplyBuilder b("c0.example", kA);
    for (int i = 0; i < length; ++i) {
      b.rr(wire("c" + std::to_string(i) + ".example"), kCname, 60,
           wire("c" + std::to_string(i + 1) + ".example"));
    }
    b.rr(wire("c" + std::to_string(length) + ".example"), kA, 60, "\x01\x02\x03\x04"s);
    return b.build();
  };
  EXPECT_EQ(parse_reply(chain(2), "c0.example", kA, limits)->answer.canonical_name, "c2.example");
  EXPECT_FALSE(parse_reply(chain(3), "c0.example", kA, limits).has_value());

  // A loop of CNAMEs ends at the limit too.
  ReplyBuilder loop("a.example", kA);
  loop.rr(wire("a.example"), kCname, 60, wire("b.example"))
      .rr(wire("b.example"), kCname, 60, wire("a.example"));
  EXPECT_FALSE(parse_reply(loop.build(), "a.example", kA).has_value());
}

}  // namespace
}  // namespace webshield::dns
