#include "check/dane.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace webshield::check {
namespace {

// The bytes a selector picks: 0 the whole certificate, 1 its SubjectPublicKeyInfo.
std::string selected(std::string_view der, std::uint8_t selector) {
  if (selector == 0) return std::string(der);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
  if (!cert) return {};
  unsigned char* spki = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &spki);
  std::string out =
      len > 0 ? std::string(reinterpret_cast<char*>(spki), static_cast<std::size_t>(len)) : "";
  OPENSSL_free(spki);
  return out;
}

std::string digest(const std::string& data, std::uint8_t matching_type) {
  if (matching_type == 0) return data;
  const EVP_MD* md = matching_type == 1 ? EVP_sha256() : EVP_sha512();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) return {};
  return std::string(reinterpret_cast<char*>(out), len);
}

bool matches_one(const dns::Tlsa& tlsa, std::string_view der) {
  const std::string bytes = selected(der, tlsa.selector);
  return !bytes.empty() && digest(bytes, tlsa.matching_type) == tlsa.data;
}

}  // namespace

bool usable_for_smtp(const dns::Tlsa& t) {
  if (t.usage != 2 && t.usage != 3) return false;  // RFC 7672 §3.1.3: PKIX usages unusable
  if (t.selector > 1) return false;
  switch (t.matching_type) {
    case 0:
      return !t.data.empty();
    case 1:
      return t.data.size() == 32;
    case 2:
      return t.data.size() == 64;
    default:
      return false;
  }
}

bool matches_chain(const dns::Tlsa& tlsa, std::span<const std::string> chain) {
  if (chain.empty() || !usable_for_smtp(tlsa)) return false;
  if (tlsa.usage == 3) return matches_one(tlsa, chain.front());
  for (const std::string& der : chain) {
    if (matches_one(tlsa, der)) return true;
  }
  return false;
}

}  // namespace webshield::check
