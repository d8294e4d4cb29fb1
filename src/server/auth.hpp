// Who may see the dashboard and the API: the auth file's users (password hashed with
// PBKDF2-HMAC-SHA256) and tokens (SHA-256 of a random token), sign-in sessions, and the
// comparison of secrets in constant time. The auth file is trusted configuration; passwords,
// tokens and cookies come from clients.
//
// Auth file, one entry per line ('#' starts a comment):
//   user NAME pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64
//   token NAME sha256$HEX
// `webshield auth user NAME` and `webshield auth token NAME` write such lines.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace webshield::server {

struct Credential {
  enum class Kind { user, token } kind = Kind::user;
  std::string name;
  unsigned iterations = 0;  // users
  std::string salt;         // users, raw bytes
  std::string hash;         // raw bytes: PBKDF2 output, or SHA-256 of the token
};

// Errors name the line.
Result<std::vector<Credential>> parse_auth_file(std::string_view text);

// The auth-file line for a user with this password (a new random salt).
std::string hash_password_line(std::string_view name, std::string_view password,
                               unsigned iterations = 210'000);
// A new random token (URL-safe base64 of 32 bytes) and its auth-file line.
std::pair<std::string, std::string> new_token_line(std::string_view name);

// The credential of a token that is not in a file (the one made at start-up).
Credential token_credential(std::string name, std::string_view token);

// A random URL-safe string of `bytes` random bytes.
std::string random_token(std::size_t bytes = 32);

class Authenticator {
 public:
  explicit Authenticator(std::vector<Credential> credentials)
      : credentials_(std::move(credentials)) {}

  // The user's name when the password is right. Costs one PBKDF2 run, also for unknown users.
  std::optional<std::string> check_password(std::string_view user, std::string_view password) const;
  // The token's name when it is one of ours.
  std::optional<std::string> check_token(std::string_view token) const;

  bool empty() const { return credentials_.empty(); }

 private:
  std::vector<Credential> credentials_;
};

// What the database keeps of a session id (the cookie's value): its SHA-256 in hex.
std::string session_key(std::string_view id);

// Signed-in sessions live in the database (Store::open_session): every server on it knows them
// and a restart signs nobody out. This is a server's memory in front of it: a session read from
// the database is answered from here for at most `fresh`, so that a sign-out on another server
// takes effect within that. Bounded; the entry closest to its end goes first when full. Not
// thread-safe: used from the event loop.
class Sessions {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Sessions(std::chrono::seconds fresh = std::chrono::seconds(60),
                    std::size_t max_sessions = 10'000)
      : fresh_(fresh), max_sessions_(max_sessions) {}

  // Session `id` is `user`'s for `left` from `now` (its time in the database).
  void remember(std::string id, std::string user, Clock::time_point now, Clock::duration left);
  // The user of a session remembered and still fresh.
  std::optional<std::string> user(std::string_view id, Clock::time_point now);
  void forget(std::string_view id);

 private:
  struct Session {
    std::string user;
    Clock::time_point until;
  };
  std::chrono::seconds fresh_;
  std::size_t max_sessions_;
  std::unordered_map<std::string, Session> sessions_;
};

}  // namespace webshield::server
