// The live probe of one MX host: lookups of its addresses and TLSA records, then the STARTTLS
// probe of each address (at most kMaxProbedAddresses) concurrently.
#include "check/mx_probe.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>

#include "check/check.hpp"
#include "check/dane.hpp"
#include "check/task.hpp"
#include "dns/rdata.hpp"

namespace webshield::check {
namespace {

using dns::Answer;
using dns::Security;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

std::vector<std::string> addresses_of(const Answer& a) {
  std::vector<std::string> out;
  if (a.status != dns::Status::answer) return out;
  for (const std::string& rdata : a.rdata) {
    if (auto address = dns::decode_address(rdata)) out.push_back(std::move(*address));
  }
  return out;
}

asio::awaitable<AddressProbe> probe_address(net::SmtpProber& smtp, net::SmtpProbeRequest request) {
  AddressProbe out;
  out.address = request.address;
  out.smtp = co_await smtp.probe(std::move(request));
  if (!out.smtp.chain.empty()) {
    out.certificate = describe_certificate(out.smtp.chain.front());
    out.verify = out.smtp.verify_result == X509_V_OK
                     ? std::string("ok")
                     : std::string(X509_verify_cert_error_string(out.smtp.verify_result));
  }
  if (out.smtp.connected) out.sts_result = sts_result_of(out.smtp);
  co_return out;
}

}  // namespace

// RFC 8461 §4.2 (Web PKI) as the probe saw it; the OpenSSL codes the SMTP probe reports.
std::string sts_result_of(const net::SmtpProbeResult& p) {
  if (!p.starttls_accepted) return "starttls-not-supported";
  if (!p.handshake) return "validation-failure";
  switch (p.verify_result) {
    case X509_V_OK:
      return "";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate-expired";
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "certificate-host-mismatch";
    default:
      return "certificate-not-trusted";
  }
}

// RFC 7672 §3.1, §3.2 as the probe saw it, given the usable TLSA records: a DANE-EE(3) match is
// enough (no name or date checks, §3.1.1); a DANE-TA(2) match still needs the MX name in the
// certificate and a certificate in its validity period. The verification result comes from
// the probe's own trust store, so only those two of its errors count here.
std::string dane_result_of(std::span<const dns::Tlsa> usable, const net::SmtpProbeResult& p) {
  if (!p.starttls_accepted) return "starttls-not-supported";
  if (p.chain.empty()) return "validation-failure";
  bool ee = false;
  bool ta = false;
  for (const dns::Tlsa& record : usable) {
    if (!matches_chain(record, p.chain)) continue;
    (record.usage == 3 ? ee : ta) = true;
  }
  if (ee) return "";
  if (!ta) return "tlsa-invalid";
  switch (p.verify_result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "certificate-host-mismatch";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate-expired";
    default:
      return "";
  }
}

std::optional<CertificateInfo> describe_certificate(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return std::nullopt;
  CertificateInfo info;
  info.subject = name_text(X509_get_subject_name(cert.get()));
  info.issuer = name_text(X509_get_issuer_name(cert.get()));
  info.not_before = time_text(X509_get0_notBefore(cert.get()));
  info.not_after = time_text(X509_get0_notAfter(cert.get()));
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
      if (name->type != GEN_DNS) continue;
      const ASN1_STRING* s = name->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
  }
  return info;
}

