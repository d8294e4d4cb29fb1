#include "codec/decode.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/ascii.hpp"

namespace webshield::codec {
namespace {

// zlib's avail_in and avail_out are 32-bit: feed at most this much at a time.
constexpr std::size_t kMaxFeed = std::size_t{1} << 30;
constexpr std::size_t kChunk = 64 * 1024;

constexpr std::string_view kOverLimit = "over the limit ";

std::string too_large(std::size_t max_out) {
  return fmt::format("decompressed report {}report_json_bytes ({} bytes)", kOverLimit, max_out);
}

// A zlib stream that is always ended, whatever path leaves the function.
class Inflater {
 public:
  explicit Inflater(int window_bits) { ok_ = inflateInit2(&z_, window_bits) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

// Inflates from `in` until the end of one deflate/gzip stream. Appends to `out` (if not null)
// but never past `max_out` bytes in total; `consumed` says how much input the stream took.
// `produced` counts every output byte, kept or not.
Result<void> inflate_stream(Inflater& inf, std::string_view in, std::string* out,
                            std::size_t max_out, std::size_t& consumed, std::size_t& produced) {
  z_stream& z = inf.z();
  std::array<unsigned char, kChunk> buf;
  std::size_t pos = 0;
  for (;;) {
    if (z.avail_in == 0 && pos < in.size()) {
      const std::size_t feed = std::min(in.size() - pos, kMaxFeed);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + pos));
      z.avail_in = static_cast<uInt>(feed);
      pos += feed;
    }
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t n = buf.size() - z.avail_out;
    produced += n;
    if (produced > max_out) return fail(too_large(max_out));
    if (out != nullptr) out->append(reinterpret_cast<const char*>(buf.data()), n);
    if (rc == Z_STREAM_END) {
      consumed = pos - z.avail_in;
      return {};
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && pos == in.size()) {
      return fail("truncated: the compressed stream ends early");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return fail(std::string("corrupt compressed data: ")
                  + (z.msg != nullptr ? z.msg : "zlib error"));
    }
  }
}

std::uint32_t le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at]))
         | static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8;
}
std::uint32_t le32(std::string_view s, std::size_t at) {
  return le16(s, at) | le16(s, at + 2) << 16;
}

bool ends_with_json(std::string_view name) {
  return name.size() >= 5 && ascii::iequals(name.substr(name.size() - 5), ".json");
}

}  // namespace

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::plain:
      return "plain";
    case Encoding::gzip:
      return "gzip";
    case Encoding::zip:
      return "zip";
  }
  return "plain";
}

Encoding sniff(std::string_view bytes) {
  if (bytes.starts_with("\x1f\x8b")) return Encoding::gzip;   // RFC 1952 §2.3.1 ID1 ID2
  if (bytes.starts_with("PK\x03\x04")) return Encoding::zip;  // local file header signature
  return Encoding::plain;
}

Result<std::string> gunzip(std::string_view in, std::size_t max_out,
                           std::vector<std::string>* warnings) {
  std::string out;
  std::size_t produced = 0;
  std::size_t members = 0;
  while (!in.empty()) {
    Inflater inf(16 + MAX_WBITS);  // gzip wrapper only
    if (!inf.ok()) return fail("cannot start zlib");
    std::size_t consumed = 0;
    if (auto r = inflate_stream(inf, in, &out, max_out, consumed, produced); !r) {
      return fail(r.error().message, fmt::format("gzip member {}", members + 1));
    }
    ++members;
    in.remove_prefix(consumed);
    // A single inflate() stops after the first member (RFC 1952 §2.2: a file is a series of
    // members); go on while another member follows.
    if (!in.starts_with("\x1f\x8b")) break;
  }
  if (!in.empty() && warnings != nullptr) {
    warnings->push_back(fmt::format("{} bytes after the last gzip member ignored", in.size()));
  }
  return out;
}

