// DKIM public keys from DNS (`<selector>._domainkey.<domain>` TXT, RFC 6376 §3.6.2.2) through
// WebShield's own resolver, for the intake of report mail. One blocking lookup at a time on a
// private event loop: intake reads one mail after another.
#pragma once

#include "dns/resolver.hpp"
#include "mail/dkim.hpp"
#include "net/asio.hpp"

namespace webshield::ingest {

class ResolverKeyLookup final : public mail::KeyLookup {
 public:
  ResolverKeyLookup(asio::io_context& io, dns::Resolver& resolver) : io_(io), resolver_(resolver) {}

  Result<std::string> key_record(std::string_view selector, std::string_view domain) const override;

 private:
  asio::io_context& io_;
  dns::Resolver& resolver_;
};

}  // namespace webshield::ingest
