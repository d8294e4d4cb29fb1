// The JSON forms of stored reports, summaries, reporters and quarantined items.
#include "store/json.hpp"

#include "core/time.hpp"
#include "explain/explain.hpp"
#include "report/render.hpp"

namespace webshield::store {
namespace {

constexpr Breakdown kBreakdowns[] = {
    {"day", "by_day", "Sessions by day (start of the date range, UTC)", "day", "day", true,
     &Summary::by_day},
    {"type", "by_type", "Failures by result type", "result_type", "result type", false,
     &Summary::by_type},
    {"sender", "by_sender", "Sessions by reporting organisation", "organization", "organisation",
     true, &Summary::by_sender},
    {"mx", "by_mx", "Failures by receiving MX host", "mx_host", "MX host", false, &Summary::by_mx},
    {"ip", "by_ip", "Failures by sending IP", "sending_ip", "sending IP", false, &Summary::by_ip},
};

nlohmann::json rows_json(const Breakdown& b, const std::vector<Row>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (const Row& r : rows) {
    nlohmann::json j = nlohmann::json::object();
    j["policy_domain"] = r.policy_domain;
    j[std::string(b.key_name)] = r.key;
    if (b.sessions) j["successful_sessions"] = r.successful;
    j["failed_sessions"] = r.failed;
    // What the result type means (explain/explain.hpp), briefly: the whole explanation of each
    // type is once in "explanations". Unknown types get the entry for unregistered types.
    if (b.by == "type") j["explanation"] = explain::to_json_brief(explain::explain(r.key), r.key);
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

std::span<const Breakdown> breakdowns() {
  return kBreakdowns;
}

nlohmann::json to_json(const StoredReport& stored) {
  nlohmann::json j = report::to_json(stored.report, stored.source);
  j["id"] = stored.id;
  j["received_at"] = format_utc(stored.received_at);
  j["origin"] = stored.origin;
  return j;
}

nlohmann::json to_json(const Summary& summary, std::span<const Breakdown* const> shown) {
  nlohmann::json out = nlohmann::json::object();
  out["totals"] = {{"reports", summary.reports},
                   {"successful_sessions", summary.successful_sessions},
                   {"failed_sessions", summary.failed_sessions}};
  for (const Breakdown* b : shown) {
    out[std::string(b->json_key)] = rows_json(*b, summary.*(b->rows));
    if (b->by != "type") continue;
    // Each result type's whole explanation once, keyed by the type as sent: thousands of
    // domains share a handful of types.
    nlohmann::json explanations = nlohmann::json::object();
    for (const Row& r : summary.*(b->rows)) {
      if (!explanations.contains(r.key))
        explanations[r.key] = explain::to_json(explain::explain(r.key), r.key);
    }
    out["explanations"] = std::move(explanations);
  }
  return out;
}

nlohmann::json to_json(const Summary& summary) {
  std::vector<const Breakdown*> all;
  for (const Breakdown& b : kBreakdowns)
    all.push_back(&b);
  return to_json(summary, all);
}

nlohmann::json to_json(const Quarantined& item) {
  return {{"id", item.id},
          {"transport", item.transport},
          {"origin", item.origin},
          {"reason", item.reason},
          {"received_at", format_utc(item.received_at)},
          {"size", item.size}};
}

nlohmann::json to_json(const Reporter& reporter, UnixSeconds now) {
  return {{"organization", reporter.organization},
          {"reports", reporter.reports},
          {"first_start", format_utc(reporter.first_start)},
          {"last_end", format_utc(reporter.last_end)},
          {"last_received", format_utc(reporter.last_received)},
          {"quiet", now - reporter.last_end > kQuietAfter}};
}

}  // namespace webshield::store
