// The DKIM options of the commands that read report mail (`report parse`, `ingest`,
// `quarantine retry`): --no-dkim, --dkim-keys FILE, or keys from DNS through our resolver
// (--resolver, --trust-anchor, --no-dnssec, --timeout as for check).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli/check_options.hpp"
#include "core/limits.hpp"
#include "ingest/key_lookup.hpp"
#include "mail/dkim.hpp"

namespace webshield::cli {

struct DkimArgs {
  bool no_dkim = false;
  std::string keys_file;  // --dkim-keys FILE; otherwise keys come from DNS
  DnsArgs dns;
};

void add_dkim_options(CLI::App& cmd, DkimArgs& args);

// What the key lookups need, alive for a command's run.
class DkimKeys {
 public:
  // Fails when the key file cannot be read (the error's `where` is the file) or the resolver
  // cannot start.
  static Result<std::unique_ptr<DkimKeys>> create(const DkimArgs& args, const Limits& limits);
  // Null with --no-dkim.
  const mail::KeyLookup* lookup() const;

 private:
  asio::io_context io_;
  std::unique_ptr<dns::Resolver> resolver_;
  std::optional<mail::MapKeyLookup> file_keys_;
  std::optional<ingest::ResolverKeyLookup> dns_keys_;
};

}  // namespace webshield::cli
