// A Selection of reports from what people type (`--since 30d`, `?since=2026-11-01`), for the
// command line and the API alike. Pure.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace webshield::store {

// "30d" (the start of the UTC day 30 days before today), "YYYY-MM-DD" (that UTC day) or an
// RFC 3339 date-time. An `until` date includes its whole day.
Result<UnixSeconds> parse_when(std::string_view text, UnixSeconds now, bool until);

// Empty texts leave that part of the selection open; errors name "since" or "until".
Result<Selection> make_selection(std::string_view domain, std::string_view since,
                                 std::string_view until, UnixSeconds now);

}  // namespace webshield::store
