// `webshield reports list|show`: the stored reports, newest first, in a table or in the
// normalised JSON form of `report parse --json` with the store's id, received_at and origin;
// `show --raw` writes the bytes exactly as they were received.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "report/render.hpp"
#include "store/json.hpp"

namespace webshield::cli {
namespace {

struct ListArgs {
  DbArgs db;
  SelectionArgs selection;
  std::size_t limit = 100;
  store::Id before = 0;
  bool json = false;
};

struct ShowArgs {
  DbArgs db;
  store::Id id = 0;
  bool raw = false;
};

void print_table(const std::vector<store::StoredReport>& reports) {
  Table t({"id", "received", "organisation", "report id", "start", "policy domains", "succeeded",
           "failed"},
          {true, false, false, false, false, false, true, true});
  for (const store::StoredReport& s : reports) {
    std::set<std::string> domains;
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
    for (const report::Policy& p : s.report.policies) {
      domains.insert(p.policy_domain.value_or("(none)"));
      ok += p.successful_sessions;
      if (p.failed_sessions) {
        failed += *p.failed_sessions;
      } else {
        for (const report::FailureDetail& d : p.failure_details)
          failed += d.failed_session_count;
      }
    }
    t.add({std::to_string(s.id), when(s.received_at), s.report.organization_name,
           s.report.report_id, when(s.report.date_range.start).substr(0, 10),
           fmt::format("{}", fmt::join(domains, ", ")), std::to_string(ok),
           std::to_string(failed)});
  }
  t.print(std::cout);
}

}  // namespace

void add_reports_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand("reports", "Stored TLS-RPT reports");
  cmd->require_subcommand(1);

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list = cmd->add_subcommand(
      "list",
      "List stored reports, newest first. Exit status 0, 1 the database cannot be opened, "
      "64 bad usage.");
  add_db_option(*list, list_args->db);
  add_selection_options(*list, list_args->selection, true);
  list->add_option("--limit", list_args->limit, "At most this many reports")
      ->check(CLI::Range(std::size_t{1}, store::kMaxListLimit));
  list->add_option("--before", list_args->before,
                   "Only reports with a smaller id (the next page: the last id shown)");
  list->add_flag("--json", list_args->json,
                 "JSON Lines: the normalised form of each report with its id, received_at and "
                 "origin");
  list->callback([list_args, &status] {
    auto sel = selection_from(list_args->selection, static_cast<UnixSeconds>(std::time(nullptr)));
    if (!sel) {
      std::cerr << "webshield: " << sel.error().describe() << '\n';
      status = kExitUsage;
      return;
    }
    auto store = open_store(list_args->db, status);
    if (!store) return;
    store::ListOptions options;
    options.selection = *sel;
    options.limit = list_args->limit;
    if (list_args->before > 0) options.before = list_args->before;
    auto reports = stored_value(store->reports(options), status);
    if (!reports) return;
    if (list_args->json) {
      for (const store::StoredReport& s : *reports)
        std::cout << json_line(store::to_json(s)) << '\n';
    } else {
      print_table(*reports);
    }
    status = 0;
  });

  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = cmd->add_subcommand(
      "show",
      "Show one stored report in the normalised JSON form, or with --raw the bytes as they "
      "were received. Exit status 0, 1 the database cannot be opened, 2 no such report.");
  add_db_option(*show, show_args->db);
  show->add_option("id", show_args->id, "The report's id (see reports list)")->required();
  show->add_flag("--raw", show_args->raw,
                 "Write the report exactly as received (mail, gzip or JSON) to standard output");
  show->callback([show_args, &status] {
    auto store = open_store(show_args->db, status);
    if (!store) return;
    auto found = stored_value(store->report(show_args->id, show_args->raw), status);
    if (!found) return;
    if (!*found) {
      std::cerr << "webshield: no report " << show_args->id << '\n';
      status = kExitNotFound;
      return;
    }
    const store::StoredReport& s = **found;
    if (show_args->raw) {
      std::cout.write(s.raw->data(), static_cast<std::streamsize>(s.raw->size()));
    } else {
      std::cout << store::to_json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
    }
    std::cout.flush();
    status = 0;
  });
}

}  // namespace webshield::cli
