// The JSON forms of what the store returns, shared by the command line (`reports list --json`,
// `summary --json`) and the server's API, so that both give the same shapes (docs/store.md,
// docs/serve.md). Only formatting.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace webshield::store {

// One breakdown of a Summary: its --by name, its list in JSON, and how its rows read.
struct Breakdown {
  std::string_view by;        // --by value
  std::string_view json_key;  // list in --json
  std::string_view title;     // heading in text
  std::string_view key_name;  // the key's column in JSON and CSV
  std::string_view key_header;
  bool sessions;  // successful and failed sessions (policies), or failures (failure details)
  std::vector<Row> Summary::*rows;
};

// day, type, sender, mx, ip: in this order.
std::span<const Breakdown> breakdowns();

// The normalised report (report::to_json) with the store's id, received_at and origin.
nlohmann::json to_json(const StoredReport& stored);

// `totals` and one list per breakdown shown.
nlohmann::json to_json(const Summary& summary, std::span<const Breakdown* const> shown);
nlohmann::json to_json(const Summary& summary);

nlohmann::json to_json(const Quarantined& item);
nlohmann::json to_json(const Reporter& reporter, UnixSeconds now);

}  // namespace webshield::store
