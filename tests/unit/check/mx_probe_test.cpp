// What the live MX probe reads from a certificate (names, issuer, validity) and the JSON the
// dashboard receives from GET /api/v1/probe. The probe itself runs against the test world in
// tests/integration/serve_world.py.
#include "check/mx_probe.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
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

// The SHA-256 digest of the certificate's public key: the data of a "3 1 1" TLSA record.
std::string spki_sha256(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return {};
  unsigned char* spki = nullptr;
  const int size = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &spki);
  if (size <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(spki, static_cast<std::size_t>(size), digest, &length, EVP_sha256(), nullptr);
  OPENSSL_free(spki);
  return std::string(reinterpret_cast<char*>(digest), length);
}

net::SmtpProbeResult session(const std::string& der, long verify_result) {
  net::SmtpProbeResult p;
  p.connected = p.starttls_offered = p.starttls_accepted = p.handshake = true;
  p.tls_version = "TLSv1.3";
  p.verify_result = verify_result;
  p.chain = {der};
  return p;
}

TEST(MxProbe, WhatAnMtaStsSenderWouldReport) {
  const std::string der = make_certificate("mx.example", "DNS:mx.example", "20300101000000Z");
  net::SmtpProbeResult plain;
  plain.connected = true;
  EXPECT_EQ(check::sts_result_of(plain), "starttls-not-supported");
  net::SmtpProbeResult broken = plain;
  broken.starttls_offered = broken.starttls_accepted = true;
  EXPECT_EQ(check::sts_result_of(broken), "validation-failure");
  EXPECT_EQ(check::sts_result_of(session(der, X509_V_OK)), "");
  EXPECT_EQ(check::sts_result_of(session(der, X509_V_ERR_HOSTNAME_MISMATCH)),
            "certificate-host-mismatch");
  EXPECT_EQ(check::sts_result_of(session(der, X509_V_ERR_CERT_HAS_EXPIRED)), "certificate-expired");
  EXPECT_EQ(check::sts_result_of(session(der, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)),
            "certificate-not-trusted");
}

TEST(MxProbe, WhatADaneSenderWouldReport) {
  const std::string der = make_certificate("mx.example", "DNS:mx.example", "20300101000000Z");
  const std::string digest = spki_sha256(der);
  ASSERT_EQ(digest.size(), 32u);
  const dns::Tlsa ee{3, 1, 1, digest};
  const dns::Tlsa ta{2, 1, 1, digest};  // the self-signed certificate is its own anchor
  const dns::Tlsa other{3, 1, 1, std::string(32, '\x42')};

  // DANE-EE(3): the key is all that counts, not names, dates or the CA (RFC 7672 §3.1.1).
  const dns::Tlsa with_ee[] = {other, ee};
  EXPECT_EQ(check::dane_result_of(with_ee, session(der, X509_V_ERR_HOSTNAME_MISMATCH)), "");
  EXPECT_EQ(check::dane_result_of(with_ee, session(der, X509_V_ERR_CERT_HAS_EXPIRED)), "");
  const dns::Tlsa only_other[] = {other};
  EXPECT_EQ(check::dane_result_of(only_other, session(der, X509_V_OK)), "tlsa-invalid");
  // DANE-TA(2): the name must still match (RFC 7672 §3.2) and the dates hold.
  const dns::Tlsa with_ta[] = {ta};
  EXPECT_EQ(check::dane_result_of(with_ta, session(der, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)),
            "");
  EXPECT_EQ(check::dane_result_of(with_ta, session(der, X509_V_ERR_HOSTNAME_MISMATCH)),
            "certificate-host-mismatch");
  EXPECT_EQ(check::dane_result_of(with_ta, session(der, X509_V_ERR_CERT_HAS_EXPIRED)),
            "certificate-expired");
  net::SmtpProbeResult plain;
  plain.connected = true;
  EXPECT_EQ(check::dane_result_of(with_ee, plain), "starttls-not-supported");
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
