// The server's view of an HTTP exchange, without Beast: what a route reads and what it answers.
// The routes (src/server/routes.cpp) see only these types, so that the untrusted-byte handling
// of the HTTP/1.1 wire stays in one file (http_server.cpp). The helpers are pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace webshield::server {

// The request line and header fields, available before the body is read.
struct RequestHead {
  std::string method;                                       // "GET", "POST", …
  std::string path;                                         // the target before '?', not decoded
  std::string query;                                        // after '?', not decoded
  std::vector<std::pair<std::string, std::string>> fields;  // names in lower case
  std::string client;  // the peer's address (or the proxy's X-Forwarded-For, when trusted)
  bool tls = false;

  // The first field of that (lower-case) name.
  std::optional<std::string_view> field(std::string_view name) const;
};

struct Request {
  RequestHead head;
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
  bool close = false;  // close the connection after this answer
};

// {"error": message} with the status.
Response error_response(int status, std::string_view message);
// A JSON body (already serialised).
Response json_response(int status, std::string body);

// application/x-www-form-urlencoded pairs of a query string, decoded; malformed %-escapes are
// kept as they are. At most `max_pairs` pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query,
                                                             std::size_t max_pairs = 32);
std::optional<std::string> query_value(std::string_view query, std::string_view name);

// The media type of a Content-Type value, in lower case and without parameters.
std::string media_type(std::string_view content_type);

// A cookie's value from a Cookie header field ("a=1; b=2").
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

// The token of "Authorization: Bearer TOKEN" (scheme case-insensitive).
std::optional<std::string_view> bearer_token(std::string_view authorization);

// The client an X-Forwarded-For field names: its last entry, added by the proxy in front of
// us; nullopt when that entry is not an IP address.
std::optional<std::string> forwarded_client(std::string_view forwarded_for);

// The key a per-client limit counts under: an IPv4 address as it is, an IPv6 address by its
// /64 (one customer's network), anything else as it is.
std::string client_key(std::string_view address);

}  // namespace webshield::server
