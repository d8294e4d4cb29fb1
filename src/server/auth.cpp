// Credentials: the auth file's grammar, PBKDF2 and SHA-256 with OpenSSL, and sessions.
#include "server/auth.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>

#include "core/ascii.hpp"
#include "core/digest.hpp"

namespace webshield::server {
namespace {

constexpr std::size_t kHashBytes = 32;
constexpr unsigned kMinIterations = 10'000;
constexpr unsigned kMaxIterations = 10'000'000;

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 1024) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i)
    --size;  // padding
  out.resize(size);
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (ec != std::errc() || p != text.data() + i + 2) return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

std::string sha256(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

std::string pbkdf2(std::string_view password, std::string_view salt, unsigned iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    line = ascii::trim_wsp(line);
    if (line.empty()) return out;
    std::size_t end = 0;
    while (end < line.size() && !ascii::is_wsp(line[end]))
      ++end;
    out.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

Result<Credential> parse_entry(const std::vector<std::string_view>& w) {
  if (w.size() != 3) return fail("expected 'user NAME HASH' or 'token NAME HASH'");
  Credential c;
  c.name = std::string(w[1]);
  const auto parts = split(w[2], '$');
  if (w[0] == "user") {
    c.kind = Credential::Kind::user;
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256")
      return fail("a user's hash must be pbkdf2-sha256$ITERATIONS$SALT$HASH");
    auto [p, ec] =
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), c.iterations);
    if (ec != std::errc() || p != parts[1].data() + parts[1].size() || c.iterations < kMinIterations
        || c.iterations > kMaxIterations)
      return fail(
          fmt::format("iterations must be a number from {} to {}", kMinIterations, kMaxIterations));
    auto salt = unbase64(parts[2]);
    auto hash = unbase64(parts[3]);
    if (!salt || salt->size() < 8) return fail("the salt is not base64 of at least 8 bytes");
    if (!hash || hash->size() != kHashBytes) return fail("the hash is not base64 of 32 bytes");
    c.salt = std::move(*salt);
    c.hash = std::move(*hash);
  } else if (w[0] == "token") {
    c.kind = Credential::Kind::token;
    if (parts.size() != 2 || parts[0] != "sha256") return fail("a token's hash must be sha256$HEX");
    auto hash = unhex(parts[1]);
    if (!hash || hash->size() != kHashBytes) return fail("the hash is not 64 hex digits");
    c.hash = std::move(*hash);
  } else {
    return fail("unknown entry '" + ascii::printable(w[0]) + "': expected user or token");
  }
  return c;
}

}  // namespace

Result<std::vector<Credential>> parse_auth_file(std::string_view text) {
  std::vector<Credential> out;
  std::size_t number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = line.substr(0, line.find('#'));
    const auto w = words(line);
    if (w.empty()) continue;
    auto entry = parse_entry(w);
    if (!entry) return fail(entry.error().message, fmt::format("line {}", number));
    out.push_back(std::move(*entry));
  }
  return out;
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes from OpenSSL");
  std::string text = base64(raw);
  std::ranges::replace(text, '+', '-');
  std::ranges::replace(text, '/', '_');
  std::erase(text, '=');
  return text;
}

std::string hash_password_line(std::string_view name, std::string_view password,
                               unsigned iterations) {
  std::string salt(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 16) != 1)
    throw std::runtime_error("no random bytes from OpenSSL");
  return fmt::format("user {} pbkdf2-sha256${}${}${}", name, iterations, base64(salt),
                     base64(pbkdf2(password, salt, iterations)));
}

Credential token_credential(std::string name, std::string_view token) {
  Credential c;
  c.kind = Credential::Kind::token;
  c.name = std::move(name);
  c.hash = sha256(token);
  return c;
}

std::pair<std::string, std::string> new_token_line(std::string_view name) {
  std::string token = random_token();
  return {token, fmt::format("token {} sha256${}", name, sha256_hex(token))};
}

std::optional<std::string> Authenticator::check_password(std::string_view user,
                                                         std::string_view password) const {
  for (const Credential& c : credentials_) {
    if (c.kind != Credential::Kind::user || c.name != user) continue;
    if (same_secret(pbkdf2(password, c.salt, c.iterations), c.hash)) return c.name;
    return std::nullopt;
  }
  // The same work for an unknown user, so that timing does not tell which names exist.
  (void)pbkdf2(password, "webshield-unknown-user", 210'000);
  return std::nullopt;
}

std::optional<std::string> Authenticator::check_token(std::string_view token) const {
  const std::string digest = sha256(token);
  std::optional<std::string> found;
  for (const Credential& c : credentials_)
    if (c.kind == Credential::Kind::token && same_secret(digest, c.hash) && !found) found = c.name;
  return found;
}

std::string session_key(std::string_view id) {
  return sha256_hex(id);
}

void Sessions::remember(std::string id, std::string user, Clock::time_point now,
                        Clock::duration left) {
  if (sessions_.size() >= max_sessions_ && !sessions_.contains(id)) {
    std::erase_if(sessions_, [&](const auto& s) { return s.second.until <= now; });
    if (sessions_.size() >= max_sessions_) {
      auto first = std::ranges::min_element(
          sessions_, [](const auto& a, const auto& b) { return a.second.until < b.second.until; });
      sessions_.erase(first);
    }
  }
  const Clock::duration kept = std::min<Clock::duration>(fresh_, left);
  sessions_[std::move(id)] = Session{std::move(user), now + kept};
}

std::optional<std::string> Sessions::user(std::string_view id, Clock::time_point now) {
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.until <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.user;
}

void Sessions::forget(std::string_view id) {
  sessions_.erase(std::string(id));
}

}  // namespace webshield::server