asio::awaitable<MxProbe> Checker::probe_mx(DomainName host) {
  MxProbe out;
  out.host = host.ascii();
  out.probed_at =
      fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                  std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  auto ex = co_await asio::this_coro::executor;
  auto v4 = start(ex, dns::lookup(resolver_, out.host, dns::kA));
  auto v6 = start(ex, dns::lookup(resolver_, out.host, dns::kAaaa));
  auto tlsa = start(ex, dns::lookup(resolver_, "_25._tcp." + out.host, dns::kTlsa));

  const Answer a = co_await v4.get();
  const Answer aaaa = co_await v6.get();
  out.addresses = addresses_of(a);
  for (std::string& address : addresses_of(aaaa))
    out.addresses.push_back(std::move(address));
  out.address_dnssec = std::string(dns::to_string(a.security));

  // RFC 7672 §2.2: a failed TLSA lookup makes DANE senders defer; an insecure answer is ignored.
  const Answer t = co_await tlsa.get();
  std::vector<dns::Tlsa> usable;
  out.tlsa.dnssec = std::string(dns::to_string(t.security));
  if (t.failed()) {
    out.tlsa.status = "failed";
    out.tlsa.why = t.why.empty() ? std::string(dns::to_string(t.status)) : t.why;
  } else if (t.status == dns::Status::answer) {
    for (const std::string& rdata : t.rdata) {
      auto decoded = dns::decode_tlsa(rdata);
      if (!decoded) continue;
      out.tlsa.records.push_back(fmt::format("{} {} {} {}", decoded->usage, decoded->selector,
                                             decoded->matching_type, hex(decoded->data)));
      if (t.security == Security::secure && usable_for_smtp(*decoded))
        usable.push_back(std::move(*decoded));
    }
    out.tlsa.usable = usable.size();
    out.tlsa.status = t.security == Security::secure ? "secure" : "insecure";
  }

  if (out.addresses.empty()) {
    out.error = a.failed() || aaaa.failed()
                    ? fmt::format("the addresses of {} could not be looked up", out.host)
                    : fmt::format("{} has no A or AAAA record", out.host);
    co_return out;
  }
  if (!options_.parts.smtp) {
    out.error = "SMTP probes are off (--no-smtp)";
    co_return out;
  }
  std::vector<Task<AddressProbe>> running;
  for (std::size_t i = 0; i < out.addresses.size() && i < kMaxProbedAddresses; ++i) {
    net::SmtpProbeRequest request;
    request.host = out.host;
    request.address = out.addresses[i];
    request.port = options_.smtp_port;
    request.timeout = options_.timeout;
    running.push_back(start(ex, probe_address(smtp_, std::move(request))));
  }
  // RFC 7672 §2.2: senders look for TLSA only when the host's addresses are DNSSEC-signed; a
  // bogus answer is a failure wherever it comes from.
  const bool tlsa_failed = out.tlsa.status == "failed"
                           && (a.security == Security::secure || t.security == Security::bogus);
  for (auto& r : running) {
    AddressProbe probe = co_await r.get();
    if (tlsa_failed) {
      probe.dane_result = "dnssec-invalid";
    } else if (!usable.empty() && probe.smtp.connected) {
      probe.dane_result = dane_result_of(usable, probe.smtp);
    }
    out.probes.push_back(std::move(probe));
  }
  co_return out;
}

nlohmann::json to_json(const CertificateInfo& c) {
  return {{"subject", c.subject},
          {"issuer", c.issuer},
          {"dns_names", c.dns_names},
          {"not_before", c.not_before},
          {"not_after", c.not_after}};
}

nlohmann::json to_json(const MxProbe& probe) {
  nlohmann::json probes = nlohmann::json::array();
  for (const AddressProbe& p : probe.probes) {
    nlohmann::json j{
        {"address", p.address},
        {"connected", p.smtp.connected},
        {"refused", p.smtp.refused},
        {"starttls", p.smtp.starttls_accepted},
        {"starttls_offered", p.smtp.starttls_offered},
        {"tls_version", p.smtp.tls_version},
        {"verify", p.verify},
        {"certificate", nullptr},
        {"sts_result", p.sts_result.empty() ? nlohmann::json() : nlohmann::json(p.sts_result)},
        {"error", p.smtp.error}};
    if (p.certificate) j["certificate"] = to_json(*p.certificate);
    if (p.dane_result)
      j["dane_result"] = p.dane_result->empty() ? nlohmann::json() : nlohmann::json(*p.dane_result);
    probes.push_back(std::move(j));
  }
  nlohmann::json tlsa{{"status", probe.tlsa.status},
                      {"dnssec", probe.tlsa.dnssec},
                      {"records", probe.tlsa.records},
                      {"usable", probe.tlsa.usable}};
  if (!probe.tlsa.why.empty()) tlsa["why"] = probe.tlsa.why;
  nlohmann::json out{{"host", probe.host},           {"probed_at", probe.probed_at},
                     {"addresses", probe.addresses}, {"address_dnssec", probe.address_dnssec},
                     {"tlsa", std::move(tlsa)},      {"probes", std::move(probes)}};
  if (!probe.error.empty()) out["error"] = probe.error;
  return out;
}

}  // namespace webshield::check
