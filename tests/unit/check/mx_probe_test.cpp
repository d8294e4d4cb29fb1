// What the live MX probe reads from a certificate (names, issuer, validity) and the JSON the
// dashboard receives from GET /api/v1/probe. The probe itself runs against the test world in
// tests/integration/serve_world.py.
#include "check/mx_probe.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace webshield {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A self-signed certificate for `subject_cn` with the subjectAltName `san`, as DER.
std::string make_certificate(const char* subject_cn, const char* san, const char* not_after) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!key || !cert) return {};
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20200101000000Z");
  ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), not_after);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(subject_cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  if (san != nullptr) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san);
    if (ext == nullptr) return {};
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return {};
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  if (size <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

TEST(MxProbe, DescribesTheCertificateANameMismatchShows) {
  const std::string der = make_certificate(
      "mail.other.example", "DNS:mail.other.example,DNS:*.other.example,IP:192.0.2.1",
      "20300102030405Z");
  ASSERT_FALSE(der.empty());
  const auto info = check::describe_certificate(der);
  ASSERT_TRUE(info);
  // DNS-IDs only: the IP address of subjectAltName is not a name a sender matches.
  EXPECT_EQ(info->dns_names, (std::vector<std::string>{"mail.other.example", "*.other.example"}));
  EXPECT_EQ(info->subject, "CN=mail.other.example");
  EXPECT_EQ(info->issuer, "CN=mail.other.example");
  EXPECT_EQ(info->not_before, "2020-01-01T00:00:00Z");
  EXPECT_EQ(info->not_after, "2030-01-02T03:04:05Z");
}

TEST(MxProbe, CertificateWithoutSubjectAltName) {
  const std::string der = make_certificate("mx.example", nullptr, "20250101000000Z");
  ASSERT_FALSE(der.empty());
  const auto info = check::describe_certificate(der);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->dns_names.empty());
  EXPECT_EQ(info->subject, "CN=mx.example");
}

TEST(MxProbe, NotACertificate) {
  const std::string_view cases[] = {"", "\x30", "not DER at all", "\x30\x82\xff\xff"};
  for (std::string_view bytes : cases)
    EXPECT_FALSE(check::describe_certificate(bytes)) << bytes;
  // A certificate with bytes missing at the end.
  const std::string der = make_certificate("mx.example", "DNS:mx.example", "20300101000000Z");
  EXPECT_FALSE(check::describe_certificate(std::string_view(der).substr(0, der.size() - 10)));
}

TEST(MxProbe, JsonShape) {
  check::MxProbe probe;
  probe.host = "mx2.example.com";
  probe.probed_at = "2026-12-03T08:00:00Z";
  probe.addresses = {"192.0.2.25", "2001:db8::25"};
  probe.address_dnssec = "insecure";
  check::AddressProbe clean;
  clean.address = "192.0.2.25";
  clean.smtp.connected = true;
  clean.smtp.starttls_offered = true;
  clean.smtp.starttls_accepted = true;
  clean.smtp.tls_version = "TLSv1.3";
  clean.verify = "ok";
  check::AddressProbe stale = clean;
  stale.address = "2001:db8::25";
  stale.verify = "hostname mismatch";
  stale.sts_result = "certificate-host-mismatch";
  stale.dane_result = "";
  stale.certificate = check::CertificateInfo{"CN=mail.other.example",
                                             "CN=CA",
                                             {"mail.other.example"},
                                             "2026-01-01T00:00:00Z",
                                             "2027-01-01T00:00:00Z"};
  probe.probes = {clean, stale};

  const nlohmann::json j = check::to_json(probe);
  EXPECT_EQ(j["host"], "mx2.example.com");
  EXPECT_EQ(j["tlsa"]["status"], "none");
  EXPECT_FALSE(j.contains("error"));
  ASSERT_EQ(j["probes"].size(), 2u);
  EXPECT_TRUE(j["probes"][0]["sts_result"].is_null());
  EXPECT_TRUE(j["probes"][0]["certificate"].is_null());
  EXPECT_FALSE(j["probes"][0].contains("dane_result")) << "no TLSA: DANE does not apply";
  EXPECT_EQ(j["probes"][0]["starttls"], true);
  EXPECT_EQ(j["probes"][1]["sts_result"], "certificate-host-mismatch");
  EXPECT_TRUE(j["probes"][1]["dane_result"].is_null()) << "a TLSA record matched";
  EXPECT_EQ(j["probes"][1]["certificate"]["dns_names"],
            nlohmann::json::array({"mail.other.example"}));
}

}  // namespace
}  // namespace webshield
