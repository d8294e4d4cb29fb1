// webshield: the command-line entry point. Parses the command line with CLI11 and hands over
// to one subcommand; bad usage exits with 64.
#include <curl/curl.h>

#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "WebShield: checks a mail domain's TLS-RPT, MTA-STS and DANE posture and explains its "
      "TLS reports",
      "webshield"};
  app.set_version_flag("--version", std::string("webshield ") + WEBSHIELD_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 clean, 1 warnings only, 2 errors, 3 could not complete, 64 bad usage.");

  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status = 0;
  webshield::cli::add_check_command(app, status);
  webshield::cli::add_lint_command(app, status);
  webshield::cli::add_scan_command(app, status);
  webshield::cli::add_config_command(app, status);
  webshield::cli::add_report_command(app, status);
  webshield::cli::add_db_command(app, status);
  webshield::cli::add_summary_command(app, status);
  webshield::cli::add_explain_command(app, status);
  webshield::cli::add_reports_command(app, status);
  webshield::cli::add_quarantine_command(app, status);
  webshield::cli::add_ingest_command(app, status);
  webshield::cli::add_serve_command(app, status);
  webshield::cli::add_auth_command(app, status);
  webshield::cli::add_alerts_command(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return webshield::cli::kExitUsage;
  }
  return status;
}
