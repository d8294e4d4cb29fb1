#include "dns/rdata.hpp"

#include <gtest/gtest.h>

namespace webshield::dns {
namespace {

using namespace std::string_literals;

TEST(Rdata, Names) {
  EXPECT_EQ(decode_name("\x03mx1\x07"
                        "Example\x03"
                        "com\x00"s)
                .value(),
            "mx1.example.com");
  EXPECT_EQ(decode_name("\x00"s).value(), ".");
  EXPECT_FALSE(decode_name("\x03mx1"s).has_value());      // no root label
  EXPECT_FALSE(decode_name("\x05mx1\x00"s).has_value());  // label past the end
  EXPECT_FALSE(decode_name("\xc0\x0c"s).has_value());     // compression pointer
  EXPECT_FALSE(decode_name("\x01"
                           "a\x00\x00"s)
                   .has_value());  // bytes after the name
  EXPECT_FALSE(decode_name(""s).has_value());
}

TEST(Rdata, Txt) {
  EXPECT_EQ(decode_txt("\x05hello\x00\x03you"s).value(),
            (std::vector<std::string>{"hello", "", "you"}));
  EXPECT_FALSE(decode_txt("\x05hell"s).has_value());
  EXPECT_FALSE(decode_txt(""s).has_value());
}

TEST(Rdata, MxAndNullMx) {
  EXPECT_EQ(decode_mx("\x00\x0a\x02mx\x07"
                      "example\x00"s)
                .value(),
            (Mx{10, "mx.example"}));
  EXPECT_EQ(decode_mx("\x00\x00\x00"s).value(), (Mx{0, "."}));  // RFC 7505
  EXPECT_FALSE(decode_mx("\x00"s).has_value());
}

TEST(Rdata, AddressesAndTlsa) {
  EXPECT_EQ(decode_address("\x7f\x00\x00\x01"s).value(), "127.0.0.1");
  EXPECT_EQ(decode_address(std::string(15, '\0') + "\x01").value(), "::1");
  EXPECT_FALSE(decode_address("\x7f\x00\x01"s).has_value());
  const Tlsa tlsa = decode_tlsa("\x03\x01\x01" + std::string(32, 'x')).value();
  EXPECT_EQ(tlsa.usage, 3);
  EXPECT_EQ(tlsa.selector, 1);
  EXPECT_EQ(tlsa.matching_type, 1);
  EXPECT_EQ(tlsa.data.size(), 32U);
  EXPECT_FALSE(decode_tlsa("\x03\x01\x01"s).has_value());
}

}  // namespace
}  // namespace webshield::dns
