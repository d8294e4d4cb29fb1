// SHA-256 of bytes, in lower-case hex: report identities, the digests the database keeps of
// tokens and session ids, the ids of notification destinations.
#pragma once

#include <string>
#include <string_view>

namespace webshield {

std::string sha256_hex(std::string_view data);

}  // namespace webshield
