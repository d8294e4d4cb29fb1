// Where `webshield ingest` reads reports from: a Source yields items (the bytes as received and
// where they were read), and is told which ones are durably stored or quarantined so that it
// can acknowledge them (move, flag or delete them in the mailbox). An item is acknowledged
// only after the store returned; one that is not stays where it is and comes again next time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "ingest/intake.hpp"

namespace webshield::ingest {

struct Item {
  std::string raw;  // the bytes as received; empty when over_limit
  std::string
      origin;  // "/path/file", "maildir:/x/new/123", "imaps://u@host/INBOX;UIDVALIDITY=5/;UID=42"
  Kind kind = Kind::mail;
  std::optional<std::string> name;  // a file's name, for the report's source
  bool over_limit = false;          // larger than max_item_bytes(kind): not read whole
  std::uint64_t size = 0;           // bytes, when known
  // Set when the item could not be read (gone meanwhile, unreadable, a name that is not a
  // message): it is reported, never acknowledged.
  std::optional<std::string> unreadable;
  std::size_t key = 0;  // the source's own handle, given back in Ack
};

// What became of an item. `kept`: neither stored nor quarantined (a mail that is not a report,
// with --no-quarantine-non-reports, or an item over the size limit): it stays in the mailbox,
// only marked as seen, never moved or deleted.
enum class Outcome { stored, duplicate, quarantined, kept };

struct Ack {
  std::size_t key = 0;
  Outcome outcome = Outcome::stored;
};

class Source {
 public:
  virtual ~Source() = default;
  // For messages: "maildir /var/mail/tls", "imaps://tls@mail.example/INBOX".
  virtual std::string describe() const = 0;
  // Starts a pass (one run, or one poll of --watch): finds what is there now. The number of
  // items when it is known (for the progress line).
  virtual Result<std::optional<std::size_t>> start() = 0;
  // The next item of the pass, or nothing at its end. An error means the source failed (a lost
  // connection, an unreadable mbox): the pass ends.
  virtual Result<std::optional<Item>> next() = 0;
  // The items are durably stored or quarantined (or kept): acknowledge them.
  virtual Result<void> acknowledge(std::span<const Ack> acks) = 0;
  // Whether polling it again can find new items (mailboxes, not files).
  virtual bool can_watch() const { return false; }
};

}  // namespace webshield::ingest
