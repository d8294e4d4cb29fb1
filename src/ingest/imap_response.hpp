// The few IMAP4rev1 server responses (RFC 3501 §7) that `webshield ingest --imap` reads itself:
// the SEARCH result (§7.2.5), UIDVALIDITY from SELECT/EXAMINE (§7.1) and CAPABILITY (§7.2.1).
// Their input is the untagged response lines ("* …\r\n") that libcurl hands over for a custom
// command. Pure: the server is not trusted; every answer is bounded by Limits.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::ingest {

struct SearchResult {
  std::vector<std::uint32_t> uids;  // ascending, no repeats
  bool truncated = false;           // more than Limits::imap_search_uids: the lowest are kept
};

// Every "* SEARCH n n …" line; other untagged lines are ignored. A number that is not an
// nz-number (1 to 4294967295, RFC 3501 §9) is an error.
Result<SearchResult> parse_search(std::string_view lines, const Limits& limits = {});

// The UIDVALIDITY response code of "* OK [UIDVALIDITY n] …"; an error when there is none.
Result<std::uint32_t> parse_uidvalidity(std::string_view lines, const Limits& limits = {});

struct Capabilities {
  bool move = false;     // RFC 6851 UID MOVE
  bool uidplus = false;  // RFC 4315 UID EXPUNGE
};

// The "* CAPABILITY …" line(s); no such line means no extensions.
Result<Capabilities> parse_capabilities(std::string_view lines, const Limits& limits = {});

}  // namespace webshield::ingest
