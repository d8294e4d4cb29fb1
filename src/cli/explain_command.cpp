// `webshield explain [TYPE]`: what the RFC 8460 result types in TLS-RPT reports mean, their
// likely causes, how to confirm and fix them (explain/explain.hpp). Without a type, the list of
// all; with one, its whole explanation. Text or JSON.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "explain/explain.hpp"

namespace webshield::cli {
namespace {

constexpr std::size_t kWidth = 80;

struct ExplainArgs {
  std::string type;
  std::string domain;
  std::string mx;
  bool json = false;
};

// `text` wrapped at kWidth, the first line after `first`, the others after `indent`.
void print_wrapped(std::string_view first, std::string_view indent, std::string_view text) {
  std::string line(first);
  bool line_has_word = false;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    if (word.empty()) continue;
    if (line_has_word && line.size() + 1 + word.size() > kWidth) {
      std::cout << line << '\n';
      line = indent;
      line_has_word = false;
    }
    if (line_has_word) line += ' ';
    line += word;
    line_has_word = true;
  }
  std::cout << line << '\n';
}

// A step that starts with a command: the command on a line of its own, never wrapped, so that
// it can be copied; the note after it (after two spaces) wrapped below.
bool is_command(std::string_view item) {
  for (std::string_view tool : {"webshield ", "openssl ", "dig ", "delv ", "curl ", "journalctl "})
    if (item.starts_with(tool)) return true;
  return false;
}

void print_list(const char* heading, std::span<const std::string_view> items,
                std::string_view domain, std::string_view mx) {
  std::cout << '\n' << heading << '\n';
  for (std::string_view item : items) {
    const std::string text = explain::fill(item, domain, mx);
    if (!is_command(item)) {
      print_wrapped("  - ", "    ", text);
      continue;
    }
    const std::size_t note = text.find("  (");
    std::cout << "  $ " << text.substr(0, note) << '\n';
    if (note != std::string::npos) print_wrapped("    ", "    ", text.substr(note + 2));
  }
}

void print_one(const explain::Explanation& e, std::string_view type, const ExplainArgs& args) {
  std::cout << fmt::format("{}: {}\n", type, e.title);
  if (e.result_type.empty())
    std::cout << "(not a result type of the RFC 8460 registry: the entry for unknown types)\n";
  std::cout << '\n';
  print_wrapped("", "", e.meaning);
  print_list("Likely causes", e.causes, "", "");
  print_list("How to confirm", e.confirm, args.domain, args.mx);
  // Fixes name the domain only: "MX" there is prose ("the MX records").
  print_list("How to fix", e.fix, args.domain, "");
  std::string reference = fmt::format("Reference: {}", e.ref);
  if (!e.see_also.empty()) reference += fmt::format("; see also {}", fmt::join(e.see_also, ", "));
  std::cout << '\n';
  print_wrapped("", "  ", reference);
  if (args.domain.empty() || args.mx.empty()) {
    std::cout << '\n';
    print_wrapped("", "",
                  "(DOMAIN and MX stand for the policy domain and the receiving MX host; "
                  "--domain and --mx fill them in.)");
  }
}

nlohmann::json filled(const explain::Explanation& e, std::string_view type,
                      const ExplainArgs& args) {
  nlohmann::json j = explain::to_json(e, type);
  for (auto& item : j["confirm"])
    item = explain::fill(item.get<std::string>(), args.domain, args.mx);
  for (auto& item : j["fix"])
    item = explain::fill(item.get<std::string>(), args.domain, "");
  return j;
}

}  // namespace

void add_explain_command(CLI::App& app, int& status) {
  auto args = std::make_shared<ExplainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Explain the result types of TLS-RPT reports (RFC 8460 §4.3): what each means, its likely "
      "causes, how to confirm and how to fix it. Without TYPE, list them all. Exit status 0, 1 "
      "TYPE is not a registered result type (its explanation is the one for unknown types), 64 "
      "bad usage.");
  cmd->add_option("type", args->type, "A result type, e.g. certificate-host-mismatch");
  cmd->add_option("--domain", args->domain,
                  "Put this policy domain in place of DOMAIN in the commands");
  cmd->add_option("--mx", args->mx, "Put this MX host in place of MX in the commands");
  cmd->add_flag("--json", args->json,
                "Print JSON: one explanation, or {\"result_types\": […], \"unknown\": {…}}");
  cmd->callback([args, &status] {
    if (args->type.empty()) {
      if (args->json) {
        nlohmann::json list = nlohmann::json::array();
        for (const explain::Explanation& e : explain::registered())
          list.push_back(filled(e, e.result_type, *args));
        const nlohmann::json out{{"result_types", std::move(list)},
                                 {"unknown", filled(explain::unknown(), "", *args)}};
        std::cout << json_line(out) << '\n';
      } else {
        Table t({"result type", "policy", "what it means"}, {false, false, false});
        for (const explain::Explanation& e : explain::registered())
          t.add({std::string(e.result_type), std::string(explain::to_string(e.applies)),
                 std::string(e.summary)});
        t.print(std::cout);
        std::cout << '\n';
        print_wrapped("", "",
                      fmt::format("webshield explain TYPE: likely causes, how to confirm and how "
                                  "to fix. Other types: {}.",
                                  explain::unknown().summary));
      }
      status = 0;
      return;
    }
    const explain::Explanation& e = explain::explain(args->type);
    if (args->json) {
      std::cout << json_line(filled(e, args->type, *args)) << '\n';
    } else {
      print_one(e, args->type, *args);
    }
    status = e.result_type.empty() ? 1 : 0;
  });
}

}  // namespace webshield::cli
