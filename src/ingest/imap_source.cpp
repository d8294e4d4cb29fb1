#include "ingest/imap_source.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>

namespace webshield::ingest {
namespace {

CURL* handle(void* p) {
  return static_cast<CURL*>(p);
}

// An IMAP quoted string (RFC 3501 §4.3). Names outside printable ASCII would need modified
// UTF-7 (§5.1.3) and are refused before they get here.
std::string imap_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return !s.empty();
}

std::string escape(std::string_view s) {
  char* e = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

// A UID set: "3:5,9" (RFC 3501 §9 sequence-set).
std::string uid_set(std::vector<std::uint32_t> uids) {
  std::ranges::sort(uids);
  std::string out;
  for (std::size_t i = 0; i < uids.size();) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
      ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", uids[i]) : fmt::format("{}:{}", uids[i], uids[j]);
    i = j + 1;
  }
  return out;
}

struct Sink {
  std::string* out;
  std::size_t max;
  bool over = false;
};

// Past the cap the transfer stops (TRAPS.md: a cap needs the write callback as well as
// CURLOPT_MAXFILESIZE_LARGE).
std::size_t write_capped(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t len = size * n;
  if (sink->out->size() + len > sink->max) {
    sink->over = true;
    return 0;
  }
  sink->out->append(data, len);
  return len;
}

}  // namespace

std::string ImapUrl::display() const {
  std::string out = fmt::format("{}://{}@{}", scheme, user, host);
  if (port != 0) out += fmt::format(":{}", port);
  return out + "/" + mailbox;
}

Result<ImapUrl> parse_imap_url(std::string_view text) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  const std::string s(text);
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) {
    return fail("not a URL; expected imaps://user@host[:port]/MAILBOX");
  }
  auto part = [&](CURLUPart which, unsigned flags = 0) -> std::optional<std::string> {
    char* p = nullptr;
    if (curl_url_get(u.get(), which, &p, flags) != CURLUE_OK || p == nullptr) return std::nullopt;
    std::string out = p;
    curl_free(p);
    return out;
  };
  ImapUrl out;
  out.scheme = part(CURLUPART_SCHEME).value_or("");
  if (out.scheme != "imap" && out.scheme != "imaps")
    return fail("the scheme must be imaps or imap");
  if (part(CURLUPART_PASSWORD)) {
    return fail(
        "a password in the URL would show in the process list: use --password-file or "
        "WEBSHIELD_IMAP_PASSWORD");
  }
  out.user = part(CURLUPART_USER, CURLU_URLDECODE).value_or("");
  if (out.user.empty()) return fail("no user name: imaps://user@host/MAILBOX");
  out.host = part(CURLUPART_HOST).value_or("");
  if (auto port = part(CURLUPART_PORT)) out.port = static_cast<std::uint16_t>(std::stoi(*port));
  std::string path = part(CURLUPART_PATH, CURLU_URLDECODE).value_or("/");
  if (part(CURLUPART_QUERY) || path.find(';') != std::string::npos) {
    return fail("the URL names a mailbox only (no ;UID=, no ?search)");
  }
  if (path.starts_with('/')) path.erase(0, 1);
  if (!path.empty()) out.mailbox = path;
  if (!printable_ascii(out.mailbox)) return fail("the mailbox name must be printable ASCII");
  return out;
}

Result<std::optional<std::string>> parse_imap_done(std::string_view text) {
  if (text == "seen") return std::optional<std::string>();
  if (text.starts_with("move:") && printable_ascii(text.substr(5))) {
    return std::optional<std::string>(text.substr(5));
  }
  return fail("expected seen or move:FOLDER (a folder name in printable ASCII)");
}

ImapSource::ImapSource(ImapOptions options, const Limits& limits)
    : options_(std::move(options)), limits_(limits), curl_(curl_easy_init()) {
  CURL* c = handle(curl_);
  const ImapUrl& url = options_.url;
  std::string base = fmt::format("{}://{}", url.scheme, url.host);
  if (url.port != 0) base += fmt::format(":{}", url.port);
  mailbox_url_ = base + "/" + escape(url.mailbox);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERNAME, url.user.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  // imap:// must upgrade with STARTTLS: the password never travels in clear.
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options_.ca_file) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file->c_str());
    // TRAPS.md: Debian's libcurl adds its CA path to CAINFO unless it is cleared.
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
  }
  const long ms = static_cast<long>(options_.timeout.count());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
  // A stalled transfer: under 1 byte/s for the whole time-out.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, ms / 1000));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_capped);
}

ImapSource::~ImapSource() {
  curl_easy_cleanup(handle(curl_));
}

std::string ImapSource::origin(std::uint32_t uid) const {
  // RFC 5092 IMAP URL form, without the password.
  return fmt::format("{};UIDVALIDITY={}/;UID={}", options_.url.display(), uidvalidity_, uid);
}

Result<ImapSource::Response> ImapSource::command(const std::string& request) {
  CURL* c = handle(curl_);
  if (c == nullptr) return fail("cannot start libcurl");
  Response r;
  Sink sink{&r.body, limits_.imap_response_bytes};
  std::string url = mailbox_url_;
  if (uidvalidity_ != 0) url += fmt::format(";UIDVALIDITY={}", uidvalidity_);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(0));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  long connects = 0;
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
  // A new connection: libcurl logged in and SELECTed the mailbox (read-write) first.
  r.reconnected = connects > 0;
  if (r.reconnected) read_only_ = false;
  if (rc != CURLE_OK) {
    const std::string verb = request.substr(0, request.find(' ', request.find(' ') + 1));
    if (sink.over) {
      return fail(fmt::format("response over the limit imap_response_bytes ({})",
                              limits_.imap_response_bytes),
                  verb);
    }
    return fail(error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc), verb);
  }
  return r;
}

