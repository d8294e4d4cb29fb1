// Splits an mbox file (RFC 4155 application/mbox) into its messages, incrementally: a message
// starts at a line beginning with "From " at the start of the file or after an empty line;
// the empty line before it belongs to the separator. Quoted lines (">From ", ">>From " …) lose
// one '>', as mboxrd writers quote them (for mboxo files this reads ">>From " one level too
// far, an ambiguity of that format). Pure: untrusted input, no I/O; a message larger than
// Limits::report_mail_bytes is not kept (only its size and place).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::ingest {

struct MboxMessage {
  std::string raw;           // the message without its "From " line, unquoted; empty when over
  std::uint64_t offset = 0;  // byte offset of its "From " line in the mbox
  std::size_t number = 0;    // 1 for the first message
  std::uint64_t size = 0;    // bytes of the message as stored (without the "From " line)
  bool over_limit = false;   // larger than report_mail_bytes: `raw` is empty
};

class MboxSplitter {
 public:
  explicit MboxSplitter(const Limits& limits = {}) : max_(limits.report_mail_bytes) {}

  // Reads the next bytes of the mbox; each message they complete is appended to `out`.
  // Fails when the mbox does not start with a "From " line (then stays failed).
  Result<void> feed(std::string_view bytes, std::vector<MboxMessage>& out);
  // The end of the mbox: completes the last message.
  Result<void> finish(std::vector<MboxMessage>& out);

 private:
  void line(std::string_view text, std::vector<MboxMessage>& out);
  void append(std::string_view text);
  void end_message(std::vector<MboxMessage>& out);
  void long_line(std::vector<MboxMessage>& out);

  std::size_t max_;
  std::uint64_t offset_ = 0;           // bytes consumed so far
  std::string partial_;                // the current line, until its '\n'
  bool partial_over_ = false;          // the current line outgrew the limit: it is skipped
  bool partial_is_separator_ = false;  // … and it is a "From " line
  std::uint64_t partial_size_ = 0;
  bool started_ = false;
  bool failed_ = false;
  bool prev_empty_ = true;  // the line before was empty (or this is the first line)
  std::string held_empty_;  // an empty line not yet known to belong to the message
  MboxMessage current_;
  std::size_t count_ = 0;
};

// Convenience for tests and small inputs: the whole mbox at once.
Result<std::vector<MboxMessage>> split_mbox(std::string_view mbox, const Limits& limits = {});

}  // namespace webshield::ingest
