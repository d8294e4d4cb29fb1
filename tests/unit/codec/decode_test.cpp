// Bounded gzip and zip decoding: multi-member gzip, zip members, corrupt input, and a 1 GiB
// gzip bomb refused with bounded memory.
#include "codec/decode.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>

namespace webshield::codec {
namespace {

// Deflates `text` as gzip (window_bits 16+15) or raw deflate (-15).
std::string deflate_text(std::string_view text, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string gzip(std::string_view text) {
  return deflate_text(text, 16 + MAX_WBITS);
}

void le(std::string& s, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    s += static_cast<char>((v >> (8 * i)) & 0xff);
}

// One zip local file entry (no central directory: the decoder does not read it).
std::string zip_entry(std::string_view name, std::string_view content, bool deflated,
                      bool descriptor = false) {
  const std::string data = deflated ? deflate_text(content, -MAX_WBITS) : std::string(content);
  std::string s = "PK\x03\x04";
  le(s, 20, 2);
  le(s, descriptor ? 8 : 0, 2);
  le(s, deflated ? 8 : 0, 2);
  le(s, 0, 4);  // time, date
  le(s,
     static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(content.data()),
                                      static_cast<uInt>(content.size()))),
     4);
  le(s, descriptor ? 0 : static_cast<std::uint32_t>(data.size()), 4);
  le(s, descriptor ? 0 : static_cast<std::uint32_t>(content.size()), 4);
  le(s, static_cast<std::uint32_t>(name.size()), 2);
  le(s, 0, 2);
  s += name;
  s += data;
  if (descriptor) {
    s += "PK\x07\x08";
    le(s, 0, 4);
    le(s, static_cast<std::uint32_t>(data.size()), 4);
    le(s, static_cast<std::uint32_t>(content.size()), 4);
  }
  return s;
}

TEST(Decode, SniffsByMagicBytesNotByName) {
  EXPECT_EQ(sniff(gzip("{}")), Encoding::gzip);
  EXPECT_EQ(sniff(zip_entry("a.json", "{}", true)), Encoding::zip);
  EXPECT_EQ(sniff("{}"), Encoding::plain);
  EXPECT_EQ(sniff(""), Encoding::plain);
  auto d = decode_report(gzip(R"({"a":1})"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->encoding, Encoding::gzip);
  EXPECT_EQ(d->bytes, R"({"a":1})");
  d = decode_report(R"({"a":1})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->encoding, Encoding::plain);
}

TEST(Decode, GzipReadsEveryMember) {
  // RFC 1952 §2.2: a gzip file is a series of members; zlib's inflate stops after the first.
  const auto d = decode_report(gzip(R"({"a":)") + gzip("1}"));
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->bytes, R"({"a":1})");
  EXPECT_TRUE(d->warnings.empty());
}

TEST(Decode, GzipTrailingBytesWarnTruncationAndCorruptionRefuse) {
  auto d = decode_report(gzip("{}") + std::string(5, '\0'));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->warnings.size(), 1u);
  const std::string good = gzip(std::string(1000, 'x'));
  d = decode_report(good.substr(0, good.size() / 2));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("truncated"), std::string::npos);
  std::string bad = good;
  bad[12] = static_cast<char>(bad[12] ^ 0xff);
  bad[13] = static_cast<char>(bad[13] ^ 0xff);
  EXPECT_FALSE(decode_report(bad));
  EXPECT_FALSE(decode_report("\x1f\x8b"));
}

TEST(Decode, ZipTakesTheFirstJsonMember) {
  const std::string zip = zip_entry("readme.txt", "hello", true)
                          + zip_entry("notes.txt", "stored", false)
                          + zip_entry("dir/report.JSON", R"({"r":1})", true, true)
                          + zip_entry("later.json", R"({"r":2})", true);
  const auto d = decode_report(zip);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->encoding, Encoding::zip);
  EXPECT_EQ(d->bytes, R"({"r":1})");
  EXPECT_EQ(d->member_name, "dir/report.JSON");
  const auto stored = decode_report(zip_entry("r.json", R"({"s":1})", false));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->bytes, R"({"s":1})");
  // A descriptor member skipped by inflating it.
  const auto skipped =
      decode_report(zip_entry("a.bin", "xyz", true, true) + zip_entry("b.json", "{}", true));
  ASSERT_TRUE(skipped) << skipped.error().describe();
  EXPECT_EQ(skipped->bytes, "{}");
}

TEST(Decode, ZipRefusals) {
  EXPECT_FALSE(decode_report(zip_entry("readme.txt", "hello", true)));
  EXPECT_FALSE(decode_report(std::string("PK\x03\x04", 4) + "short"));
  std::string encrypted = zip_entry("r.json", "{}", true);
  encrypted[6] = 1;
  EXPECT_FALSE(decode_report(encrypted));
  Limits limits;
  limits.report_zip_members = 2;
  const auto d = decode_report(
      zip_entry("1", "", false) + zip_entry("2", "", false) + zip_entry("r.json", "{}", false),
      limits);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("report_zip_members"), std::string::npos);
}

TEST(Decode, CompressedInputOverTheLimitIsRefused) {
  Limits limits;
  limits.report_compressed_bytes = 10;
  const auto d = decode_report(std::string(11, ' '), limits);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("report_compressed_bytes"), std::string::npos);
}

long rss_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field)) return std::stol(line.substr(std::string(field).size()));
  }
  return -1;
}

// 1 GiB of zeros, compressed by streaming (about 1 MB), never held expanded: not by the test,
// not by the decoder.
std::string gzip_bomb(std::size_t expanded) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY),
            Z_OK);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  std::string buf(1 << 16, '\0');
  for (std::size_t fed = 0; fed < expanded;) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(zeros.size());
    fed += zeros.size();
    const int flush = fed >= expanded ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf.data());
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(buf.data(), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

TEST(Decode, GzipBombIsRefusedWithBoundedMemory) {
  const std::string bomb = gzip_bomb(std::size_t{1} << 30);
  ASSERT_LT(bomb.size(), 2u << 20);
  Limits limits;
  limits.report_json_bytes = 4 << 20;
  // Reset the peak RSS (Linux clear_refs 5) so VmHWM measures the decode alone.
  const bool can_measure = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  const long before = rss_kib("VmRSS:");
  const auto d = decode_report(bomb, limits);
  const long peak = rss_kib("VmHWM:");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("report_json_bytes"), std::string::npos) << d.error().describe();
  if (can_measure && before > 0 && peak > 0) {
    EXPECT_LT(peak - before, 64 * 1024) << "peak grew by " << (peak - before) << " KiB";
  }
}

}  // namespace
}  // namespace webshield::codec
