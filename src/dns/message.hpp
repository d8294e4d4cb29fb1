// DNS messages for the stub resolver (RFC 1035 §4, RFC 6891 EDNS(0), RFC 6840 §5.7 the AD
// bit): a recursive query for one question, and the reading of a reply into an Answer.
// Pure; replies are untrusted input: every length and compression pointer is checked against
// the bytes present, and CNAME chains are bounded by Limits::dns_cname_hops.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "dns/answer.hpp"

namespace webshield::dns {

// The UDP payload size we advertise (the DNS flag day 2020 value): larger answers come
// truncated and are asked again over TCP.
inline constexpr std::uint16_t kEdnsPayload = 1232;

// A query with RD set, AD set (asking a validating resolver to say whether it validated),
// and an EDNS(0) OPT record. `name` is a domain name in text form, with or without the
// final dot; fails on an empty label or a name longer than 253 octets.
Result<std::string> encode_query(std::uint16_t id, std::string_view name, std::uint16_t type);

struct Reply {
  std::uint16_t id = 0;
  bool truncated = false;      // TC: ask again over TCP
  bool authenticated = false;  // AD: the resolver validated every record in the answer
  Answer answer;
};

// Reads a reply to the question (`name`, `type`, class IN). The question section must echo
// it (ASCII case ignored); the answer is the RRset of `type` at the end of the CNAME chain
// that starts at `name`. `security` is left indeterminate: whether AD can be believed is
// the caller's decision.
Result<Reply> parse_reply(std::string_view wire, std::string_view name, std::uint16_t type,
                          const Limits& limits = {});

}  // namespace webshield::dns
