// `webshield summary`: sessions succeeded and failed in the stored reports, and the failures
// broken down by day, result type, reporting organisation, receiving MX host and sending IP,
// per policy domain (docs/store.md defines each figure). Text tables, JSON or CSV.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "explain/explain.hpp"
#include "store/json.hpp"

namespace webshield::cli {
namespace {

using store::Breakdown;

struct SummaryArgs {
  DbArgs db;
  SelectionArgs selection;
  std::string by;
  bool json = false;
  bool csv = false;
};

std::string rate(std::uint64_t successful, std::uint64_t failed) {
  const std::uint64_t total = successful + failed;
  if (total == 0) return "-";
  return fmt::format("{:.2f}%", 100.0 * static_cast<double>(failed) / static_cast<double>(total));
}

std::string or_none(const std::string& s) {
  return s.empty() ? "(none)" : s;
}

void print_csv(const Breakdown& b, const std::vector<store::Row>& rows) {
  std::cout << "policy_domain," << b.key_name
            << (b.sessions ? ",successful_sessions,failed_sessions\n" : ",failed_sessions\n");
  for (const store::Row& r : rows) {
    std::cout << csv_field(r.policy_domain) << ',' << csv_field(r.key) << ',';
    if (b.sessions) std::cout << r.successful << ',';
    std::cout << r.failed << '\n';
  }
}

// Under the result types: one line each on what it means, once per type.
void print_meanings(const std::vector<store::Row>& rows) {
  std::set<std::string> seen;
  std::size_t width = 0;
  for (const store::Row& r : rows)
    width = std::max(width, or_none(r.key).size());
  std::cout << '\n';
  for (const store::Row& r : rows) {
    if (!seen.insert(r.key).second) continue;
    std::cout << fmt::format("  {:<{}}  {}\n", or_none(r.key), width,
                             explain::explain(r.key).summary);
  }
  std::cout << "  (webshield explain TYPE: likely causes, how to confirm and fix)\n";
}

void print_text(const store::Summary& s, const std::vector<const Breakdown*>& shown) {
  std::cout << fmt::format("Reports   {}\nSessions  {} succeeded, {} failed ({} failed)\n",
                           s.reports, s.successful_sessions, s.failed_sessions,
                           rate(s.successful_sessions, s.failed_sessions));
  for (const Breakdown* b : shown) {
    const auto& rows = s.*(b->rows);
    std::cout << '\n' << b->title << '\n';
    if (rows.empty()) {
      std::cout << "  (nothing)\n";
      continue;
    }
    if (b->sessions) {
      Table t({"policy domain", std::string(b->key_header), "succeeded", "failed", "failed %"},
              {false, false, true, true, true});
      for (const store::Row& r : rows) {
        t.add({or_none(r.policy_domain), or_none(r.key), std::to_string(r.successful),
               std::to_string(r.failed), rate(r.successful, r.failed)});
      }
      t.print(std::cout, "  ");
    } else {
      Table t({"policy domain", std::string(b->key_header), "failed"}, {false, false, true});
      for (const store::Row& r : rows)
        t.add({or_none(r.policy_domain), or_none(r.key), std::to_string(r.failed)});
      t.print(std::cout, "  ");
      if (b->by == "type") print_meanings(rows);
    }
  }
}

}  // namespace

void add_summary_command(CLI::App& app, int& status) {
  auto args = std::make_shared<SummaryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "summary",
      "Sum the stored reports: sessions succeeded and failed, the failure rate, and failures "
      "by day, result type, reporting organisation, MX host and sending IP, per policy domain. "
      "Exit status 0, 1 the database cannot be opened, 64 bad usage.");
  add_db_option(*cmd, args->db);
  add_selection_options(*cmd, args->selection, true);
  cmd->add_option("--by", args->by, "Only this breakdown")
      ->check(CLI::IsMember({"day", "type", "sender", "mx", "ip"}));
  auto* json = cmd->add_flag("--json", args->json,
                             "Print one JSON object: totals and one list per breakdown");
  cmd->add_flag("--csv", args->csv, "Print the --by breakdown as CSV with a header line")
      ->excludes(json);
  cmd->callback([args, &status] {
    if (args->csv && args->by.empty()) {
      std::cerr << "webshield: --csv prints one breakdown: add --by day|type|sender|mx|ip\n";
      status = kExitUsage;
      return;
    }
    auto sel = selection_from(args->selection, static_cast<UnixSeconds>(std::time(nullptr)));
    if (!sel) {
      std::cerr << "webshield: " << sel.error().describe() << '\n';
      status = kExitUsage;
      return;
    }
    auto store = open_store(args->db, status);
    if (!store) return;
    auto summary = stored_value(store->summary(*sel), status);
    if (!summary) return;
    std::vector<const Breakdown*> shown;
    for (const Breakdown& b : store::breakdowns())
      if (args->by.empty() || args->by == b.by) shown.push_back(&b);

    if (args->csv) {
      print_csv(*shown.front(), (*summary).*(shown.front()->rows));
    } else if (args->json) {
      std::cout << json_line(store::to_json(*summary, shown)) << '\n';
    } else {
      print_text(*summary, shown);
    }
    status = 0;
  });
}

}  // namespace webshield::cli
