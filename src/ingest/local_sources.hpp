// Sources on the local machine: report files and directories, standard input (a file, or one
// mail message from an MTA pipe), a Maildir and an mbox file. Files and mbox files are only
// read, never changed; Maildir messages are acknowledged by the maildir rules (new/ → cur/ with
// the seen flag, or moved to a sub-folder, or deleted). Their bytes are untrusted and read with
// a cap (Limits::report_mail_bytes / report_compressed_bytes).
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/limits.hpp"
#include "ingest/mbox.hpp"
#include "ingest/source.hpp"

namespace webshield::ingest {

struct CappedRead {
  std::string bytes;  // at most `max` bytes
  bool over = false;  // there was more
  std::uint64_t size = 0;
};

// Reads at most `max` bytes of `path` ("-": standard input); `over` says there was more.
Result<CappedRead> read_capped(const std::string& path, std::size_t max);

// Files and directories (recursively, in name order); "-" is standard input. Items are sniffed
// (gzip, zip, JSON or a mail). Nothing is ever changed; acknowledging does nothing.
class FileSource final : public Source {
 public:
  FileSource(std::vector<std::string> paths, const Limits& limits);
  std::string describe() const override { return "files"; }
  Result<std::optional<std::size_t>> start() override;
  Result<std::optional<Item>> next() override;
  Result<void> acknowledge(std::span<const Ack>) override { return {}; }

 private:
  std::vector<std::string> paths_;
  const Limits& limits_;
  std::vector<std::string> files_;
  std::vector<std::string> problems_;  // paths that cannot be listed, reported as items
  std::size_t at_ = 0;
};

// Standard input as one mail message: the MTA pipe (`|webshield ingest --stdin-mail`).
class StdinMailSource final : public Source {
 public:
  explicit StdinMailSource(const Limits& limits) : limits_(limits) {}
  std::string describe() const override { return "standard input"; }
  Result<std::optional<std::size_t>> start() override { return 1; }
  Result<std::optional<Item>> next() override;
  Result<void> acknowledge(std::span<const Ack>) override { return {}; }

 private:
  const Limits& limits_;
  bool read_ = false;
};

// What to do with a Maildir message once it is stored: mark it seen (new/ → cur/ with ":2,S"),
// move it into the Maildir++ sub-folder ".FOLDER" (seen), or delete it.
struct MaildirDone {
  enum class Action { seen, move, remove } action = Action::seen;
  std::string folder;  // for move
};

// "seen", "move:FOLDER" or "delete". FOLDER: letters, digits, '-', '_', and '.' between names.
Result<MaildirDone> parse_maildir_done(std::string_view text);

class MaildirSource final : public Source {
 public:
  // `include_seen`: also messages in cur/ that already carry the seen flag.
  MaildirSource(std::filesystem::path dir, MaildirDone done, bool include_seen,
                const Limits& limits);
  std::string describe() const override { return "maildir " + dir_.string(); }
  Result<std::optional<std::size_t>> start() override;
  Result<std::optional<Item>> next() override;
  Result<void> acknowledge(std::span<const Ack> acks) override;
  bool can_watch() const override { return true; }

 private:
  struct Entry {
    std::string subdir;  // "new" or "cur"
    std::string name;
    std::optional<std::string> bad_name;  // why the name is not a message's
  };
  std::filesystem::path dir_;
  MaildirDone done_;
  bool include_seen_;
  const Limits& limits_;
  std::vector<Entry> entries_;
  std::size_t at_ = 0;
};

// An mbox file, split as it is read (never changed).
class MboxSource final : public Source {
 public:
  MboxSource(std::filesystem::path path, const Limits& limits);
  ~MboxSource() override;
  std::string describe() const override { return "mbox " + path_.string(); }
  Result<std::optional<std::size_t>> start() override;
  Result<std::optional<Item>> next() override;
  Result<void> acknowledge(std::span<const Ack>) override { return {}; }

 private:
  std::filesystem::path path_;
  const Limits& limits_;
  std::FILE* file_ = nullptr;
  MboxSplitter splitter_;
  std::vector<MboxMessage> ready_;
  std::size_t ready_at_ = 0;
  bool finished_ = false;
};

}  // namespace webshield::ingest
