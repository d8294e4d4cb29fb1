// IMAP(S) mailboxes as a source (RFC 3501, through libcurl): finds the messages not yet seen
// (UID SEARCH UNSEEN, or ALL), fetches each by UID with the mailbox opened read-only (EXAMINE,
// so that fetching never sets \Seen), and after the store returned marks them \Seen or moves
// them to a folder (UID MOVE, RFC 6851; else COPY, \Deleted and EXPUNGE). TLS 1.2 or later,
// peer and host verified; a plain imap:// URL must upgrade with STARTTLS. The server is not
// trusted: a message is fetched with a cap (Limits::report_mail_bytes) and the responses
// WebShield reads itself go through the bounded parsers of imap_response.hpp.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "ingest/imap_response.hpp"
#include "ingest/source.hpp"

namespace webshield::ingest {

struct ImapUrl {
  std::string scheme;  // imap or imaps
  std::string user;    // decoded
  std::string host;
  std::uint16_t port = 0;         // 0: the scheme's
  std::string mailbox = "INBOX";  // decoded

  // "imaps://user@host:port/INBOX" as given back to people (no password, ever).
  std::string display() const;
};

// imap://user@host[:port][/MAILBOX] or imaps://…; a password in the URL is refused (it would
// show in the process list).
Result<ImapUrl> parse_imap_url(std::string_view url);

struct ImapOptions {
  ImapUrl url;
  std::string password;
  std::optional<std::string> ca_file;  // trust only this CA file
  bool include_seen = false;           // UID SEARCH ALL instead of UNSEEN
  std::optional<std::string> move_to;  // --imap-done move:FOLDER
  std::chrono::milliseconds timeout{60'000};
};

// "seen" or "move:FOLDER" (any IMAP mailbox name in printable ASCII).
Result<std::optional<std::string>> parse_imap_done(std::string_view text);

class ImapSource final : public Source {
 public:
  ImapSource(ImapOptions options, const Limits& limits);
  ~ImapSource() override;
  ImapSource(const ImapSource&) = delete;
  ImapSource& operator=(const ImapSource&) = delete;

  std::string describe() const override { return options_.url.display(); }
  Result<std::optional<std::size_t>> start() override;
  Result<std::optional<Item>> next() override;
  Result<void> acknowledge(std::span<const Ack> acks) override;
  bool can_watch() const override { return true; }

 private:
  struct Response {
    std::string body;  // untagged lines of a custom command
    bool reconnected = false;
  };
  // Sends one command in the mailbox (libcurl logs in and SELECTs it first on a new connection).
  Result<Response> command(const std::string& request);
  // EXAMINE (read-only) or SELECT, checking that UIDVALIDITY did not change.
  Result<void> open_mailbox(bool read_only);
  std::string origin(std::uint32_t uid) const;

  ImapOptions options_;
  const Limits& limits_;
  void* curl_ = nullptr;  // CURL*
  std::string mailbox_url_;
  std::optional<Capabilities> capabilities_;
  bool created_folder_ = false;
  bool read_only_ = false;  // the server has the mailbox EXAMINEd
  std::uint32_t uidvalidity_ = 0;
  std::vector<std::uint32_t> uids_;
  std::size_t at_ = 0;
};

}  // namespace webshield::ingest
