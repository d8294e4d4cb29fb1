// `webshield db migrate|status`: brings the report database to the schema this program knows
// (opening it does that too) and shows what it holds. Trusted input: the user's own URL.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"

namespace webshield::cli {

void add_db_command(CLI::App& app, int& status) {
  CLI::App* db = app.add_subcommand("db", "Manage the report database");
  db->require_subcommand(1);
  auto args = std::make_shared<DbArgs>();

  CLI::App* migrate = db->add_subcommand(
      "migrate",
      "Apply pending schema migrations (every command does this when it opens the database) "
      "and print the version reached. Exit status 0 done, 1 the database cannot be opened.");
  add_db_option(*migrate, *args);
  migrate->callback([args, &status] {
    auto store = open_store(*args, status);
    if (!store) return;
    auto s = stored_value(store->status(), status);
    if (!s) return;
    std::cout << fmt::format("schema version {} (the latest this program knows)\n",
                             s->schema_version);
    status = 0;
  });

  CLI::App* show = db->add_subcommand(
      "status",
      "Show the database, its schema version and how many reports and quarantined items it "
      "holds. Exit status 0, 1 the database cannot be opened.");
  add_db_option(*show, *args);
  show->callback([args, &status] {
    auto store = open_store(*args, status);
    if (!store) return;
    auto s = stored_value(store->status(), status);
    if (!s) return;
    const std::string url = args->url.empty() ? store::default_url() : args->url;
    std::cout << fmt::format(
        "database        {}\nbackend         {}\nschema version  {} (this program knows {})\n"
        "reports         {}\nquarantined     {}\n",
        store::redact_url(url), s->backend, s->schema_version, store::latest_schema_version(),
        s->reports, s->quarantined);
    status = 0;
  });
}

}  // namespace webshield::cli
