// `webshield alerts check`: evaluates the alert rules once against the stored reports and
// (posture rules) live checks of the [[domain]]s (for cron), delivers what changed to the
// [[notify]] destinations of the configuration file and keeps the state so that an alert notifies
// once when it fires and once when it clears (docs/alerts.md). Exit status: 0 nothing firing, 1
// firing, 64 bad usage or configuration, 75 the database is unavailable, another process is
// evaluating the rules or a notification could not be delivered.
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>

#include "analyze/alert_run.hpp"
#include "analyze/posture_check.hpp"
#include "cli/check_options.hpp"
#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/store_options.hpp"
#include "core/time.hpp"
#include "server/config.hpp"

namespace webshield::cli {
namespace {

// sysexits EX_TEMPFAIL: try again later.
constexpr int kExitTempFail = 75;

struct AlertsArgs {
  DbArgs db;
  std::string config;
  std::string now;
  bool json = false;
  bool dry_run = false;
  bool no_posture = false;
  CheckArgs check;  // only the options given on the command line are used
};

// The options of the checks: the [check] section of the file, and the flags given over it.
CheckArgs check_args(const CLI::App& cmd, const AlertsArgs& a, const CheckArgs& file) {
  auto given = [&](const char* name) { return cmd.get_option(name)->count() > 0; };
  CheckArgs c = file;
  const CheckArgs& f = a.check;
  if (given("--resolver")) c.dns.resolver = f.dns.resolver;
  if (given("--trust-anchor")) c.dns.trust_anchors = f.dns.trust_anchors;
  if (given("--no-dnssec")) c.dns.no_dnssec = true;
  if (given("--stub-resolver")) c.dns.stub = true;
  if (given("--timeout")) c.dns.timeout = f.dns.timeout;
  if (given("--ca-file")) c.ca_file = f.ca_file;
  if (given("--no-smtp")) c.no_smtp = true;
  if (given("--https-port")) c.https_port = f.https_port;
  if (given("--smtp-port")) c.smtp_port = f.smtp_port;
  return c;
}

// The checks of the [[domain]]s, on an event loop of their own.
Result<std::vector<analyze::PostureCheck>> check_domains(
    const CheckArgs& args, const std::vector<analyze::DomainConfig>& domains) {
  asio::io_context io;
  auto engine = CheckEngine::create(io, args, check::Parts{});
  if (!engine) return std::unexpected(engine.error());
  CheckEngine& e = **engine;
  check::Checker checker(*e.resolver, *e.https, *e.smtp, e.options);
  std::vector<analyze::PostureCheck> out;
  std::exception_ptr failed;
  asio::co_spawn(io, analyze::check_domains(checker, domains),
                 [&](std::exception_ptr error, std::vector<analyze::PostureCheck> checks) {
                   failed = error;
                   out = std::move(checks);
                 });
  io.run();
  if (failed) std::rethrow_exception(failed);
  return out;
}

void print_text(const analyze::RunResult& r, bool dry_run) {
  if (r.firing.empty()) std::cout << "No alert is firing.\n";
  for (const analyze::Alert& a : r.firing) {
    std::cout << "FIRING " << terminal_safe(a.key) << "\n  " << terminal_safe(a.what)
              << "\n  since " << when(a.since) << "\n";
    if (!a.evidence.reports.empty()) {
      std::cout << "  reports";
      for (const store::Id id : a.evidence.reports)
        std::cout << ' ' << id;
      std::cout << '\n';
    }
    for (const analyze::EvidenceFinding& f : a.evidence.findings)
      std::cout << "  " << terminal_safe(f.code) << ": " << terminal_safe(f.message) << '\n';
    std::cout << "  action: " << terminal_safe(a.action) << "\n";
  }
  for (const store::AlertRecord& rec : r.records) {
    if (rec.state == "cleared" && rec.cleared_at)
      std::cout << "cleared " << terminal_safe(rec.key) << " at " << when(*rec.cleared_at) << '\n';
  }
  if (!r.notices.empty()) {
    std::cout << '\n' << (dry_run ? "Would notify (dry run):\n" : "Notified:\n");
    for (const analyze::Notice& n : r.notices)
      std::cout << "  " << (n.transition == "firing" ? "firing  " : "cleared ")
                << terminal_safe(n.record.key) << '\n';
  }
}

}  // namespace

void add_alerts_command(CLI::App& app, int& status) {
  CLI::App* alerts = app.add_subcommand("alerts", "Alert rules over the stored reports");
  alerts->require_subcommand(1);
  auto args = std::make_shared<AlertsArgs>();
  CLI::App* cmd = alerts->add_subcommand(
      "check",
      "Evaluate the alert rules once, notify the [[notify]] destinations of what started or "
      "stopped firing, and remember it. Exit status 0 nothing firing, 1 an alert is firing, "
      "64 bad usage, 75 the database is unavailable, another process is evaluating the rules "
      "or a notification failed (it is sent again next time).");
  add_db_option(*cmd, args->db);
  cmd->add_option("--config", args->config,
                  "The TOML file of `webshield serve`: [alerts], [[notify]] and [database]")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", args->json, "Print one JSON object: firing, cleared and notices");
  cmd->add_flag("--dry-run", args->dry_run,
                "Evaluate and show what would be sent; deliver and remember nothing");
  cmd->add_option("--now", args->now, "Evaluate as if it were this RFC 3339 time (tests)")
      ->option_text("TIME");
  cmd->add_flag("--no-posture", args->no_posture,
                "Do not check the [[domain]]s: their posture alerts stay as they were");
  add_check_options(*cmd, args->check);
  cmd->callback([args, cmd, &status] {
    analyze::AlertConfig config;
    std::string url = args->db.url;
    CheckArgs file_check;
    if (!args->config.empty()) {
      auto loaded = load_config_file(args->config);
      if (!loaded) {
        std::cerr << "webshield: " << loaded.error().describe() << '\n';
        status = kExitUsage;
        return;
      }
      config = std::move(loaded->alerts);
      if (url.empty()) url = loaded->serve.database;
      file_check = check_args_of(loaded->serve.check);
    }
    UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
    if (!args->now.empty()) {
      auto parsed = parse_rfc3339(args->now);
      if (!parsed) {
        std::cerr << "webshield: --now: " << parsed.error().describe() << '\n';
        status = kExitUsage;
        return;
      }
      now = parsed->utc;
    }
    auto notifiers = analyze::make_notifiers(config);
    if (!notifiers) {
      std::cerr << "webshield: " << notifiers.error().describe() << '\n';
      status = kExitUsage;
      return;
    }
    if (url.empty()) url = store::default_url();
    auto store = store::open(url);
    if (!store) {
      std::cerr << "webshield: cannot open " << store::redact_url(url) << ": "
                << store.error().message << '\n';
      status = kExitTempFail;
      return;
    }
    std::vector<analyze::PostureCheck> checks;
    const bool posture = !args->no_posture && !config.domains.empty();
    if (posture) {
      auto checked = check_domains(check_args(*cmd, *args, file_check), config.domains);
      if (!checked) {
        std::cerr << "webshield: " << checked.error().describe() << '\n';
        status = kExitUsage;
        return;
      }
      checks = std::move(*checked);
    }
    const analyze::RunOptions options{now, args->dry_run, posture ? &checks : nullptr};
    auto run = analyze::run_alerts(**store, config, *notifiers, options);
    if (!run) {
      std::cerr << "webshield: " << run.error().describe() << '\n';
      status = kExitTempFail;
      return;
    }
    if (run->busy) {
      std::cerr << "webshield: another process (" << terminal_safe(run->busy->holder)
                << ") is evaluating the alert rules until " << when(run->busy->until)
                << " at the latest: nothing done; run again later\n";
      status = kExitTempFail;
      return;
    }
    if (args->json) {
      nlohmann::json j = analyze::alerts_json(run->records);
      if (args->dry_run) {
        // The records of a dry run are what would be kept; firing is what fires now.
        j["firing"] = nlohmann::json::array();
        for (const analyze::Alert& a : run->firing)
          j["firing"].push_back(analyze::to_json(a));
      }
      nlohmann::json notices = nlohmann::json::array();
      for (const analyze::Notice& n : run->notices)
        notices.push_back({{"state", n.transition}, {"key", n.record.key}});
      j["notices"] = std::move(notices);
      j["delivered"] = !args->dry_run && run->delivery_errors.empty();
      std::cout << json_line(j) << '\n';
    } else {
      print_text(*run, args->dry_run);
    }
    for (const Error& e : run->delivery_errors)
      std::cerr << "webshield: notification failed: " << e.describe() << '\n';
    if (!run->firing.empty()) {
      status = 1;
    } else {
      status = run->delivery_errors.empty() ? 0 : kExitTempFail;
    }
  });
}

}  // namespace webshield::cli
