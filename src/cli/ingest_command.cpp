// `webshield ingest`: reports from files, directories, a Maildir, an mbox, an MTA pipe
// (standard input) and IMAP mailboxes into the store; and `webshield quarantine retry`, which
// runs the intake step again on quarantined bytes. SECURITY: every byte read is untrusted and
// capped by Limits; the IMAP password comes from a file or the environment, never from the
// command line; an item is acknowledged (moved, flagged, deleted) only after the store
// returned, so a failure or a kill loses nothing.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "cli/dkim_options.hpp"
#include "cli/store_options.hpp"
#include "ingest/imap_source.hpp"
#include "ingest/local_sources.hpp"
#include "ingest/pipeline.hpp"

namespace webshield::cli {
namespace {

// sysexits(3), which MTAs understand for a pipe.
constexpr int kExitDataErr = 65;   // --stdin-mail: the message is over report_mail_bytes
constexpr int kExitIoErr = 74;     // a source or an item could not be read or acknowledged
constexpr int kExitTempFail = 75;  // the store is unavailable, or DKIM keys could not be had

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

UnixSeconds now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct IngestArgs {
  DbArgs db;
  std::vector<std::string> paths;
  std::vector<std::string> maildirs;
  std::string maildir_done = "seen";
  std::vector<std::string> mboxes;
  bool stdin_mail = false;
  std::vector<std::string> imap;
  std::string password_file;
  std::string imap_done = "seen";
  std::string ca_file;
  bool include_seen = false;
  int watch = 0;  // seconds between polls; 0: one pass
  std::string dkim_policy = "keep";
  DkimArgs dkim;
  bool no_quarantine_non_reports = false;
  std::size_t batch = 100;
  bool json = false;
};

Result<std::string> imap_password(const IngestArgs& args) {
  if (!args.password_file.empty()) {
    auto read = ingest::read_capped(args.password_file, 4096);
    if (!read) return fail(read.error().message, args.password_file);
    if (read->over) return fail("longer than 4096 bytes", args.password_file);
    std::string pw = read->bytes.substr(0, read->bytes.find_first_of("\r\n"));
    if (pw.empty()) return fail("empty password", args.password_file);
    return pw;
  }
  if (const char* env = std::getenv("WEBSHIELD_IMAP_PASSWORD"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return fail("--imap needs --password-file FILE or WEBSHIELD_IMAP_PASSWORD");
}

Result<std::vector<std::unique_ptr<ingest::Source>>> make_sources(const IngestArgs& args,
                                                                  const Limits& limits) {
  namespace fs = std::filesystem;
  std::vector<std::unique_ptr<ingest::Source>> out;
  if (args.stdin_mail) {
    out.push_back(std::make_unique<ingest::StdinMailSource>(limits));
    return out;
  }
  if (!args.paths.empty()) out.push_back(std::make_unique<ingest::FileSource>(args.paths, limits));
  auto done = ingest::parse_maildir_done(args.maildir_done);
  if (!done) return fail(done.error().describe(), "--maildir-done");
  for (const std::string& dir : args.maildirs) {
    out.push_back(std::make_unique<ingest::MaildirSource>(fs::absolute(dir), *done,
                                                          args.include_seen, limits));
  }
  for (const std::string& mbox : args.mboxes)
    out.push_back(std::make_unique<ingest::MboxSource>(fs::absolute(mbox), limits));
  if (!args.imap.empty()) {
    auto imap_done = ingest::parse_imap_done(args.imap_done);
    if (!imap_done) return fail(imap_done.error().describe(), "--imap-done");
    std::vector<ingest::ImapUrl> urls;
    for (const std::string& text : args.imap) {
      auto url = ingest::parse_imap_url(text);
      if (!url) return fail(url.error().describe(), "--imap");
      urls.push_back(std::move(*url));
    }
    auto password = imap_password(args);
    if (!password) return std::unexpected(password.error());
    for (ingest::ImapUrl& url : urls) {
      ingest::ImapOptions options;
      options.url = std::move(url);
      options.password = *password;
      if (!args.ca_file.empty()) options.ca_file = args.ca_file;
      options.include_seen = args.include_seen;
      options.move_to = *imap_done;
      options.timeout = std::chrono::milliseconds(static_cast<long>(args.dkim.dns.timeout * 1000));
      out.push_back(std::make_unique<ingest::ImapSource>(std::move(options), limits));
    }
  }
  return out;
}

// "\r1200/5000 read, 830/s: stored 1100, duplicates 90, quarantined 10" on a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void operator()(const ingest::Counts& c, std::size_t done, std::optional<std::size_t> total) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    std::string line =
        total ? fmt::format("\r{}/{} read", done, *total) : fmt::format("\r{} read", done);
    line += fmt::format(", {:.0f}/s: stored {}, duplicates {}, quarantined {}",
                        seconds > 0 ? done / seconds : 0.0, c.stored, c.duplicates, c.quarantined);
    std::cerr << line << "   " << std::flush;
    shown_ = true;
  }
  void restart() { started_ = last_ = std::chrono::steady_clock::now(); }
  void end() {
    if (shown_) std::cerr << '\n';
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = started_;
};

nlohmann::json counts_json(const ingest::Counts& c) {
  return {{"stored", c.stored},
          {"duplicates", c.duplicates},
          {"quarantined", c.quarantined},
          {"kept", c.kept},
          {"failed", c.failed + c.deferred}};
}

int run_ingest(const IngestArgs& args) {
  const bool any_source = !args.paths.empty() || !args.maildirs.empty() || !args.mboxes.empty()
                          || !args.imap.empty() || args.stdin_mail;
  if (!any_source) {
    std::cerr << "webshield: ingest: nothing to read: give PATHS, --maildir, --mbox, --imap or "
                 "--stdin-mail\n";
    return kExitUsage;
  }
  if (args.stdin_mail
      && (!args.paths.empty() || !args.maildirs.empty() || !args.mboxes.empty()
          || !args.imap.empty())) {
    std::cerr << "webshield: ingest: --stdin-mail reads one message and nothing else\n";
    return kExitUsage;
  }
  if (args.watch > 0 && (args.stdin_mail || !args.paths.empty() || !args.mboxes.empty())) {
    std::cerr << "webshield: ingest: --watch polls mailboxes (--maildir, --imap), not files, "
                 "mbox files or standard input\n";
    return kExitUsage;
  }
  if (args.dkim_policy == "require" && args.dkim.no_dkim) {
    std::cerr << "webshield: ingest: --dkim require needs DKIM verification (not --no-dkim)\n";
    return kExitUsage;
  }
  const Limits limits;
  auto sources = make_sources(args, limits);
  if (!sources) {
    std::cerr << "webshield: ingest: " << sources.error().describe() << '\n';
    return kExitUsage;
  }
  auto keys = DkimKeys::create(args.dkim, limits);
  if (!keys) {
    std::cerr << "webshield: ingest: " << keys.error().describe() << '\n';
    return kExitUsage;
  }
  int db_status = 0;
  auto store = open_store(args.db, db_status);
  if (!store) return kExitTempFail;  // the MTA keeps the message and retries
  ingest::IntakeOptions intake_options{.verify_dkim = !args.dkim.no_dkim,
                                       .dkim_policy = args.dkim_policy == "require"
                                                          ? ingest::DkimPolicy::require
                                                          : ingest::DkimPolicy::keep};
  ingest::Intake intake(limits, intake_options, (*keys)->lookup());
  ingest::PipelineOptions options;
  options.batch_reports = std::max<std::size_t>(1, args.batch);
  options.quarantine_non_reports = !args.no_quarantine_non_reports;
  ingest::Pipeline pipeline(
      *store, intake, options,
      // Origins and reasons hold outside text: no control characters reach the terminal.
      [](const std::string& line) { std::cerr << "webshield: " << terminal_safe(line) << '\n'; },
      now_seconds);

  install_stop_signals();
  ProgressLine progress(!args.stdin_mail && isatty(STDERR_FILENO) == 1);
  // The exit status tells about the last poll (with --watch: the one before the stop).
  bool store_failed = false, source_failed = false;
  ingest::Counts poll_start;
  for (;;) {
    store_failed = source_failed = false;
    poll_start = pipeline.counts();
    for (auto& source : *sources) {
      if (g_stop.load()) break;
      progress.restart();
      const ingest::PassResult r =
          pipeline.run(*source, &g_stop,
                       [&progress](const ingest::Counts& c, std::size_t done,
                                   std::optional<std::size_t> t) { progress(c, done, t); });
      progress.end();
      if (r.end == ingest::PassEnd::store_failed) {
        std::cerr << "webshield: " << terminal_safe(source->describe()) << ": "
                  << terminal_safe(r.message) << "; what was not stored stays and comes again\n";
        store_failed = true;
      } else if (r.end == ingest::PassEnd::source_failed) {
        std::cerr << "webshield: " << terminal_safe(source->describe()) << ": "
                  << terminal_safe(r.message) << '\n';
        source_failed = true;
      }
    }
    if (args.watch <= 0 || g_stop.load()) break;
    // --watch: a failure is reported and tried again at the next poll.
    for (int i = 0; i < args.watch * 10 && !g_stop.load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (g_stop.load()) break;
  }

  const ingest::Counts& c = pipeline.counts();
  if (args.json) {
    std::cout << counts_json(c).dump() << '\n';
  } else if (!args.stdin_mail) {
    std::string line = fmt::format("stored {}, duplicates {}, quarantined {}", c.stored,
                                   c.duplicates, c.quarantined);
    if (c.kept > 0) line += fmt::format(", left in place {}", c.kept);
    if (c.failed + c.deferred > 0) line += fmt::format(", not stored {}", c.failed + c.deferred);
    std::cout << line << '\n';
  }
  const auto since = [&poll_start, &c](std::size_t ingest::Counts::*n) {
    return c.*n - poll_start.*n;
  };
  if (store_failed || since(&ingest::Counts::deferred) > 0) return kExitTempFail;
  if (source_failed || since(&ingest::Counts::failed) > 0
      || since(&ingest::Counts::unacknowledged) > 0) {
    return kExitIoErr;
  }
  if (args.stdin_mail && c.too_large > 0) return kExitDataErr;
  return 0;
}

// --- quarantine retry ---------------------------------------------------------------------

struct RetryArgs {
  DbArgs db;
  std::vector<store::Id> ids;
  bool all = false;
  std::string dkim_policy = "keep";
  DkimArgs dkim;
};

int run_retry(const RetryArgs& args) {
  if (args.ids.empty() == !args.all) {
    std::cerr << "webshield: quarantine retry: give IDs or --all\n";
    return kExitUsage;
  }
  const Limits limits;
  auto keys = DkimKeys::create(args.dkim, limits);
  if (!keys) {
    std::cerr << "webshield: quarantine retry: " << keys.error().describe() << '\n';
    return kExitUsage;
  }
  int db_status = 0;
  auto opened = open_store(args.db, db_status);
  if (!opened) return kExitTempFail;
  store::Store& store = *opened;
  ingest::Intake intake(limits,
                        {.verify_dkim = !args.dkim.no_dkim,
                         .dkim_policy = args.dkim_policy == "require" ? ingest::DkimPolicy::require
                                                                      : ingest::DkimPolicy::keep},
                        (*keys)->lookup());

  std::size_t stored = 0, refused = 0;
  std::set<store::Id> tried;
  // One item: false when the store failed.
  auto retry = [&](store::Id id) -> bool {
    tried.insert(id);
    auto item = store.quarantined_item(id);
    if (!item) {
      std::cerr << "webshield: quarantine retry: store: " << item.error().describe() << '\n';
      return false;
    }
    if (!*item || !(*item)->raw) {
      std::cerr << "webshield: quarantine " << id << ": no such item\n";
      ++refused;
      return true;
    }
    const store::Quarantined& q = **item;
    if (q.raw->empty()) {
      std::cerr << "webshield: quarantine " << id << ": its bytes were not kept ("
                << terminal_safe(q.reason) << ")\n";
      ++refused;
      return true;
    }
    auto parsed = intake.read(*q.raw, ingest::kind_of_transport(q.transport));
    if (!parsed) {
      std::cerr << "webshield: quarantine " << id
                << ": still refused: " << terminal_safe(parsed.error().reason) << '\n';
      ++refused;
      return true;
    }
    store::NewReport report{std::move(parsed->report), *q.raw, std::move(parsed->source), q.origin,
                            q.received_at};
    auto added = store.add(std::span<const store::NewReport>(&report, 1));
    if (!added || added->size() != 1) {
      std::cerr << "webshield: quarantine " << id << ": the store did not take it: "
                << (added ? std::string("no answer") : added.error().describe()) << '\n';
      // A store that still answers refused this one report (it stays quarantined); a store
      // that does not answer is down.
      if (!store.quarantined(1)) return false;
      ++refused;
      return true;
    }
    // Released only once the report is durably stored.
    if (auto r = store.release(id); !r) {
      std::cerr << "webshield: quarantine " << id
                << ": stored, but not released: " << r.error().describe() << '\n';
      return false;
    }
    std::cout << fmt::format(
        "{}: {} as report {}\n", id,
        added->front().outcome == store::Outcome::duplicate ? "already stored" : "stored",
        added->front().id);
    ++stored;
    return true;
  };

  if (!args.all) {
    for (store::Id id : args.ids)
      if (!retry(id)) return kExitTempFail;
  } else {
    // The listing is capped; what stays refused is remembered so that each item is tried once.
    for (;;) {
      auto list = store.quarantined(store::kMaxListLimit);
      if (!list) {
        std::cerr << "webshield: quarantine retry: store: " << list.error().describe() << '\n';
        return kExitTempFail;
      }
      bool any = false;
      for (const store::Quarantined& q : *list) {
        if (tried.contains(q.id)) continue;
        any = true;
        if (!retry(q.id)) return kExitTempFail;
      }
      if (!any) break;
    }
  }
  std::cout << fmt::format("stored {}, still quarantined {}\n", stored, refused);
  return refused > 0 ? 2 : 0;
}

void add_dkim_policy_option(CLI::App& cmd, std::string& policy) {
  cmd.add_option("--dkim", policy,
                 "keep: store report mail without an aligned DKIM pass, marked in its source; "
                 "require: quarantine it (RFC 8460 §5.3)")
      ->check(CLI::IsMember({"keep", "require"}))
      ->capture_default_str();
}

}  // namespace

void add_ingest_command(CLI::App& app, int& status) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Store TLS-RPT reports from files, directories, a Maildir, an mbox, standard input (an "
      "MTA pipe) or IMAP mailboxes");
  cmd->footer(
      "Exit status: 0 every item stored, found a duplicate, quarantined or left in place with a "
      "log line; 64 bad usage; 65 --stdin-mail: the message is over report_mail_bytes; 74 a "
      "source or an item could not be read or acknowledged; 75 the store is unavailable (or a "
      "DKIM key lookup failed with --dkim require): nothing that was not stored is "
      "acknowledged, run again later (an MTA retries). See docs/ingest.md.");
  add_db_option(*cmd, args->db);
  cmd->add_option("paths", args->paths,
                  "Report files and directories (recursive; never changed); '-' is standard "
                  "input");
  cmd->add_option("--maildir", args->maildirs, "A Maildir: new/ and cur/ (may be repeated)");
  cmd->add_option("--maildir-done", args->maildir_done,
                  "After a Maildir message is stored: seen (move to cur/ with the S flag), "
                  "move:FOLDER (into the Maildir++ sub-folder .FOLDER) or delete")
      ->capture_default_str();
  cmd->add_option("--mbox", args->mboxes, "An mbox file, read only (may be repeated)");
  cmd->add_flag("--stdin-mail", args->stdin_mail,
                "Read one mail message from standard input (an MTA pipe)");
  cmd->add_option("--imap", args->imap,
                  "An IMAP mailbox: imaps://user@host[:port]/MAILBOX (imap:// must STARTTLS); "
                  "may be repeated");
  cmd->add_option("--password-file", args->password_file,
                  "The IMAP password: the first line of this file (else the environment "
                  "variable WEBSHIELD_IMAP_PASSWORD)");
  cmd->add_option("--imap-done", args->imap_done,
                  "After an IMAP message is stored: seen (flag \\Seen) or move:FOLDER")
      ->capture_default_str();
  cmd->add_option("--ca-file", args->ca_file,
                  "Trust only the CA certificates in this PEM file for IMAPS")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--include-seen", args->include_seen,
                "Also messages already seen (Maildir cur/ with S, IMAP \\Seen): duplicates are "
                "still stored once");
  cmd->add_option("--watch", args->watch,
                  "--watch [SECONDS]: poll the mailboxes every SECONDS (default 60) until SIGINT "
                  "or SIGTERM (the current item is finished first)")
      ->expected(0, 1)
      ->default_str("60")
      ->check(CLI::Range(1, 86400));
  add_dkim_policy_option(*cmd, args->dkim_policy);
  add_dkim_options(*cmd, args->dkim);
  cmd->add_flag("--no-quarantine-non-reports", args->no_quarantine_non_reports,
                "A mail that carries no report is logged and left in place (marked seen), not "
                "quarantined");
  cmd->add_option("--batch", args->batch, "Reports stored per commit (at most 1 s apart)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_flag("--json", args->json,
                "Print the counts as JSON: {\"stored\": N, \"duplicates\": N, \"quarantined\": "
                "N, \"kept\": N, \"failed\": N}");
  cmd->callback([args, &status] { status = run_ingest(*args); });
}

void add_quarantine_retry(CLI::App& quarantine, int& status) {
  auto retry_args = std::make_shared<RetryArgs>();
  CLI::App* retry = quarantine.add_subcommand(
      "retry",
      "Run the intake step again on quarantined items (after an upgrade): store what now "
      "parses and release it. Exit status 0 all stored, 2 some are still refused, 75 the store "
      "is unavailable.");
  retry->add_option("ids", retry_args->ids, "Quarantined item ids");
  retry->add_flag("--all", retry_args->all, "Every quarantined item");
  add_db_option(*retry, retry_args->db);
  add_dkim_policy_option(*retry, retry_args->dkim_policy);
  add_dkim_options(*retry, retry_args->dkim);
  retry->callback([retry_args, &status] { status = run_retry(*retry_args); });
}

}  // namespace webshield::cli
