// Builds DNS replies byte by byte for the message and stub resolver tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace webshield::dns::dnstest {

inline std::string u16(std::uint16_t v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}

inline std::string u32(std::uint32_t v) {
  return u16(static_cast<std::uint16_t>(v >> 16)) + u16(static_cast<std::uint16_t>(v & 0xffff));
}

// "a.example" → \1a\7example\0
inline std::string wire(std::string_view name) {
  std::string out;
  while (!name.empty()) {
    const auto dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    out += static_cast<char>(label.size());
    out += label;
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
  }
  return out + '\0';
}

// A compression pointer to `offset`.
inline std::string pointer(std::uint16_t offset) {
  return u16(static_cast<std::uint16_t>(0xc000 | offset));
}

struct ReplyBuilder {
  std::uint16_t id = 0x1234;
  std::uint16_t flags = 0x8180;  // QR, RD, RA, NOERROR
  std::string question;          // owner wire name + type + class
  int answers = 0;
  int authority = 0;
  std::string records;

  ReplyBuilder(std::string_view qname, std::uint16_t qtype)
      : question(wire(qname) + u16(qtype) + u16(1)) {}

  // An RR with an already encoded owner (a wire name or a pointer).
  ReplyBuilder& rr(const std::string& owner, std::uint16_t type, std::uint32_t ttl,
                   const std::string& rdata, bool in_authority = false, std::uint16_t klass = 1) {
    records += owner + u16(type) + u16(klass) + u32(ttl)
               + u16(static_cast<std::uint16_t>(rdata.size())) + rdata;
    ++(in_authority ? authority : answers);
    return *this;
  }

  std::string build() const {
    return u16(id) + u16(flags) + u16(1) + u16(static_cast<std::uint16_t>(answers))
           + u16(static_cast<std::uint16_t>(authority)) + u16(0) + question + records;
  }
};

// The question name starts right after the 12-byte header.
inline constexpr std::uint16_t kQuestionName = 12;

}  // namespace webshield::dns::dnstest