Result<std::string> unzip_json(std::string_view zip, std::size_t max_out, std::size_t max_members,
                               std::string* member_name) {
  std::size_t at = 0;
  for (std::size_t member = 0; member < max_members; ++member) {
    const std::string where = fmt::format("zip member {}", member + 1);
    if (zip.size() - at < 30 || le32(zip, at) != 0x04034b50) {
      return fail("no .json member in the zip archive");
    }
    const std::uint32_t flags = le16(zip, at + 6);
    const std::uint32_t method = le16(zip, at + 8);
    const std::uint32_t csize = le32(zip, at + 18);
    const std::size_t name_len = le16(zip, at + 26);
    const std::size_t extra_len = le16(zip, at + 28);
    if (zip.size() - at - 30 < name_len + extra_len) return fail("truncated local header", where);
    const std::string_view name = zip.substr(at + 30, name_len);
    const std::size_t data = at + 30 + name_len + extra_len;
    if ((flags & 1) != 0) return fail("encrypted zip member", where);
    const bool descriptor = (flags & 8) != 0;
    const bool wanted = ends_with_json(name);
    std::string out;
    std::size_t end = 0;
    if (method == 0) {
      if (descriptor || csize == 0xffffffff) return fail("stored member without its size", where);
      if (zip.size() - data < csize) return fail("truncated member", where);
      if (wanted && csize > max_out) return fail(too_large(max_out), where);
      if (wanted) out.assign(zip.substr(data, csize));
      end = data + csize;
    } else if (method == 8) {
      if (!wanted && !descriptor && csize != 0xffffffff) {
        end = data + csize;  // skip without inflating
        if (zip.size() < end) return fail("truncated member", where);
      } else {
        Inflater inf(-MAX_WBITS);  // raw deflate
        if (!inf.ok()) return fail("cannot start zlib");
        std::size_t consumed = 0, produced = 0;
        if (auto r = inflate_stream(inf, zip.substr(data), wanted ? &out : nullptr, max_out,
                                    consumed, produced);
            !r) {
          return fail(r.error().message, where);
        }
        end = data + consumed;
      }
    } else {
      if (wanted) return fail(fmt::format("unsupported compression method {}", method), where);
      if (descriptor) return fail("member of unknown size and method", where);
      end = data + csize;
      if (zip.size() < end) return fail("truncated member", where);
    }
    if (wanted) {
      if (member_name != nullptr) *member_name = std::string(name);
      return out;
    }
    if (descriptor) {
      // Data descriptor: optional signature, crc-32, compressed and uncompressed sizes.
      end += (zip.size() - end >= 4 && le32(zip, end) == 0x08074b50) ? 16 : 12;
      if (end > zip.size()) return fail("truncated data descriptor", where);
    }
    at = end;
  }
  return fail(fmt::format("no .json member in the first {} members (limit report_zip_members)",
                          max_members));
}

bool over_limit(const Error& error) {
  return error.message.find(kOverLimit) != std::string::npos;
}

Result<Decoded> decode_report(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.report_compressed_bytes) {
    return fail(fmt::format("report of {} bytes, {}report_compressed_bytes ({})", bytes.size(),
                            kOverLimit, limits.report_compressed_bytes));
  }
  Decoded d;
  d.encoding = sniff(bytes);
  switch (d.encoding) {
    case Encoding::gzip: {
      auto out = gunzip(bytes, limits.report_json_bytes, &d.warnings);
      if (!out) return std::unexpected(out.error());
      d.bytes = std::move(*out);
      break;
    }
    case Encoding::zip: {
      std::string name;
      auto out = unzip_json(bytes, limits.report_json_bytes, limits.report_zip_members, &name);
      if (!out) return std::unexpected(out.error());
      d.bytes = std::move(*out);
      d.member_name = std::move(name);
      break;
    }
    case Encoding::plain:
      if (bytes.size() > limits.report_json_bytes) {
        return fail(fmt::format("report {}report_json_bytes ({} bytes)", kOverLimit,
                                limits.report_json_bytes));
      }
      d.bytes.assign(bytes);
      break;
  }
  return d;
}

}  // namespace webshield::codec
