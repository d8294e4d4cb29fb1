// DANE-TLSA matching for SMTP (RFC 6698 §2.1, RFC 7671 §5, RFC 7672 §3.1): which TLSA records
// are usable by a sending MTA, and whether one matches the chain an MX presented.
#pragma once

#include <span>
#include <string>

#include "dns/rdata.hpp"

namespace webshield::check {

// Usages 2 (DANE-TA) and 3 (DANE-EE), selector 0 or 1, matching type 0, 1 (SHA-256) or 2
// (SHA-512) with the digest length that type implies.
bool usable_for_smtp(const dns::Tlsa& tlsa);

// Whether the record matches the chain (DER, server certificate first): DANE-EE against the
// server certificate, DANE-TA against any certificate of the chain.
bool matches_chain(const dns::Tlsa& tlsa, std::span<const std::string> chain);

}  // namespace webshield::check
