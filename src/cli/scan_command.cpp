// `webshield scan`: checks a list of domains, streaming JSON Lines out as each one finishes.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "check/shared_probes.hpp"
#include "cli/check_options.hpp"
#include "cli/commands.hpp"
#include "dns/stub_resolver.hpp"
#include "scan/scan.hpp"

namespace webshield::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct ScanArgs {
  CheckArgs check;
  std::string input = "-";
  std::string output = "-";
  std::size_t concurrency = 100;
  std::string parts;
  bool resume = false;
  std::string summary;
  double domain_timeout = 120;
};

// Domains in a list file (for the progress line's total and ETA); 0 for standard input.
std::size_t count_domains(const std::string& path) {
  if (path == "-" || !std::filesystem::is_regular_file(path)) return 0;
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start != std::string::npos && line[start] != '#') ++n;
  }
  return n;
}

void print_summary(std::ostream& out, const scan::Tally& t, double seconds) {
  out << fmt::format(
      "scanned {} domains in {:.1f} s ({:.0f}/s); {} bad lines; {} skipped; {} over the time "
      "limit\n",
      t.domains, seconds, seconds > 0 ? t.domains / seconds : 0.0, t.bad_lines, t.skipped,
      t.timed_out);
  for (const auto& [verdict, n] : t.verdicts)
    out << fmt::format("  {:<8} {}\n", verdict, n);
  for (const auto& [code, n] : t.codes)
    out << fmt::format("  {:<40} {}\n", code, n);
}

int run_scan(const ScanArgs& args) {
  auto parts =
      args.parts.empty() ? Result<check::Parts>(check::Parts{}) : check::parse_parts(args.parts);
  if (!parts) {
    std::cerr << "webshield: --parts: " << parts.error().describe() << '\n';
    return kExitUsage;
  }
  if (args.check.no_smtp) parts->smtp = false;

  std::ifstream input_file;
  if (args.input != "-") {
    input_file.open(args.input);
    if (!input_file) {
      std::cerr << "webshield: cannot read " << args.input << '\n';
      return kExitUsage;
    }
  }
  std::istream& in = args.input == "-" ? std::cin : input_file;

  scan::ResumeState resume;
  std::ofstream output_file;
  if (args.output != "-") {
    if (args.resume && std::filesystem::exists(args.output)) {
      std::ifstream previous(args.output);
      resume = scan::read_previous_output(previous);
      std::filesystem::resize_file(args.output, resume.truncate_to);  // drop a cut-off line
    }
    output_file.open(args.output, args.resume ? std::ios::app : std::ios::trunc);
    if (!output_file) {
      std::cerr << "webshield: cannot write " << args.output << '\n';
      return kExitUsage;
    }
  } else if (args.resume) {
    std::cerr << "webshield: --resume needs --output FILE\n";
    return kExitUsage;
  }
  std::ostream& out = args.output == "-" ? std::cout : output_file;

  asio::io_context io;
  auto engine = CheckEngine::create(io, args.check, *parts);
  if (!engine) {
    std::cerr << "webshield: " << engine.error().describe() << '\n';
    return kExitUsage;
  }
  // Shared providers are probed once per scan (bounded memory of recent probes).
  check::SharedHttpsClient https(*(*engine)->https, 10000);
  check::SharedSmtpProber smtp(*(*engine)->smtp, 10000);
  check::Checker checker(*(*engine)->resolver, https, smtp, (*engine)->options);
  scan::Scanner scanner(checker, std::max<std::size_t>(1, args.concurrency),
                        std::chrono::milliseconds(static_cast<long>(args.domain_timeout * 1000)));

  const std::size_t total = count_domains(args.input);
  const bool show_progress = isatty(STDERR_FILENO) == 1;
  const auto started = Clock::now();
  auto last_shown = started;
  auto progress = [&](const scan::Tally& t) {
    const auto now = Clock::now();
    if (!show_progress || now - last_shown < std::chrono::milliseconds(200)) return;
    last_shown = now;
    const double seconds = std::chrono::duration<double>(now - started).count();
    const double rate = seconds > 0 ? t.domains / seconds : 0;
    std::string line = fmt::format("\r{} done", t.domains + t.skipped);
    if (total > 0) {
      const double left = rate > 0 ? (total - t.domains - t.skipped) / rate : 0;
      line += fmt::format(" of {}, ETA {:.0f} s", total, left);
    }
    line += fmt::format(", {:.0f}/s;", rate);
    for (const auto& [verdict, n] : t.verdicts)
      line += fmt::format(" {} {}", verdict, n);
    std::cerr << line << "   " << std::flush;
  };
  // Once every domain is written, checks abandoned at --domain-timeout are not waited for.
  asio::co_spawn(io, scanner.run(in, out, resume, progress), [&io](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    io.stop();
  });
  io.run();
  if (show_progress) std::cerr << '\n';

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const scan::Tally& tally = scanner.tally();
  if (!args.summary.empty()) {
    nlohmann::json summary = tally.to_json();
    summary["seconds"] = seconds;
    summary["probes_reused"] = https.reused() + smtp.reused();
    summary["dns_questions"] = (*engine)->resolver->questions();
    if (const auto* stub = dynamic_cast<const dns::StubResolver*>((*engine)->resolver.get())) {
      summary["dns_queries_sent"] = stub->queries_sent();
    }
    std::ofstream(args.summary) << summary.dump(2) << '\n';
  } else {
    print_summary(std::cerr, tally, seconds);
  }
  Verdict verdict = verdict_of(tally.all);
  if (tally.timed_out > 0 && verdict != Verdict::fail) verdict = Verdict::unknown;
  return exit_status(verdict);
}

}  // namespace

void add_scan_command(CLI::App& app, int& status) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Check a list of domains (one per line), writing one JSON object per domain");
  cmd->add_option("--input", args->input, "Domain list, one per line; '-' is standard input")
      ->capture_default_str();
  cmd->add_option("--output", args->output, "Where the JSON Lines go; '-' is standard output")
      ->capture_default_str();
  cmd->add_option("--concurrency", args->concurrency, "Domains checked at the same time")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--parts", args->parts,
                  "Only these parts: tlsrpt,rua,mta-sts,policy,mx,smtp,dane (default: all)");
  cmd->add_flag("--resume", args->resume, "Skip domains already in the --output file");
  cmd->add_option("--domain-timeout", args->domain_timeout,
                  "Seconds one domain's whole check may take; past it the domain is written as "
                  "'unknown' and the scan goes on (0: no limit beyond --timeout per step)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--summary", args->summary,
                  "Write the summary (counts per verdict and finding code) as JSON to this file");
  add_check_options(*cmd, args->check);
  cmd->callback([args, &status] { status = run_scan(*args); });
}

}  // namespace webshield::cli
