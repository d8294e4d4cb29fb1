#include "core/time.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/ascii.hpp"

namespace webshield {
namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!ascii::is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Result<ParsedTime> parse_rfc3339(std::string_view s) {
  // full-date "T" partial-time: 19 characters at least.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month)
      || s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't')
      || !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':'
      || !digits(s, 17, 2, second)) {
    return fail("not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || !ymd.ok()) return fail("no such date");
  ParsedTime t;
  // RFC 3339 §5.7: a leap second is 60.
  if (hour > 23 || minute > 59 || second > 60) return fail("no such time of day");
  if (second == 60) {
    t.had_leap_second = true;
    second = 59;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && ascii::is_digit(s[pos]))
      ++pos;
    if (pos == start) return fail("'.' without fraction digits");
    t.had_fraction = true;
  }
  long offset = 0;
  if (pos == s.size()) {
    t.had_zone = false;
  } else if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (s.size() != pos + 6 || !digits(s, pos + 1, 2, oh) || s[pos + 3] != ':'
        || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return fail("time offset is not +hh:mm or -hh:mm");
    }
    offset = (oh * 60L + om) * 60L * (s[pos] == '-' ? -1 : 1);
  } else {
    return fail("unexpected text after the time");
  }
  const auto days = sys_days{ymd}.time_since_epoch().count();
  t.utc = static_cast<UnixSeconds>(days) * 86400 + hour * 3600L + minute * 60L + second - offset;
  return t;
}

std::string format_utc(UnixSeconds t) {
  using namespace std::chrono;
  const auto days = static_cast<long>(t >= 0 ? t / 86400 : (t - 86399) / 86400);
  const long secs = static_cast<long>(t - static_cast<UnixSeconds>(days) * 86400);
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     secs / 3600, secs / 60 % 60, secs % 60);
}

}  // namespace webshield
