#include "core/digest.hpp"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <array>

namespace webshield {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  std::string hex;
  hex.reserve(2 * digest.size());
  for (unsigned char c : digest)
    hex += fmt::format("{:02x}", c);
  return hex;
}

}  // namespace webshield
