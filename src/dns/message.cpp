#include "dns/message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/ascii.hpp"
#include "dns/rdata.hpp"

namespace webshield::dns {
namespace {

constexpr std::size_t kHeaderBytes = 12;
constexpr std::size_t kMaxNameWire = 255;
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeOpt = 41;
constexpr std::uint16_t kTypeSoa = 6;
constexpr std::uint16_t kFlagQr = 0x8000;
constexpr std::uint16_t kFlagTc = 0x0200;
constexpr std::uint16_t kFlagRd = 0x0100;
constexpr std::uint16_t kFlagAd = 0x0020;
constexpr std::uint16_t kOpcodeMask = 0x7800;
constexpr std::uint16_t kRcodeMask = 0x000f;
constexpr std::uint16_t kRcodeNxdomain = 3;

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

// A domain name as lower-case wire labels, uncompressed, ending with the root's empty label:
// names compare equal exactly when their labels do.
using WireName = std::string;

Result<WireName> wire_name(std::string_view text) {
  if (text.ends_with('.')) text.remove_suffix(1);
  WireName out;
  while (!text.empty()) {
    const auto dot = text.find('.');
    const std::string_view label = text.substr(0, dot);
    if (label.empty()) return fail("empty label", std::string(text));
    if (label.size() > 63) return fail("label longer than 63 octets", std::string(label));
    out += static_cast<char>(label.size());
    out += ascii::lower(label);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  out += '\0';
  if (out.size() > kMaxNameWire) return fail("name longer than 255 octets in wire form");
  return out;
}

// Presentation form without the final dot ("." for the root); bytes other than letters,
// digits, '-' and '_' are written as \DDD (RFC 1035 §5.1).
std::string text_name(const WireName& wire) {
  std::string out;
  std::size_t i = 0;
  while (i < wire.size() && wire[i] != '\0') {
    const auto len = static_cast<std::uint8_t>(wire[i]);
    if (!out.empty()) out += '.';
    for (char c : std::string_view(wire).substr(i + 1, len)) {
      const auto u = static_cast<unsigned char>(c);
      if (ascii::is_alnum(c) || c == '-' || c == '_') {
        out += c;
      } else {
        out += fmt::format("\\{:03}", u);
      }
    }
    i += 1 + len;
  }
  return out.empty() ? std::string(".") : out;
}

class Reader {
 public:
  explicit Reader(std::string_view msg) : msg_(msg) {}

  std::size_t pos() const { return pos_; }
  bool left(std::size_t n) const { return msg_.size() - pos_ >= n; }

  Result<std::uint16_t> u16(const char* what) {
    if (!left(2)) return fail(fmt::format("message ends inside {}", what), at());
    const auto v = static_cast<std::uint16_t>(byte(pos_) << 8 | byte(pos_ + 1));
    pos_ += 2;
    return v;
  }

  Result<std::uint32_t> u32(const char* what) {
    auto hi = u16(what);
    if (!hi) return std::unexpected(hi.error());
    auto lo = u16(what);
    if (!lo) return std::unexpected(lo.error());
    return static_cast<std::uint32_t>(*hi) << 16 | *lo;
  }

  // Reads a possibly compressed name at the current position. A pointer must point strictly
  // before the label it replaces, so that no chain of pointers can loop.
  Result<WireName> name() { return name_at(pos_, true); }

  Result<WireName> name_at(std::size_t start, bool advance) {
    WireName out;
    std::size_t i = start;
    std::size_t limit = start;  // pointers must go below this
    bool jumped = false;
    while (true) {
      if (i >= msg_.size()) return fail("name runs past the end of the message", at(i));
      const std::uint8_t len = byte(i);
      if ((len & 0xc0) == 0xc0) {
        if (i + 1 >= msg_.size()) return fail("compression pointer cut short", at(i));
        const std::size_t target = static_cast<std::size_t>(len & 0x3f) << 8 | byte(i + 1);
        if (target >= limit) return fail("compression pointer does not point back", at(i));
        if (!jumped && advance) pos_ = i + 2;
        jumped = true;
        limit = target;
        i = target;
        continue;
      }
      if (len > 63) return fail(fmt::format("label type 0x{:02x}", len), at(i));
      if (i + 1 + len > msg_.size()) return fail("label runs past the end", at(i));
      out += static_cast<char>(len);
      out += ascii::lower(msg_.substr(i + 1, len));
      if (out.size() > kMaxNameWire) return fail("name longer than 255 octets", at(start));
      if (len == 0) {
        if (!jumped && advance) pos_ = i + 1;
        return out;
      }
      i += 1 + len;
    }
  }

  Result<std::string_view> bytes(std::size_t n, const char* what) {
    if (!left(n)) return fail(fmt::format("{} runs past the end of the message", what), at());
    const std::string_view v = msg_.substr(pos_, n);
    pos_ += n;
    return v;
  }

  std::string at(std::size_t offset) const { return fmt::format("offset {}", offset); }
  std::string at() const { return at(pos_); }

 private:
  std::uint8_t byte(std::size_t i) const { return static_cast<std::uint8_t>(msg_[i]); }

  std::string_view msg_;
  std::size_t pos_ = 0;
};

struct Record {
  WireName owner;
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::string rdata;  // names inside MX and CNAME data decompressed
};

// RDATA with its names expanded, for the types whose data holds one: CNAME (a name) and MX
// (preference, name). Everything else is taken as it is.
Result<std::string> expand_rdata(Reader& reader, std::uint16_t type, std::size_t length) {
  const std::size_t start = reader.pos();
  const std::size_t end = start + length;
  if (!reader.left(length)) return fail("RDATA runs past the end of the message", reader.at());
  std::string out;
  if (type == kCname || type == kMx) {
    if (type == kMx) {
      auto pref = reader.bytes(2, "MX preference");
      if (!pref) return std::unexpected(pref.error());
      out += *pref;
    }
    auto target = reader.name();
    if (!target) return std::unexpected(target.error());
    if (reader.pos() != end) return fail("RDATA length does not match its name", reader.at(start));
    out += *target;
    return out;
  }
  auto raw = reader.bytes(length, "RDATA");
  if (!raw) return std::unexpected(raw.error());
  return std::string(*raw);
}

Result<Record> read_record(Reader& reader) {
  Record r;
  auto owner = reader.name();
  if (!owner) return std::unexpected(owner.error());
  r.owner = std::move(*owner);
  auto type = reader.u16("record type");
  if (!type) return std::unexpected(type.error());
  auto klass = reader.u16("record class");
  if (!klass) return std::unexpected(klass.error());
  auto ttl = reader.u32("record TTL");
  if (!ttl) return std::unexpected(ttl.error());
  auto length = reader.u16("RDATA length");
  if (!length) return std::unexpected(length.error());
  r.type = *type;
  r.klass = *klass;
  // RFC 2181 §8: a TTL with the top bit set is read as zero.
  r.ttl = *ttl > 0x7fffffffU ? 0 : *ttl;
  auto rdata = expand_rdata(reader, r.type, *length);
  if (!rdata) return std::unexpected(rdata.error());
  r.rdata = std::move(*rdata);
  return r;
}

std::string rcode_name(unsigned rcode) {
  static constexpr std::string_view kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode < std::size(kNames)) return std::string(kNames[rcode]);
  return fmt::format("rcode {}", rcode);
}

// RFC 2308 §5: a negative answer may be cached for min(SOA TTL, SOA MINIMUM).
std::uint32_t negative_ttl(const std::vector<Record>& authority) {
  for (const Record& r : authority) {
    if (r.type == kTypeSoa && r.rdata.size() >= 20) {
      const std::string_view m = std::string_view(r.rdata).substr(r.rdata.size() - 4);
      std::uint32_t minimum = 0;
      for (char c : m)
        minimum = minimum << 8 | static_cast<std::uint8_t>(c);
      return std::min(r.ttl, minimum);
    }
  }
  return 0;
}

}  // namespace

Result<std::string> encode_query(std::uint16_t id, std::string_view name, std::uint16_t type) {
  auto qname = wire_name(name);
  if (!qname) return std::unexpected(qname.error());
  std::string out;
  out.reserve(kHeaderBytes + qname->size() + 4 + 11);
  put16(out, id);
  put16(out, kFlagRd | kFlagAd);
  put16(out, 1);  // QDCOUNT
  put16(out, 0);
  put16(out, 0);
  put16(out, 1);  // ARCOUNT: the OPT record
  out += *qname;
  put16(out, type);
  put16(out, kClassIn);
  out += '\0';  // OPT: root owner
  put16(out, kTypeOpt);
  put16(out, kEdnsPayload);
  put16(out, 0);  // extended rcode, version
  put16(out, 0);  // flags (DO clear: no signatures wanted)
  put16(out, 0);  // RDLENGTH
  return out;
}

Result<Reply> parse_reply(std::string_view wire, std::string_view name, std::uint16_t type,
                          const Limits& limits) {
  auto expected_name = wire_name(name);
  if (!expected_name) return std::unexpected(expected_name.error());
  if (wire.size() < kHeaderBytes) return fail("shorter than a DNS header");
  Reader reader(wire);
  Reply reply;
  reply.id = *reader.u16("header");
  const std::uint16_t flags = *reader.u16("header");
  const std::uint16_t counts[] = {*reader.u16("header"), *reader.u16("header"),
                                  *reader.u16("header"), *reader.u16("header")};
  if ((flags & kFlagQr) == 0) return fail("not a reply (QR clear)");
  if ((flags & kOpcodeMask) != 0) return fail("not a standard query reply (opcode)");
  reply.truncated = (flags & kFlagTc) != 0;
  reply.authenticated = (flags & kFlagAd) != 0;
  if (counts[0] != 1) return fail(fmt::format("{} questions in the reply", counts[0]));
  auto qname = reader.name();
  if (!qname) return std::unexpected(qname.error());
  auto qtype = reader.u16("question");
  if (!qtype) return std::unexpected(qtype.error());
  auto qclass = reader.u16("question");
  if (!qclass) return std::unexpected(qclass.error());
  if (*qname != *expected_name || *qtype != type || *qclass != kClassIn) {
    return fail("the reply is for another question", text_name(*qname));
  }
  if (reply.truncated) return reply;  // the sections may be cut anywhere

  std::vector<Record> answers;
  std::vector<Record> authority;
  for (int section = 1; section <= 2; ++section) {
    for (std::uint16_t i = 0; i < counts[section]; ++i) {
      auto record = read_record(reader);
      if (!record) return std::unexpected(record.error());
      if (record->klass != kClassIn) continue;
      (section == 1 ? answers : authority).push_back(std::move(*record));
    }
  }
  // The additional section (OPT and glue) is not needed.

  Answer& a = reply.answer;
  const unsigned rcode = flags & kRcodeMask;
  if (rcode != 0 && rcode != kRcodeNxdomain) {
    a.status = Status::servfail;
    a.why = rcode_name(rcode);
    return reply;
  }
  WireName owner = *expected_name;
  std::optional<std::uint32_t> ttl;
  auto take_ttl = [&ttl](std::uint32_t t) { ttl = ttl ? std::min(*ttl, t) : t; };
  for (std::size_t hops = 0;; ++hops) {
    const auto cname = std::ranges::find_if(answers, [&](const Record& r) {
      return r.type == kCname && type != kCname && r.owner == owner;
    });
    if (cname == answers.end()) break;
    if (hops == limits.dns_cname_hops) {
      return fail(
          fmt::format("CNAME chain longer than {} (limit dns_cname_hops)", limits.dns_cname_hops),
          text_name(*expected_name));
    }
    owner = cname->rdata;
    take_ttl(cname->ttl);
  }
  if (owner != *expected_name) a.canonical_name = text_name(owner);
  for (const Record& r : answers) {
    if (r.type != type || r.owner != owner) continue;
    take_ttl(r.ttl);
    a.rdata.push_back(r.rdata);  // names in MX data already uncompressed, as decode_mx expects
  }
  if (rcode == kRcodeNxdomain) {
    a.status = Status::nxdomain;
    a.rdata.clear();  // records beside NXDOMAIN contradict it
    a.ttl = negative_ttl(authority);
  } else if (!a.rdata.empty()) {
    a.status = Status::answer;
    a.ttl = ttl.value_or(0);
  } else {
    a.status = Status::nodata;
    a.ttl = negative_ttl(authority);
  }
  return reply;
}

}  // namespace webshield::dns
