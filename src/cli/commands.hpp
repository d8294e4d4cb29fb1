// The subcommands of `webshield`, each registered on the CLI11 application by its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace webshield::cli {

// Exit status for bad usage (sysexits EX_USAGE), as docs/cli.md promises.
constexpr int kExitUsage = 64;

// Each sets `status` when its command runs.
void add_check_command(CLI::App& app, int& status);
void add_lint_command(CLI::App& app, int& status);
void add_scan_command(CLI::App& app, int& status);
void add_config_command(CLI::App& app, int& status);
void add_report_command(CLI::App& app, int& status);
void add_db_command(CLI::App& app, int& status);
void add_summary_command(CLI::App& app, int& status);
void add_explain_command(CLI::App& app, int& status);
void add_reports_command(CLI::App& app, int& status);
void add_quarantine_command(CLI::App& app, int& status);
void add_ingest_command(CLI::App& app, int& status);
void add_serve_command(CLI::App& app, int& status);
void add_auth_command(CLI::App& app, int& status);
void add_alerts_command(CLI::App& app, int& status);
// `retry`, under the `quarantine` command.
void add_quarantine_retry(CLI::App& quarantine, int& status);

}  // namespace webshield::cli
