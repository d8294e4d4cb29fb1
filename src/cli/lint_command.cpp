// `webshield lint tlsrpt|mta-sts|policy`: judges a TLS-RPT or MTA-STS TXT record, or an
// MTA-STS policy file, from its text alone, for people who keep them in a repository and want
// CI to refuse a broken change. Input is untrusted; reading it is bounded by Limits.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "check/render.hpp"
#include "cli/commands.hpp"
#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"
#include "records/txt_presentation.hpp"

namespace webshield::cli {
namespace {

using check::print_findings;
using check::print_verdict;
using check::to_json;
using check::use_color;

using records::Recognized;

// Reads at most `max` bytes of `path` ("-": standard input), in binary.
Result<std::string> read_bounded(const std::string& path, std::size_t max) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return fail(std::strerror(errno), path);
    in = &file;
  }
  std::string data(max, '\0');
  in->read(data.data(), static_cast<std::streamsize>(max));
  if (in->bad()) return fail("read error", path);
  data.resize(static_cast<std::size_t>(in->gcount()));
  return data;
}

struct LintArgs {
  std::vector<std::string> text;
  bool json = false;
};

// The TXT RRset the user means: "-" reads one record per line from standard input (dig or
// zone-file format); otherwise the arguments are the character-strings of one record.
Result<std::vector<records::TxtRr>> rrset_from(const LintArgs& args, const Limits& limits) {
  if (args.text.size() == 1 && args.text.front() == "-") {
    auto text = read_bounded("-", limits.txt_rrset_records * (limits.txt_record_bytes + 64));
    if (!text) return std::unexpected(text.error());
    return records::parse_txt_rrset(*text, limits.txt_rrset_records);
  }
  return std::vector<records::TxtRr>{args.text};
}

template <class Parse>
int report_record(std::string_view kind, std::string_view title,
                  const records::RrsetSelection<Parse>& selection, bool json) {
  const Verdict verdict = verdict_of(selection.findings);
  const std::string_view status = to_string(selection.status());
  if (json) {
    nlohmann::json out{{"kind", kind},
                       {"records", selection.records},
                       {"status", status},
                       {"record", nullptr},
                       {"selected", nullptr},
                       {"findings", to_json(selection.findings)},
                       {"verdict", to_string(verdict)}};
    if (selection.selected) out["selected"] = *selection.selected;
    if (const Parse* p = selection.usable()) out["record"] = to_json(*p->record);
    std::cout << out.dump() << '\n';
    return exit_status(verdict);
  }
  const bool color = use_color(stdout);
  std::cout << title << ": " << status << '\n';
  for (std::size_t i = 0; i < selection.records.size(); ++i) {
    std::cout << (selection.selected == i ? "  > " : "    ") << selection.records[i] << '\n';
  }
  print_findings(std::cout, selection.findings, color);
  print_verdict(std::cout, verdict, selection.findings, color);
  return exit_status(verdict);
}

void add_record_lint(CLI::App& lint, int& status, const std::string& name,
                     const std::string& description,
                     std::function<int(const std::vector<records::TxtRr>&, bool)> run) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = lint.add_subcommand(name, description);
  cmd->add_option("text", args->text,
                  "The record; several arguments are the character-strings of one TXT record "
                  "(joined without separator); '-' reads records from standard input, one per "
                  "line, as dig or a zone file shows them")
      ->required();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, &status, run] {
    const Limits limits;
    auto rrset = rrset_from(*args, limits);
    if (!rrset) {
      std::cerr << "webshield: " << rrset.error().describe() << '\n';
      status = kExitUsage;
      return;
    }
    status = run(*rrset, args->json);
  });
}

void add_policy_lint(CLI::App& lint, int& status) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = lint.add_subcommand(
      "policy", "Lint an MTA-STS policy file (.well-known/mta-sts.txt), read as bytes");
  cmd->add_option("file", *path, "The policy file; '-' reads standard input")->required();
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->callback([path, json, &status] {
    const Limits limits;
    // One byte over the limit is enough to tell that the policy is too large.
    auto bytes = read_bounded(*path, limits.policy_bytes + 1);
    if (!bytes) {
      std::cerr << "webshield: cannot read " << bytes.error().where << ": " << bytes.error().message
                << '\n';
      status = kExitUsage;
      return;
    }
    const records::StsPolicyParse parsed = records::parse_sts_policy(*bytes, limits);
    const Verdict verdict = verdict_of(parsed.findings);
    const std::string_view state = parsed.kind == Recognized::yes         ? "valid"
                                   : parsed.kind == Recognized::malformed ? "malformed"
                                                                          : "not_a_policy";
    if (*json) {
      nlohmann::json out{{"kind", "mta-sts-policy"},
                         {"status", state},
                         {"policy", nullptr},
                         {"findings", to_json(parsed.findings)},
                         {"verdict", to_string(verdict)}};
      if (parsed.policy) out["policy"] = to_json(*parsed.policy);
      std::cout << out.dump() << '\n';
    } else {
      const bool color = use_color(stdout);
      std::cout << "MTA-STS policy: " << state << '\n';
      if (parsed.policy) {
        std::cout << fmt::format("    mode {}, max_age {}, {} mx pattern(s)\n",
                                 records::to_string(parsed.policy->mode), parsed.policy->max_age,
                                 parsed.policy->mx.size());
      }
      print_findings(std::cout, parsed.findings, color);
      print_verdict(std::cout, verdict, parsed.findings, color);
    }
    status = exit_status(verdict);
  });
}

}  // namespace

void add_lint_command(CLI::App& app, int& status) {
  CLI::App* lint = app.add_subcommand(
      "lint", "Judge a TLS-RPT record, an MTA-STS record or an MTA-STS policy from its text");
  lint->require_subcommand(1);
  add_record_lint(*lint, status, "tlsrpt", "Lint a TLS-RPT TXT record (_smtp._tls.<domain>)",
                  [](const std::vector<records::TxtRr>& rrset, bool json) {
                    return report_record("tlsrpt", "TLS-RPT record",
                                         records::select_tlsrpt_record(rrset), json);
                  });
  add_record_lint(*lint, status, "mta-sts", "Lint an MTA-STS TXT record (_mta-sts.<domain>)",
                  [](const std::vector<records::TxtRr>& rrset, bool json) {
                    return report_record("mta-sts", "MTA-STS record",
                                         records::select_sts_record(rrset), json);
                  });
  add_policy_lint(*lint, status);
}

}  // namespace webshield::cli
