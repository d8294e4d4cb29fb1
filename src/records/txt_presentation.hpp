// TXT records as people paste them: dig/zone-file presentation format (RFC 1035 §5.1) with
// quoted character-strings and \" \\ \DDD escapes, or bare text. Pure; untrusted input.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "records/txt_select.hpp"

namespace webshield::records {

// One line: an optional owner/TTL/class/"TXT" prefix (as `dig` prints), then quoted
// character-strings. A line without any '"' is one character-string taken verbatim.
Result<TxtRr> parse_txt_presentation(std::string_view line);

// Several lines, one RR each; blank lines and lines starting with ';' or '#' are skipped.
Result<std::vector<TxtRr>> parse_txt_rrset(std::string_view text, std::size_t max_records);

}  // namespace webshield::records
