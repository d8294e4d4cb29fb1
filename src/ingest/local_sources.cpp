#include "ingest/local_sources.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "core/ascii.hpp"
#include "ingest/maildir_name.hpp"

namespace webshield::ingest {
namespace fs = std::filesystem;

Result<CappedRead> read_capped(const std::string& path, std::size_t max) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return fail(std::strerror(errno));
    in = &file;
  }
  CappedRead out;
  std::array<char, 64 * 1024> buf;
  while (*in) {
    in->read(buf.data(), buf.size());
    const auto n = static_cast<std::size_t>(in->gcount());
    out.size += n;
    if (out.over) continue;  // count the rest, keep nothing more
    if (out.bytes.size() + n > max) {
      out.over = true;
      out.bytes = std::string();
      continue;
    }
    out.bytes.append(buf.data(), n);
  }
  if (in->bad()) return fail("read error");
  return out;
}

namespace {

Item item_from(CappedRead read, std::string origin, Kind kind) {
  Item item;
  item.origin = std::move(origin);
  item.kind = kind;
  item.size = read.size;
  item.over_limit = read.over;
  item.raw = std::move(read.bytes);
  return item;
}

}  // namespace

// --- files -------------------------------------------------------------------------------

FileSource::FileSource(std::vector<std::string> paths, const Limits& limits)
    : paths_(std::move(paths)), limits_(limits) {}

Result<std::optional<std::size_t>> FileSource::start() {
  files_.clear();
  problems_.clear();
  at_ = 0;
  for (const std::string& path : paths_) {
    std::error_code ec;
    if (path == "-" || !fs::is_directory(path, ec)) {
      files_.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    if (ec) problems_.push_back(fmt::format("{}: {}", path, ec.message()));
    std::ranges::sort(found);
    files_.insert(files_.end(), found.begin(), found.end());
  }
  return files_.size() + problems_.size();
}

Result<std::optional<Item>> FileSource::next() {
  if (!problems_.empty()) {
    Item item;
    item.origin = problems_.back();
    item.unreadable = "cannot list the directory";
    problems_.pop_back();
    return item;
  }
  if (at_ >= files_.size()) return std::optional<Item>();
  const std::string& path = files_[at_];
  const std::size_t key = at_++;
  std::error_code ec;
  const std::string origin = path == "-" ? "stdin" : fs::absolute(path, ec).string();
  auto read = read_capped(path, max_item_bytes(Kind::sniff, limits_));
  if (!read) {
    Item item;
    item.origin = origin;
    item.unreadable = read.error().message;
    item.key = key;
    return item;
  }
  Item item = item_from(std::move(*read), origin, Kind::sniff);
  if (path != "-") item.name = fs::path(path).filename().string();
  item.key = key;
  return item;
}

// --- standard input as a mail -------------------------------------------------------------

Result<std::optional<Item>> StdinMailSource::next() {
  if (read_) return std::optional<Item>();
  read_ = true;
  auto read = read_capped("-", max_item_bytes(Kind::mail, limits_));
  if (!read) return fail(read.error().message, "standard input");
  return item_from(std::move(*read), "stdin", Kind::mail);
}

// --- Maildir -------------------------------------------------------------------------------

Result<MaildirDone> parse_maildir_done(std::string_view text) {
  MaildirDone out;
  if (text == "seen") return out;
  if (text == "delete") {
    out.action = MaildirDone::Action::remove;
    return out;
  }
  if (!text.starts_with("move:")) return fail("expected seen, move:FOLDER or delete");
  const std::string_view folder = text.substr(5);
  bool ok = !folder.empty() && folder.front() != '.' && folder.back() != '.'
            && folder.find("..") == std::string_view::npos;
  for (char c : folder)
    ok = ok && (ascii::is_alnum(c) || c == '-' || c == '_' || c == '.');
  if (!ok) {
    return fail(
        fmt::format("folder \"{}\": letters, digits, '-', '_', and '.' between names", folder));
  }
  out.action = MaildirDone::Action::move;
  out.folder = folder;
  return out;
}

MaildirSource::MaildirSource(fs::path dir, MaildirDone done, bool include_seen,
                             const Limits& limits)
    : dir_(std::move(dir)), done_(std::move(done)), include_seen_(include_seen), limits_(limits) {}

namespace {

// rename(2) that never replaces an existing file (RENAME_NOREPLACE; link + unlink where the
// file system lacks it). Maildir names are unique, so a clash means something is wrong.
Result<void> move_file(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno == EINVAL || errno == ENOSYS) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      if (::unlink(from.c_str()) == 0) return {};
    }
  }
  return fail(fmt::format("cannot move to {}: {}", to.string(), std::strerror(errno)),
              from.string());
}

Result<void> make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ec.message(), dir.string());
  return {};
}

}  // namespace

