// `webshield report parse FILE...`: reads TLS-RPT reports (RFC 8460 §4) as they arrive —
// JSON, gzip, zip or a report mail — told apart by content, never by file name, and prints the
// normalised form or a summary. Input is untrusted; every read and decode is bounded by Limits.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/check_options.hpp"
#include "cli/commands.hpp"
#include "codec/decode.hpp"
#include "dns/rdata.hpp"
#include "mail/dkim.hpp"
#include "mail/extract.hpp"
#include "records/txt_select.hpp"
#include "report/parse.hpp"
#include "report/render.hpp"

namespace webshield::cli {
namespace {

// Reads at most `max` bytes of `path` ("-": standard input); `over` says there was more.
Result<std::string> read_capped(const std::string& path, std::size_t max, bool& over) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return fail(std::strerror(errno));
    in = &file;
  }
  std::string data;
  std::array<char, 64 * 1024> buf;
  while (*in) {
    in->read(buf.data(), buf.size());
    const auto n = static_cast<std::size_t>(in->gcount());
    if (data.size() + n > max) {
      over = true;
      return data;
    }
    data.append(buf.data(), n);
  }
  if (in->bad()) return fail("read error");
  return data;
}

// JSON starts with '{' (after white space or a byte order mark); anything else that is not
// gzip or zip is read as a mail message.
bool looks_like_json(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[');
}

struct ParseArgs {
  std::vector<std::string> files;
  bool json = false;
  bool no_dkim = false;
  std::string dkim_keys;  // --dkim-keys FILE
  DnsArgs dns;            // otherwise keys come from DNS
};

// The domains a report's DKIM signer should align with: TLS-Report-Submitter and the domain of
// a contact-info mailbox.
std::vector<std::string> alignment_candidates(const mail::MailReport& mail,
                                              const report::Report& report) {
  std::vector<std::string> out;
  if (mail.submitter) out.push_back(*mail.submitter);
  if (report.contact_info) {
    const auto at = report.contact_info->rfind('@');
    if (at != std::string::npos) out.push_back(report.contact_info->substr(at + 1));
  }
  return out;
}

// DKIM keys from DNS (`<selector>._domainkey.<domain>` TXT) through our resolver, one blocking
// lookup at a time on a private event loop: `report parse` reads one mail after another.
class ResolverKeyLookup final : public mail::KeyLookup {
 public:
  ResolverKeyLookup(asio::io_context& io, dns::Resolver& resolver) : io_(io), resolver_(resolver) {}

  Result<std::string> key_record(std::string_view selector,
                                 std::string_view domain) const override {
    const std::string name = fmt::format("{}._domainkey.{}", selector, domain);
    dns::Answer answer;
    resolver_.resolve(name, dns::kTxt, [&answer](dns::Answer a) { answer = std::move(a); });
    io_.restart();
    io_.run();
    if (answer.failed()) {
      return fail(fmt::format("{}: {}", dns::to_string(answer.status), answer.why), name);
    }
    for (const std::string& rdata : answer.rdata) {
      if (auto strings = dns::decode_txt(rdata)) return records::join_character_strings(*strings);
    }
    return std::string();  // no key record: the verifier says permerror
  }

 private:
  asio::io_context& io_;
  dns::Resolver& resolver_;
};

// `keys` is the --dkim-keys file or DNS through our resolver.
void record_dkim(std::string_view raw_mail, const mail::KeyLookup& keys,
                 const std::vector<std::string>& align_with, const Limits& limits,
                 report::ReportSource& source) {
  const mail::DkimResult r = mail::verify_dkim(raw_mail, keys, align_with, limits);
  source.dkim = r.result;
  source.dkim_domain = r.domain;
  source.dkim_reason = r.reason;
  source.dkim_aligned = r.aligned;
}

struct Parsed {
  report::Report report;
  report::ReportSource source;
};

Result<Parsed> parse_one(const std::string& path, const ParseArgs& args, const Limits& limits,
                         report::ReportParser& parser, const mail::KeyLookup* keys) {
  bool over = false;
  const std::size_t max = std::max(limits.report_mail_bytes, limits.report_compressed_bytes);
  auto bytes = read_capped(path, max, over);
  if (!bytes) return std::unexpected(bytes.error());
  if (over) return fail(fmt::format("larger than {} bytes (limit report_mail_bytes)", max));

  Parsed out;
  out.source.transport = "file";
  if (path != "-") out.source.name = path;
  std::string_view payload = *bytes;
  mail::MailReport mail_report;
  bool is_mail = false;
  if (codec::sniff(payload) == codec::Encoding::plain && !looks_like_json(payload)) {
    mail::ExtractOptions options;
    options.verify_dkim = !args.no_dkim;
    auto m = mail::extract_report(payload, limits, options);
    if (!m) return std::unexpected(m.error());
    mail_report = std::move(*m);
    payload = mail_report.attachment;
    out.source.transport = "mail";
    out.source.name = mail_report.filename;
    out.source.report_domain = mail_report.report_domain;
    out.source.submitter = mail_report.submitter;
    out.source.dkim = mail_report.dkim;
    out.source.dkim_domain = mail_report.dkim_domain;
    is_mail = true;
  }
  auto decoded = codec::decode_report(payload, limits);
  if (!decoded) return std::unexpected(decoded.error());
  auto parsed = parser.parse(decoded->bytes);
  if (!parsed) return std::unexpected(parsed.error());
  out.report = std::move(*parsed);
  if (is_mail && !args.no_dkim) {
    record_dkim(*bytes, *keys, alignment_candidates(mail_report, out.report), limits, out.source);
  }
  auto& w = out.report.warnings;
  w.insert(w.begin(), decoded->warnings.begin(), decoded->warnings.end());
  w.insert(w.begin(), mail_report.warnings.begin(), mail_report.warnings.end());
  if (w.size() > limits.report_warnings) w.resize(limits.report_warnings);
  return out;
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
  parse->add_flag("--no-dkim", args->no_dkim, "Do not verify DKIM signatures of report mail");
  parse
      ->add_option("--dkim-keys", args->dkim_keys,
                   "DKIM public keys for report mail, one a line: "
                   "'selector._domainkey.domain TXT-text' (offline use and tests)")
      ->excludes("--no-dkim");
  add_dns_options(*parse, args->dns);
  parse->callback([args, &status] {
    const Limits limits;
    report::ReportParser parser(limits);
    std::optional<mail::MapKeyLookup> keys;
    asio::io_context io;
    std::unique_ptr<dns::Resolver> resolver;
    std::optional<ResolverKeyLookup> dns_keys;
    if (args->dkim_keys.empty() && !args->no_dkim) {
      auto made = make_resolver(io, args->dns);
      if (!made) {
        std::cerr << "webshield: " << made.error().describe() << '\n';
        status = kExitUsage;
        return;
      }
      resolver = std::move(*made);
      dns_keys.emplace(io, *resolver);
    }
    if (!args->dkim_keys.empty()) {
      bool over = false;
      auto text = read_capped(args->dkim_keys, limits.report_mail_bytes, over);
      if (text && over) text = fail("key file too large");
      auto parsed_keys = text ? mail::parse_key_file(*text)
                              : Result<mail::MapKeyLookup>(std::unexpected(text.error()));
      if (!parsed_keys) {
        std::cerr << "webshield: " << args->dkim_keys << ": " << parsed_keys.error().describe()
                  << '\n';
        status = 2;
        return;
      }
      keys = std::move(*parsed_keys);
    }
    status = 0;
    bool first = true;
    for (const std::string& path : args->files) {
      const mail::KeyLookup* lookup = keys       ? static_cast<const mail::KeyLookup*>(&*keys)
                                      : dns_keys ? &*dns_keys
                                                 : nullptr;
      auto parsed = parse_one(path, *args, limits, parser, lookup);
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
