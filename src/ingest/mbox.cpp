#include "ingest/mbox.hpp"

#include <fmt/format.h>

namespace webshield::ingest {
namespace {

bool is_empty_line(std::string_view line) {
  return line == "\n" || line == "\r\n";
}

// mboxrd: ">From ", ">>From " … are body lines that were quoted by the writer.
bool is_quoted_from(std::string_view line) {
  const auto n = line.find_first_not_of('>');
  return n != 0 && n != std::string_view::npos && line.substr(n).starts_with("From ");
}

}  // namespace

void MboxSplitter::append(std::string_view text) {
  current_.size += text.size();
  if (current_.over_limit) return;
  if (current_.raw.size() + text.size() > max_) {
    current_.over_limit = true;
    current_.raw = std::string();  // give the memory back
    return;
  }
  current_.raw.append(text);
}

void MboxSplitter::end_message(std::vector<MboxMessage>& out) {
  if (!started_) return;
  // The empty line before a "From " line (or at the end) separates; it is not the message's.
  held_empty_.clear();
  out.push_back(std::move(current_));
  current_ = MboxMessage();
}

void MboxSplitter::line(std::string_view text, std::vector<MboxMessage>& out) {
  const std::uint64_t at = offset_;
  offset_ += text.size();
  const bool separator = prev_empty_ && text.starts_with("From ");
  if (separator) {
    end_message(out);
    started_ = true;
    current_.offset = at;
    current_.number = ++count_;
    prev_empty_ = false;
    return;
  }
  if (!started_) {
    failed_ = true;
    return;
  }
  prev_empty_ = is_empty_line(text);
  if (!held_empty_.empty()) {
    append(held_empty_);
    held_empty_.clear();
  }
  if (prev_empty_) {
    held_empty_ = text;
    return;
  }
  if (is_quoted_from(text)) text.remove_prefix(1);
  append(text);
}

// The current line has outgrown the limit before its end: decide now what it is, as line()
// would, and keep nothing more of it.
void MboxSplitter::long_line(std::vector<MboxMessage>& out) {
  if (prev_empty_ && partial_.starts_with("From ")) {
    // A (long) separator: it starts a message and is not part of one.
    end_message(out);
    started_ = true;
    current_.offset = offset_;
    current_.number = ++count_;
    partial_is_separator_ = true;
  } else if (!started_) {
    failed_ = true;
  } else {
    if (!held_empty_.empty()) append(held_empty_);
    held_empty_.clear();
    current_.over_limit = true;  // only a message over the limit can hold such a line
    current_.raw = std::string();
  }
  partial_over_ = true;
  partial_size_ = partial_.size();
  partial_.clear();
}

Result<void> MboxSplitter::feed(std::string_view bytes, std::vector<MboxMessage>& out) {
  while (!bytes.empty() && !failed_) {
    const auto lf = bytes.find('\n');
    const std::string_view piece =
        bytes.substr(0, lf == std::string_view::npos ? bytes.size() : lf + 1);
    bytes.remove_prefix(piece.size());
    if (partial_over_) {
      // Inside a line longer than a whole message may be: count it, keep nothing.
      partial_size_ += piece.size();
      if (piece.ends_with('\n')) {
        if (!partial_is_separator_) current_.size += partial_size_;
        offset_ += partial_size_;
        partial_over_ = false;
        partial_is_separator_ = false;
        partial_size_ = 0;
        prev_empty_ = false;
      }
      continue;
    }
    if (!piece.ends_with('\n')) {
      partial_.append(piece);
      if (partial_.size() > max_) long_line(out);
      continue;
    }
    if (partial_.empty()) {
      line(piece, out);
    } else {
      partial_.append(piece);
      const std::string whole = std::move(partial_);
      partial_.clear();
      line(whole, out);
    }
  }
  if (failed_) return fail("not an mbox: the first line does not start with \"From \"", "byte 0");
  return {};
}

Result<void> MboxSplitter::finish(std::vector<MboxMessage>& out) {
  if (failed_) return fail("not an mbox: the first line does not start with \"From \"", "byte 0");
  if (partial_over_) {
    if (!partial_is_separator_) current_.size += partial_size_;
    offset_ += partial_size_;
    partial_over_ = false;
    partial_is_separator_ = false;
  } else if (!partial_.empty()) {
    const std::string last = std::move(partial_);
    partial_.clear();
    line(last, out);
    if (failed_) return fail("not an mbox: the first line does not start with \"From \"", "byte 0");
  }
  end_message(out);
  started_ = false;
  return {};
}

Result<std::vector<MboxMessage>> split_mbox(std::string_view mbox, const Limits& limits) {
  MboxSplitter splitter(limits);
  std::vector<MboxMessage> out;
  if (auto r = splitter.feed(mbox, out); !r) return std::unexpected(r.error());
  if (auto r = splitter.finish(out); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace webshield::ingest
