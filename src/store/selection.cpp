// Reading a selection of reports from words: "30d", "2026-11-01", an RFC 3339 date-time.
#include "store/selection.hpp"

#include <charconv>

namespace webshield::store {

Result<UnixSeconds> parse_when(std::string_view text, UnixSeconds now, bool until) {
  constexpr UnixSeconds kDay = 86'400;
  if (text.size() >= 2 && text.back() == 'd') {
    std::uint32_t days = 0;
    const std::string_view digits = text.substr(0, text.size() - 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), days);
    if (ec != std::errc() || end != digits.data() + digits.size() || days > 3'000'000) {
      return fail("not a number of days: " + std::string(text));
    }
    const UnixSeconds today = now - ((now % kDay) + kDay) % kDay;
    return today - static_cast<UnixSeconds>(days) * kDay;
  }
  if (text.size() == 10) {
    auto day = parse_rfc3339(std::string(text) + "T00:00:00Z");
    if (!day) return fail("not a date (YYYY-MM-DD): " + std::string(text));
    return day->utc + (until ? kDay : 0);
  }
  auto t = parse_rfc3339(text);
  if (!t || !t->had_zone) {
    return fail("not 30d, YYYY-MM-DD or an RFC 3339 date-time with a time zone: "
                + std::string(text));
  }
  return t->utc;
}

Result<Selection> make_selection(std::string_view domain, std::string_view since,
                                 std::string_view until, UnixSeconds now) {
  Selection sel;
  if (!domain.empty()) sel.policy_domain = std::string(domain);
  if (!since.empty()) {
    auto t = parse_when(since, now, false);
    if (!t) return fail(t.error().message, "since");
    sel.since = *t;
  }
  if (!until.empty()) {
    auto t = parse_when(until, now, true);
    if (!t) return fail(t.error().message, "until");
    sel.until = *t;
  }
  return sel;
}

}  // namespace webshield::store
