// What a resolver hands back for one question: its rcode class, DNSSEC state, TTL and the
// RDATA of the records asked for. Pure data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace webshield::dns {

// What kind of answer came back (the "rcode class").
enum class Status { answer, nxdomain, nodata, servfail, timeout };
// The validator's verdict on it (RFC 4035 §4.3).
enum class Security { secure, insecure, bogus, indeterminate };

std::string_view to_string(Status status);
std::string_view to_string(Security security);

struct Answer {
  Status status = Status::servfail;
  Security security = Security::indeterminate;
  std::uint32_t ttl = 0;
  std::string canonical_name;      // the owner after CNAMEs, empty when there were none
  std::vector<std::string> rdata;  // uncompressed wire RDATA, one entry per RR
  std::string why;                 // resolver's explanation of a failure or bogus answer

  // NXDOMAIN or NODATA, proven or not: the name has no such record.
  bool negative() const { return status == Status::nxdomain || status == Status::nodata; }
  // The question could not be answered trustworthily (SERVFAIL, timeout, bogus).
  bool failed() const {
    return status == Status::servfail || status == Status::timeout || security == Security::bogus;
  }
};

}  // namespace webshield::dns
