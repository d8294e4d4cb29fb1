// `webshield report parse FILE...`: reads TLS-RPT reports (RFC 8460 §4) as they arrive —
// JSON, gzip, zip or a report mail — told apart by content, never by file name, and prints the
// normalised form or a summary. Input is untrusted; every read and decode is bounded by Limits
// (the intake step of src/ingest, shared with `webshield ingest`).
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/dkim_options.hpp"
#include "ingest/intake.hpp"
#include "ingest/local_sources.hpp"
#include "report/render.hpp"

namespace webshield::cli {
namespace {

struct ParseArgs {
  std::vector<std::string> files;
  bool json = false;
  DkimArgs dkim;
};

Result<ingest::Parsed> parse_one(const std::string& path, ingest::Intake& intake) {
  const Limits& limits = intake.limits();
  const std::size_t max = ingest::max_item_bytes(ingest::Kind::sniff, limits);
  auto bytes = ingest::read_capped(path, max);
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->over) return fail(fmt::format("larger than {} bytes (limit report_mail_bytes)", max));
  auto parsed = intake.read(bytes->bytes, ingest::Kind::sniff);
  if (!parsed) return fail(parsed.error().reason);
  if (parsed->source.transport == "file" && path != "-") parsed->source.name = path;
  return std::move(*parsed);
}

}  // namespace

void add_report_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand("report", "Read TLS-RPT reports (RFC 8460)");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ParseArgs>();
  CLI::App* parse = cmd->add_subcommand(
      "parse",
      "Parse reports: JSON, gzip, zip or a report mail (.eml), told apart by content; print the "
      "normalised form or a summary. Exit status 0 all parsed, 2 if any was refused.");
  parse->add_option("files", args->files, "Report files; '-' reads standard input")->required();
  parse->add_flag("--json", args->json,
                  "Print the normalised JSON form, one object per line (JSON Lines)");
  add_dkim_options(*parse, args->dkim);
  parse->callback([args, &status] {
    const Limits limits;
    auto keys = DkimKeys::create(args->dkim, limits);
    if (!keys) {
      std::cerr << "webshield: " << keys.error().describe() << '\n';
      status = args->dkim.keys_file.empty() ? kExitUsage : 2;
      return;
    }
    ingest::Intake intake(limits, {.verify_dkim = !args->dkim.no_dkim}, (*keys)->lookup());
    status = 0;
    bool first = true;
    for (const std::string& path : args->files) {
      auto parsed = parse_one(path, intake);
      if (!parsed) {
        std::cerr << "webshield: " << (path == "-" ? "(stdin)" : path)
                  << ": refused: " << parsed.error().describe() << '\n';
        status = 2;
        continue;
      }
      if (args->json) {
        std::cout << report::to_json(parsed->report, parsed->source).dump() << '\n';
      } else {
        if (!first) std::cout << '\n';
        report::print_summary(std::cout, parsed->report, parsed->source);
      }
      first = false;
    }
  });
}

}  // namespace webshield::cli
