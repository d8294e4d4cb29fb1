// Pure helpers for the server's requests and answers: query strings, media types, cookies,
// Authorization and X-Forwarded-For fields. Untrusted input, bounded by the header limit the
// HTTP reader enforces before any of these run.
#include "server/http.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/ip_address.hpp"

namespace webshield::server {
namespace {

int hex_value(char c) {
  if (ascii::is_digit(c)) return c - '0';
  return ascii::to_lower(c) - 'a' + 10;
}

std::string form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && ascii::is_hex(s[i + 1])
               && ascii::is_hex(s[i + 2])) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> RequestHead::field(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

Response error_response(int status, std::string_view message) {
  nlohmann::json j = {{"error", message}};
  return json_response(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.body += '\n';
  return r;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query,
                                                             std::size_t max_pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty() && out.size() < max_pairs) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(form_decode(pair), std::string());
    } else {
      out.emplace_back(form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
    }
  }
  return out;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  for (auto& [k, v] : parse_query(query))
    if (k == name) return std::move(v);
  return std::nullopt;
}

std::string media_type(std::string_view content_type) {
  return ascii::lower(ascii::trim_wsp(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    const std::string_view pair = ascii::trim_wsp(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = ascii::trim_wsp(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()
      || ascii::lower(authorization.substr(0, kScheme.size())) != kScheme)
    return std::nullopt;
  const std::string_view token = ascii::trim_wsp(authorization.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string> forwarded_client(std::string_view forwarded_for) {
  const std::size_t comma = forwarded_for.rfind(',');
  const std::string last(ascii::trim_wsp(
      comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1)));
  if (is_ip_address(last)) return last;
  return std::nullopt;
}

std::string client_key(std::string_view address) {
  auto six = parse_ipv6(address);
  if (!six) return std::string(address);
  std::uint8_t* buf = six->data();
  constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN];
  if (std::equal(kMapped, kMapped + 12, buf)) {  // ::ffff:a.b.c.d, an IPv4 client
    if (inet_ntop(AF_INET, buf + 12, out, sizeof out) == nullptr) return std::string(address);
    return out;
  }
  std::fill(buf + 8, buf + 16, 0);
  if (inet_ntop(AF_INET6, buf, out, sizeof out) == nullptr) return std::string(address);
  return std::string(out) + "/64";
}

}  // namespace webshield::server
