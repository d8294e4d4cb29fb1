#include "cli/dkim_options.hpp"

#include "ingest/local_sources.hpp"

namespace webshield::cli {

void add_dkim_options(CLI::App& cmd, DkimArgs& args) {
  cmd.add_flag("--no-dkim", args.no_dkim, "Do not verify DKIM signatures of report mail");
  cmd.add_option("--dkim-keys", args.keys_file,
                 "DKIM public keys for report mail, one a line: "
                 "'selector._domainkey.domain TXT-text' (offline use and tests)")
      ->excludes("--no-dkim");
  add_dns_options(cmd, args.dns);
}

Result<std::unique_ptr<DkimKeys>> DkimKeys::create(const DkimArgs& args, const Limits& limits) {
  auto keys = std::make_unique<DkimKeys>();
  if (args.no_dkim) return keys;
  if (!args.keys_file.empty()) {
    auto text = ingest::read_capped(args.keys_file, limits.report_mail_bytes);
    if (text && text->over) text = fail("key file too large");
    if (!text) return fail(text.error().message, args.keys_file);
    auto parsed = mail::parse_key_file(text->bytes);
    if (!parsed) return fail(parsed.error().describe(), args.keys_file);
    keys->file_keys_ = std::move(*parsed);
    return keys;
  }
  auto resolver = make_resolver(keys->io_, args.dns);
  if (!resolver) return std::unexpected(resolver.error());
  keys->resolver_ = std::move(*resolver);
  keys->dns_keys_.emplace(keys->io_, *keys->resolver_);
  return keys;
}

const mail::KeyLookup* DkimKeys::lookup() const {
  if (file_keys_) return &*file_keys_;
  if (dns_keys_) return &*dns_keys_;
  return nullptr;
}

}  // namespace webshield::cli
