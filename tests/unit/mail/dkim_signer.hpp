// Test helper: signs a message with libopendkim's own signer and a fresh RSA-2048 key made at
// test time (OpenSSL EVP), so that no private key lives in git. The public key is returned as
// the TXT text of its _domainkey record.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdbool.h>
#ifndef _Bool
// dkim.h is C and uses _Bool: g++'s stdbool.h maps it to bool in C++, clang's only outside
// strict ISO mode (-std=c++23), as in the fuzz preset.
#define _Bool bool
#endif
#include <sys/types.h>
//
#include <dkim.h>

#include <memory>
#include <string>

namespace webshield::test {

struct DkimKey {
  std::string private_pem;
  std::string txt;  // "v=DKIM1; k=rsa; p=..."
};

// One key per test binary: RSA-2048 generation takes a noticeable fraction of a second.
inline const DkimKey& dkim_test_key() {
  static const DkimKey key = [] {
    DkimKey k;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)), EVP_PKEY_free);
    if (!pkey) return k;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    k.private_pem.assign(data, static_cast<std::size_t>(n));
    unsigned char* der = nullptr;
    const int der_len = i2d_PUBKEY(pkey.get(), &der);
    std::string b64(static_cast<std::size_t>(4 * ((der_len + 2) / 3) + 1), '\0');
    const int b64_len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der, der_len);
    OPENSSL_free(der);
    b64.resize(static_cast<std::size_t>(b64_len));
    k.txt = "v=DKIM1; k=rsa; p=" + b64;
    return k;
  }();
  return key;
}

struct SignSpec {
  std::string selector = "s1";
  std::string domain = "reporter.example";
  int alg = DKIM_SIGN_RSASHA256;
  bool body_length = false;  // sign with l= (the whole body's length)
};

// Returns the message with a DKIM-Signature field in front, or "" when signing failed.
inline std::string dkim_sign_message(const std::string& message, const SignSpec& spec = {}) {
  const DkimKey& key = dkim_test_key();
  std::unique_ptr<DKIM_LIB, decltype(&dkim_close)> lib(dkim_init(nullptr, nullptr), dkim_close);
  if (!lib) return "";
  const auto body_at = message.find("\r\n\r\n");
  const ssize_t length = spec.body_length ? static_cast<ssize_t>(message.size() - body_at - 4) : -1;
  DKIM_STAT status = DKIM_STAT_OK;
  std::unique_ptr<DKIM, decltype(&dkim_free)> dkim(
      dkim_sign(lib.get(), reinterpret_cast<const unsigned char*>("test"), nullptr,
                reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(key.private_pem.c_str())),
                reinterpret_cast<const unsigned char*>(spec.selector.c_str()),
                reinterpret_cast<const unsigned char*>(spec.domain.c_str()), DKIM_CANON_RELAXED,
                DKIM_CANON_RELAXED, spec.alg, length, &status),
      dkim_free);
  if (!dkim) return "";
  const char* signed_fields[] = {
      "From", "Subject", "TLS-Report-Domain", "TLS-Report-Submitter", "Content-Type", nullptr};
  if (dkim_signhdrs(dkim.get(), signed_fields) != DKIM_STAT_OK) return "";
  std::string copy = message;
  if (dkim_chunk(dkim.get(), reinterpret_cast<u_char*>(copy.data()), copy.size()) != DKIM_STAT_OK
      || dkim_chunk(dkim.get(), nullptr, 0) != DKIM_STAT_OK
      || dkim_eom(dkim.get(), nullptr) != DKIM_STAT_OK) {
    return "";
  }
  const std::string field = "DKIM-Signature: ";
  u_char* value = nullptr;
  size_t value_len = 0;
  if (dkim_getsighdr_d(dkim.get(), field.size(), &value, &value_len) != DKIM_STAT_OK) return "";
  return field + std::string(reinterpret_cast<char*>(value), value_len) + "\r\n" + message;
}

// A small TLS-RPT report mail (RFC 8460 §5.3) with CRLF line ends.
inline std::string dkim_test_report_mail(const std::string& submitter = "reporter.example") {
  const std::string json =
      "{\"organization-name\":\"Reporter\",\"date-range\":{\"start-datetime\":"
      "\"2024-01-01T00:00:00Z\",\"end-datetime\":\"2024-01-01T23:59:59Z\"},"
      "\"contact-info\":\"tlsrpt@"
      + submitter + "\",\"report-id\":\"r1\",\"policies\":[]}";
  return "From: TLS reports <tlsrpt@" + submitter
         + ">\r\n"
           "To: rua@example.net\r\n"
           "Subject: Report Domain: example.net Submitter: "
         + submitter
         + " Report-ID: <r1>\r\n"
           "TLS-Report-Domain: example.net\r\n"
           "TLS-Report-Submitter: "
         + submitter
         + "\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=tlsrpt; boundary=\"b1\"\r\n"
           "\r\n"
           "--b1\r\n"
           "Content-Type: text/plain\r\n"
           "\r\n"
           "This is a TLS report.\r\n"
           "--b1\r\n"
           "Content-Type: application/tlsrpt+json\r\n"
           "Content-Disposition: attachment; filename=\"report.json\"\r\n"
           "\r\n"
         + json
         + "\r\n"
           "--b1--\r\n";
}

}  // namespace webshield::test