Result<void> ImapSource::open_mailbox(bool read_only) {
  auto r = command((read_only ? "EXAMINE " : "SELECT ") + imap_quoted(options_.url.mailbox));
  if (!r) return std::unexpected(r.error());
  auto v = parse_uidvalidity(r->body, limits_);
  if (!v) return fail(v.error().describe(), read_only ? "EXAMINE" : "SELECT");
  if (uidvalidity_ != 0 && *v != uidvalidity_) {
    // RFC 3501 §2.3.1.1: the UIDs no longer name the same messages.
    return fail(fmt::format("UIDVALIDITY changed from {} to {}; run again", uidvalidity_, *v));
  }
  uidvalidity_ = *v;
  read_only_ = read_only;
  return {};
}

Result<std::optional<std::size_t>> ImapSource::start() {
  uids_.clear();
  at_ = 0;
  if (!capabilities_) {
    auto r = command("CAPABILITY");
    if (!r) return std::unexpected(r.error());
    auto caps = parse_capabilities(r->body, limits_);
    if (!caps) return fail(caps.error().describe(), "CAPABILITY");
    capabilities_ = *caps;
  }
  if (options_.move_to && !created_folder_) {
    (void)command("CREATE " + imap_quoted(*options_.move_to));  // fails when it exists: fine
    created_folder_ = true;
  }
  uidvalidity_ = 0;  // a new pass may find a new UIDVALIDITY
  if (auto r = open_mailbox(true); !r) return std::unexpected(r.error());
  auto search = command(options_.include_seen ? "UID SEARCH ALL" : "UID SEARCH UNSEEN");
  if (!search) return std::unexpected(search.error());
  auto found = parse_search(search->body, limits_);
  if (!found) return fail(found.error().describe(), "UID SEARCH");
  uids_ = std::move(found->uids);
  return uids_.size();
}

Result<std::optional<Item>> ImapSource::next() {
  if (at_ >= uids_.size()) return std::optional<Item>();
  const std::size_t key = at_++;
  const std::uint32_t uid = uids_[key];
  // RFC 3501 §6.4.5: fetching BODY[] sets \Seen, except in a mailbox opened with EXAMINE.
  if (!read_only_) {
    if (auto r = open_mailbox(true); !r) return std::unexpected(r.error());
  }
  CURL* c = handle(curl_);
  Item item;
  item.key = key;
  item.kind = Kind::mail;
  item.origin = origin(uid);
  const std::size_t max = max_item_bytes(Kind::mail, limits_);
  Sink sink{&item.raw, max};
  const std::string url = fmt::format("{};UIDVALIDITY={}/;UID={}", mailbox_url_, uidvalidity_, uid);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  long connects = 0;
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
  if (connects > 0) {
    // The fetch ran on a fresh connection that libcurl SELECTed read-write, so the server set
    // \Seen: take it back, the message is not stored yet.
    read_only_ = false;
    if (!options_.include_seen) {
      if (auto r = command(fmt::format("UID STORE {} -FLAGS.SILENT (\\Seen)", uid)); !r) {
        return std::unexpected(r.error());
      }
    }
  }
  if (rc == CURLE_OK) {
    item.size = item.raw.size();
    return item;
  }
  if (sink.over || rc == CURLE_FILESIZE_EXCEEDED) {
    curl_off_t size = -1;
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &size);
    item.over_limit = true;
    item.raw = std::string();
    item.size = size > 0 ? static_cast<std::uint64_t>(size) : max + 1;
    read_only_ = false;  // the connection was dropped mid-message
    return item;
  }
  if (rc == CURLE_REMOTE_FILE_NOT_FOUND) {
    item.unreadable = "no longer in the mailbox";
    return item;
  }
  return fail(error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc),
              fmt::format("UID FETCH {}", uid));
}

Result<void> ImapSource::acknowledge(std::span<const Ack> acks) {
  std::vector<std::uint32_t> all, move;
  for (const Ack& ack : acks) {
    if (ack.key >= uids_.size()) continue;
    all.push_back(uids_[ack.key]);
    // A message that was neither stored nor quarantined stays in the mailbox, marked seen.
    if (options_.move_to && ack.outcome != Outcome::kept) move.push_back(uids_[ack.key]);
  }
  if (all.empty()) return {};
  if (auto r = open_mailbox(false); !r) return std::unexpected(r.error());
  auto run = [this](const std::string& request) -> Result<void> {
    auto r = command(request);
    if (!r) return std::unexpected(r.error());
    return {};
  };
  if (auto r = run(fmt::format("UID STORE {} +FLAGS.SILENT (\\Seen)", uid_set(all))); !r) return r;
  if (move.empty()) return {};
  const std::string set = uid_set(move);
  const std::string folder = imap_quoted(*options_.move_to);
  if (capabilities_ && capabilities_->move) return run(fmt::format("UID MOVE {} {}", set, folder));
  if (auto r = run(fmt::format("UID COPY {} {}", set, folder)); !r) return r;
  if (auto r = run(fmt::format("UID STORE {} +FLAGS.SILENT (\\Deleted)", set)); !r) return r;
  // RFC 4315 UID EXPUNGE removes only these; plain EXPUNGE removes every \Deleted message.
  return run(capabilities_ && capabilities_->uidplus ? fmt::format("UID EXPUNGE {}", set)
                                                     : std::string("EXPUNGE"));
}

}  // namespace webshield::ingest
