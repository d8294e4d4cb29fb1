// `webshield quarantine list|show|retry`: what could not be read as a report, kept with its
// bytes and the reason, so that nothing received is lost; `show --raw` writes the bytes as
// received; `retry` (ingest_command.cpp) reads them again.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "store/json.hpp"

namespace webshield::cli {
namespace {

struct ListArgs {
  DbArgs db;
  std::size_t limit = 100;
  bool json = false;
};

struct ShowArgs {
  DbArgs db;
  store::Id id = 0;
  bool raw = false;
};

}  // namespace

void add_quarantine_command(CLI::App& app, int& status) {
  CLI::App* cmd =
      app.add_subcommand("quarantine", "What could not be read as a report, kept with its bytes");
  cmd->require_subcommand(1);

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list = cmd->add_subcommand(
      "list",
      "List quarantined items, newest first. Exit status 0, 1 the database cannot be opened.");
  add_db_option(*list, list_args->db);
  list->add_option("--limit", list_args->limit, "At most this many items")
      ->check(CLI::Range(std::size_t{1}, store::kMaxListLimit));
  list->add_flag("--json", list_args->json,
                 "JSON Lines: id, received_at, transport, origin, reason, size");
  list->callback([list_args, &status] {
    auto store = open_store(list_args->db, status);
    if (!store) return;
    auto items = stored_value(store->quarantined(list_args->limit), status);
    if (!items) return;
    if (list_args->json) {
      for (const store::Quarantined& q : *items)
        std::cout << json_line(store::to_json(q)) << '\n';
    } else {
      Table t({"id", "received", "transport", "bytes", "origin", "reason"},
              {true, false, false, true, false, false});
      for (const store::Quarantined& q : *items) {
        t.add({std::to_string(q.id), when(q.received_at), q.transport, std::to_string(q.size),
               q.origin, q.reason});
      }
      t.print(std::cout);
    }
    status = 0;
  });

  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = cmd->add_subcommand(
      "show",
      "Show one quarantined item, or with --raw its bytes as received. Exit status 0, 1 the "
      "database cannot be opened, 2 no such item.");
  add_db_option(*show, show_args->db);
  show->add_option("id", show_args->id, "The item's id (see quarantine list)")->required();
  show->add_flag("--raw", show_args->raw, "Write the bytes as received to standard output");
  show->callback([show_args, &status] {
    auto store = open_store(show_args->db, status);
    if (!store) return;
    auto found = stored_value(store->quarantined_item(show_args->id), status);
    if (!found) return;
    if (!*found) {
      std::cerr << "webshield: no quarantined item " << show_args->id << '\n';
      status = kExitNotFound;
      return;
    }
    const store::Quarantined& q = **found;
    if (show_args->raw) {
      std::cout.write(q.raw->data(), static_cast<std::streamsize>(q.raw->size()));
    } else {
      std::cout << fmt::format(
          "id         {}\nreceived   {}\ntransport  {}\norigin     {}\n"
          "size       {} bytes\nreason     {}\n",
          q.id, when(q.received_at), terminal_safe(q.transport), terminal_safe(q.origin), q.size,
          terminal_safe(q.reason));
    }
    std::cout.flush();
    status = 0;
  });

  add_quarantine_retry(*cmd, status);
}

}  // namespace webshield::cli
