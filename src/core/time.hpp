// RFC 3339 date-times read into UTC seconds, and written back as "YYYY-MM-DDTHH:MM:SSZ".
// Pure: untrusted input, no clock. RFC 3339 §5.6; the time zone may be missing (a quirk the
// caller decides about: TLS-RPT reports from Microsoft omit it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webshield {

// Seconds since 1970-01-01T00:00:00Z (leap seconds folded into :59, as POSIX does).
using UnixSeconds = std::int64_t;

struct ParsedTime {
  UnixSeconds utc = 0;
  bool had_zone = true;          // false: no "Z" or offset; read as UTC
  bool had_fraction = false;     // fractional seconds, dropped
  bool had_leap_second = false;  // ":60", read as ":59"
};

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)", 't'/'z' in either case (RFC 3339
// §5.6 note), and the same without a zone. Years 0001-9999.
Result<ParsedTime> parse_rfc3339(std::string_view text);

// "2024-09-15T00:00:00Z".
std::string format_utc(UnixSeconds t);

}  // namespace webshield