Result<std::optional<std::size_t>> MaildirSource::start() {
  entries_.clear();
  at_ = 0;
  std::error_code ec;
  if (!fs::is_directory(dir_ / "new", ec) || !fs::is_directory(dir_ / "cur", ec)) {
    return fail("not a Maildir: no new/ and cur/ directories", dir_.string());
  }
  if (done_.action == MaildirDone::Action::move) {
    // A Maildir++ sub-folder, as Dovecot and Courier lay it out.
    const fs::path folder = dir_ / ("." + done_.folder);
    for (const char* sub : {"cur", "new", "tmp"}) {
      if (auto r = make_dir(folder / sub); !r) return std::unexpected(r.error());
    }
    std::ofstream(folder / "maildirfolder", std::ios::app);
  }
  for (const char* subdir : {"new", "cur"}) {
    std::vector<Entry> found;
    for (fs::directory_iterator it(dir_ / subdir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with('.')) continue;  // maildir: names starting with '.' are not messages
      auto parsed = parse_maildir_name(name, limits_);
      if (!parsed) {
        found.push_back({subdir, name, parsed.error().describe()});
        continue;
      }
      if (std::string_view(subdir) == "cur" && parsed->seen() && !include_seen_) continue;
      found.push_back({subdir, name, std::nullopt});
    }
    if (ec) return fail(ec.message(), (dir_ / subdir).string());
    std::ranges::sort(found, {}, &Entry::name);
    entries_.insert(entries_.end(), found.begin(), found.end());
  }
  return entries_.size();
}

Result<std::optional<Item>> MaildirSource::next() {
  if (at_ >= entries_.size()) return std::optional<Item>();
  const std::size_t key = at_++;
  const Entry& e = entries_[key];
  const fs::path path = dir_ / e.subdir / e.name;
  const std::string origin = "maildir:" + path.string();
  Item item;
  if (e.bad_name) {
    item.origin = origin;
    item.unreadable = "not a message file name: " + *e.bad_name;
  } else if (auto read = read_capped(path.string(), max_item_bytes(Kind::mail, limits_)); !read) {
    item.origin = origin;
    item.unreadable = read.error().message;  // e.g. moved away by a mail client meanwhile
  } else {
    item = item_from(std::move(*read), origin, Kind::mail);
  }
  item.key = key;
  return item;
}

Result<void> MaildirSource::acknowledge(std::span<const Ack> acks) {
  std::vector<std::string> problems;
  for (const Ack& ack : acks) {
    if (ack.key >= entries_.size()) continue;
    const Entry& e = entries_[ack.key];
    const fs::path from = dir_ / e.subdir / e.name;
    // A message that was neither stored nor quarantined stays in this folder, marked seen.
    const auto action = ack.outcome == Outcome::kept ? MaildirDone::Action::seen : done_.action;
    Result<void> r;
    switch (action) {
      case MaildirDone::Action::seen: {
        const std::string seen = with_flag(e.name, 'S');
        if (e.subdir == "cur" && seen == e.name) break;
        r = move_file(from, dir_ / "cur" / seen);
        break;
      }
      case MaildirDone::Action::move:
        r = move_file(from, dir_ / ("." + done_.folder) / "cur" / with_flag(e.name, 'S'));
        break;
      case MaildirDone::Action::remove:
        if (::unlink(from.c_str()) != 0) r = fail(std::strerror(errno), from.string());
        break;
    }
    if (!r) problems.push_back(r.error().describe());
  }
  if (problems.empty()) return {};
  std::string all = problems.front();
  if (problems.size() > 1) all += fmt::format(" (and {} more)", problems.size() - 1);
  return fail(all);
}

// --- mbox ----------------------------------------------------------------------------------

MboxSource::MboxSource(fs::path path, const Limits& limits)
    : path_(std::move(path)), limits_(limits), splitter_(limits) {}

MboxSource::~MboxSource() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<std::optional<std::size_t>> MboxSource::start() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = std::fopen(path_.c_str(), "rb");
  if (file_ == nullptr) return fail(std::strerror(errno), path_.string());
  splitter_ = MboxSplitter(limits_);
  ready_.clear();
  ready_at_ = 0;
  finished_ = false;
  return std::optional<std::size_t>();
}

Result<std::optional<Item>> MboxSource::next() {
  while (ready_at_ >= ready_.size()) {
    if (finished_ || file_ == nullptr) return std::optional<Item>();
    ready_.clear();
    ready_at_ = 0;
    std::array<char, 64 * 1024> buf;
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), file_);
    Result<void> r;
    if (n > 0) {
      r = splitter_.feed(std::string_view(buf.data(), n), ready_);
    } else {
      if (std::ferror(file_) != 0) return fail("read error", path_.string());
      r = splitter_.finish(ready_);
      finished_ = true;
    }
    if (!r) return fail(r.error().message, fmt::format("{}: {}", path_.string(), r.error().where));
  }
  MboxMessage& m = ready_[ready_at_++];
  Item item;
  item.origin = fmt::format("mbox:{};message={};offset={}", path_.string(), m.number, m.offset);
  item.kind = Kind::mail;
  item.size = m.size;
  item.over_limit = m.over_limit;
  item.raw = std::move(m.raw);
  item.key = m.number;
  return item;
}

}  // namespace webshield::ingest
