// Writes the case tables of tests/cases/ as seed corpora: <dir>/<target>/<n>, one input per
// file, so that fuzzing starts from every rule the unit tests name.
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "cases/address_cases.hpp"
#include "cases/record_cases.hpp"
#include "cases/report_cases.hpp"

namespace {

namespace fs = std::filesystem;
using webshield::cases::Bad;
using webshield::cases::Good;

void write(const fs::path& dir, std::string_view text, int& n) {
  std::ofstream(dir / std::to_string(n++), std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_all(const fs::path& dir, std::span<const Bad> bad, std::span<const Good> good) {
  fs::create_directories(dir);
  int n = static_cast<int>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  for (const Bad& c : bad)
    write(dir, c.text, n);
  for (const Good& c : good)
    write(dir, c.text, n);
}

void write_texts(const fs::path& dir, std::initializer_list<std::string_view> texts) {
  fs::create_directories(dir);
  int n = 0;
  for (std::string_view text : texts)
    write(dir, text, n);
}

std::string gzip(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size())) + 32;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The report tables as JSON (and gzip for the decoder), and the fixture files as they are.
void write_reports(const fs::path& root) {
  namespace cases = webshield::cases;
  for (const char* name : {"report_json", "report_decode", "mail_extract"})
    fs::create_directories(root / name);
  int n = 0, m = 0;
  for (const auto& c : cases::kReportVariations) {
    write(root / "report_json", c.json, n);
    write(root / "report_decode", gzip(c.json), m);
  }
  for (const auto& c : cases::kReportRefusals)
    write(root / "report_json", c.json, n);
  int k = 0;
  for (const auto& entry : fs::recursive_directory_iterator(WEBSHIELD_FIXTURES)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto ext = entry.path().extension();
    if (ext == ".json") {
      write(root / "report_json", text, n);
      write(root / "report_decode", gzip(text), m);
    } else if (ext == ".eml") {
      write(root / "mail_extract", text, k);
    }
  }
}

// Ingestion: mbox files made of the fixture mails (quoted and not), Maildir names as Dovecot and
// others write them, and IMAP responses as Dovecot sends them.
void write_ingest(const fs::path& root) {
  using namespace std::string_view_literals;
  fs::create_directories(root / "mbox_split");
  int n = 0;
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(WEBSHIELD_FIXTURES)) {
    if (entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string one = "From tlsrpt@example.net Mon Jan  1 00:00:00 2024\n" + text + "\n";
    write(root / "mbox_split", one.substr(0, 4096), n);
    all += one;
  }
  write(root / "mbox_split", all.substr(0, 4096), n);
  write_texts(root / "mbox_split",
              {"From a\nA: 1\n\n>From me\n>>From you\n\nFrom b\r\nB: 2\r\n\r\nx\r\n"sv,
               "From a\n\nFrom b\nFrom c\n\n\nFrom d"sv, "not an mbox\nFrom a\n"sv});
  write_texts(root / "maildir_name",
              {"1733000000.M1P2.host,S=4403,W=4500:2,RS"sv, "1733000000.M1P2.host"sv,
               "1.2.host:2,"sv, "1.2.host:1,xyz"sv, ".hidden"sv, "a:2,DFa"sv});
  write_texts(root / "server_request",
              {"\x00"
               "domain=example.com&since=30d&x=a%20b+c"sv,
               "\x01"
               "application/tlsrpt+gzip; charset=binary"sv,
               "\x02"
               "a=1; webshield_session=abc"sv,
               "\x02"
               "Bearer abc"sv,
               "\x03"
               "203.0.113.9, 2001:db8::1"sv,
               "\x04"
               "::ffff:192.0.2.1"sv,
               "\x05"
               "user a pbkdf2-sha256$20000$c2FsdHNhbHQ=$AAAA\ntoken b sha256$00\n"sv});
  write_texts(root / "imap_response",
              {"* SEARCH 7 3 12 3\r\n"sv, "* SEARCH\r\n"sv,
               "* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 1733000000] UIDs valid\r\n"sv,
               "* CAPABILITY IMAP4rev1 UIDPLUS MOVE IDLE\r\n"sv, "* SEARCH 4294967296\r\n"sv});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: webshield_fuzz_seeds DIR\n";
    return 64;
  }
  namespace cases = webshield::cases;
  const fs::path root = argv[1];
  write_all(root / "tlsrpt_record", cases::kTlsRptBad, cases::kTlsRptGood);
  write_all(root / "sts_record", cases::kStsBad, cases::kStsGood);
  write_all(root / "sts_policy", cases::kPolicyBad, cases::kPolicyGood);
  write_all(root / "txt_and_uris", cases::kTlsRptBad, cases::kTlsRptGood);
  write_all(root / "txt_and_uris", cases::kStsBad, {});
  using namespace std::string_view_literals;
  // First byte picks the decoder (name, TXT, MX, address, TLSA), the rest is RDATA.
  write_texts(root / "dns_rdata",
              {"\x00\x03mx1\x07"
               "example\x03"
               "com\x00"sv,
               "\x01\x05hello\x00\x03you"sv,
               "\x02\x00\x0a\x02mx\x07"
               "example\x00"sv,
               "\x03\x7f\x00\x00\x01"sv, "\x04\x03\x01\x01 0123456789abcdef0123456789abcdef"sv});
  // First byte picks the type (A, MX, TXT, TLSA, CNAME, AAAA); the rest is a reply to
  // example.com: an A answer, an MX answer with compressed names, an NXDOMAIN.
  write_texts(
      root / "dns_reply",
      {"\x00\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x07"
       "example\x03"
       "com\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01"sv,
       "\x01\x12\x34\x81\xa0\x00\x01\x00\x01\x00\x00\x00\x00\x07"
       "example\x03"
       "com\x00\x00\x0f\x00\x01\xc0\x0c\x00\x0f\x00\x01\x00\x00\x01\x2c\x00\x07\x00\x0a\x02mx\xc0\x0c"sv,
       "\x02\x12\x34\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00\x07"
       "example\x03"
       "com\x00\x00\x10\x00\x01"sv});
  write_texts(
      root / "smtp_reply",
      {"220 mx.example.com ESMTP\n"sv, "250-mx.example.com\n250-SIZE 1000\n250 STARTTLS\n"sv,
       "454 4.7.0 TLS not available\n"sv, "220-first\n220 second\n"sv});
  fs::create_directories(root / "address_guard");
  int addresses = 0;
  for (const auto& c : cases::kRefusedAddresses)
    write(root / "address_guard", c.text, addresses);
  for (const auto& c : cases::kPublicAddresses)
    write(root / "address_guard", c.text, addresses);
  for (const auto& c : cases::kNotAddresses)
    write(root / "address_guard", c.text, addresses);
  write_reports(root);
  write_ingest(root);
  return 0;
}
