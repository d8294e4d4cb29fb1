// Mailbox syntax of RFC 5321 §4.1.2 (`Local-part "@" ( Domain / address-literal )`) with the
// length limits of §4.5.3.1. Pure; untrusted input.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webshield::records {

struct Mailbox {
  std::string local_part;  // as written (a quoted string keeps its quotes)
  std::string domain;      // lower-case; an address literal keeps its brackets
  bool address_literal = false;

  std::string to_string() const { return local_part + "@" + domain; }
  bool operator==(const Mailbox&) const = default;
};

Result<Mailbox> parse_mailbox(std::string_view text);

}  // namespace webshield::records
