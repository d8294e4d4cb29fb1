// The live probe of one MX host, for a failure that a TLS-RPT report names (the dashboard's
// "probe this MX now", GET /api/v1/probe): its addresses, STARTTLS and the certificate each
// address presents (names, issuer, validity), its TLSA records (RFC 7672 §2.2, §3.1), and the
// result type (RFC 8460 §4.3) a sender would report for it now. Facts only: the findings of a
// domain stay with check.cpp. Untrusted input: the host name and everything the network returns.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/rdata.hpp"
#include "net/smtp_probe.hpp"

namespace webshield::check {

// At most this many addresses of one MX are probed (concurrently).
constexpr std::size_t kMaxProbedAddresses = 4;

// What a certificate says about itself (RFC 5280 §4.1). Names are DNS-IDs of subjectAltName.
struct CertificateInfo {
  std::string subject;  // RFC 2253 form
  std::string issuer;
  std::vector<std::string> dns_names;
  std::string not_before;  // RFC 3339, UTC
  std::string not_after;
};

// nullopt when `der` is not a certificate.
std::optional<CertificateInfo> describe_certificate(std::string_view der);

struct AddressProbe {
  std::string address;
  net::SmtpProbeResult smtp;
  std::optional<CertificateInfo> certificate;  // the server's own, first of the chain
  std::string verify;                          // "ok" or OpenSSL's reason, "" without a chain
  // What a sender would report connecting here now; "" for a clean session. Under MTA-STS the
  // certificate is validated with the Web PKI (RFC 8461 §4.2); under DANE against the usable
  // TLSA records (RFC 7672 §3.1), present only when the host has usable or failed TLSA.
  std::string sts_result;
  std::optional<std::string> dane_result;
};

struct TlsaState {
  std::string status = "none";       // none, secure, insecure, failed
  std::string dnssec;                // security of the answer
  std::vector<std::string> records;  // "3 1 1 <hex>"
  std::size_t usable = 0;            // usable for SMTP, counted only when secure
  std::string why;                   // of a failed lookup
};

struct MxProbe {
  std::string host;
  std::string probed_at;  // RFC 3339, UTC
  std::vector<std::string> addresses;
  std::string address_dnssec;  // security of the A answer
  std::string error;           // why nothing was probed (no address, lookup failed)
  TlsaState tlsa;
  std::vector<AddressProbe> probes;
};

// The result type (RFC 8460 §4.3) a sender would report for a probed address, "" for none:
// under MTA-STS (Web PKI, RFC 8461 §4.2), and under DANE given the usable TLSA records
// (RFC 7672 §3.1, §3.2). For an address that was reached.
std::string sts_result_of(const net::SmtpProbeResult& probe);
std::string dane_result_of(std::span<const dns::Tlsa> usable, const net::SmtpProbeResult& probe);

nlohmann::json to_json(const CertificateInfo& certificate);
nlohmann::json to_json(const MxProbe& probe);

}  // namespace webshield::check
