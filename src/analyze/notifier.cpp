// Webhook and SMTP delivery with libcurl (TRAPS.md: CURLOPT_CAPATH off when a CA file is given,
// `long` arguments to curl_easy_setopt). The receiving servers are the operator's, but their
// answers are read only for the status code. Alert text holds report data (organisation
// names, MX host names): mail headers are built from our own words only.
#include "analyze/notifier.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <sstream>

#include "core/digest.hpp"

namespace webshield::analyze {
namespace {

// The most read back from a webhook's answer (only the status matters), and a password file.
constexpr std::size_t kMaxAnswer = 16 * 1024;
constexpr std::size_t kMaxPasswordFile = 4 * 1024;
// SMTP lines are at most 998 octets (RFC 5322 §2.1.1): longer text is broken.
constexpr std::size_t kMaxMailLine = 900;

nlohmann::json notice_json(const Notice& n) {
  nlohmann::json j = to_json(n.alert);
  j["state"] = n.transition;
  j["fired_at"] = format_utc(n.record.fired_at);
  if (n.record.cleared_at) j["cleared_at"] = format_utc(*n.record.cleared_at);
  return j;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string headline(const Notice& n) {
  return fmt::format("{}: {}", n.transition == "firing" ? "FIRING" : "CLEARED", n.alert.what);
}

std::string evidence_line(const Alert& a) {
  std::string line;
  if (a.evidence.successful > 0) {
    line = fmt::format("{} failed of {} sessions", a.evidence.failed,
                       a.evidence.failed + a.evidence.successful);
  } else if (a.evidence.failed > 0) {
    line = fmt::format("{} failed sessions", a.evidence.failed);
  }
  if (!a.evidence.reports.empty()) {
    if (!line.empty()) line += "; ";
    line += fmt::format("report ids {}", fmt::join(a.evidence.reports, ", "));
  }
  for (const EvidenceFinding& f : a.evidence.findings) {
    if (!line.empty()) line += "; ";
    line += fmt::format("{}: {}", f.code, f.message);
  }
  if (a.evidence.previous && a.evidence.current) {
    if (!line.empty()) line += "; ";
    line += fmt::format("was '{}', now '{}'", *a.evidence.previous, *a.evidence.current);
  }
  return line;
}

// Control characters never reach a message: report text is untrusted.
std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

struct Curl {
  CURL* handle = curl_easy_init();
  curl_slist* list = nullptr;
  ~Curl() {
    curl_slist_free_all(list);
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (out->size() + n > kMaxAnswer) return 0;
  out->append(data, n);
  return n;
}

struct Upload {
  std::string_view data;
};

std::size_t supply(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->data.size());
  std::copy_n(up->data.data(), n, buffer);
  up->data.remove_prefix(n);
  return n;
}

void common_options(CURL* h, const NotifyConfig& c) {
  curl_easy_setopt(h, CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(c.timeout));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(std::min<std::int64_t>(c.timeout, 10)));
  if (!c.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, c.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);  // TRAPS.md: only this file
  }
}

// "https://hooks.example:8443/…": without user info, path or query (a webhook's path is often
// its secret).
std::string shown_url(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "(url)";
  std::string authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos)
    authority.erase(0, at + 1);
  return url.substr(0, scheme + 3) + authority + "/…";
}

class WebhookNotifier final : public Notifier {
 public:
  explicit WebhookNotifier(NotifyConfig c) : c_(std::move(c)) {}

  std::string name() const override { return "webhook " + shown_url(c_.url); }
  std::string id() const override { return destination_id(c_); }

  Result<void> send(std::span<const Notice> notices) override {
    const std::string body = c_.format == "slack" ? slack_json(notices) : webhook_json(notices);
    Curl curl;
    if (curl.handle == nullptr) return fail("cannot start libcurl", name());
    CURL* h = curl.handle;
    common_options(h, c_);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl.list = curl_slist_append(curl.list, "Content-Type: application/json");
    curl.list = curl_slist_append(curl.list, "User-Agent: webshield-alerts");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, curl.list);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    std::string answer;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR) return fail(curl_easy_strerror(rc), name());
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
      return fail(fmt::format("the webhook answered HTTP {}", status), name());
    return {};
  }

 private:
  NotifyConfig c_;
};

class MailNotifier final : public Notifier {
 public:
  MailNotifier(NotifyConfig c, std::string password)
      : c_(std::move(c)), password_(std::move(password)) {}

  std::string name() const override { return "mail " + shown_url(c_.url); }
  std::string id() const override { return destination_id(c_); }

  Result<void> send(std::span<const Notice> notices) override {
    const std::string message =
        mail_message(notices, c_.from, c_.to, static_cast<UnixSeconds>(std::time(nullptr)));
    Curl curl;
    if (curl.handle == nullptr) return fail("cannot start libcurl", name());
    CURL* h = curl.handle;
    common_options(h, c_);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    // STARTTLS is required (alert_config.cpp allows plain text only to loopback).
    curl_easy_setopt(
        h, CURLOPT_USE_SSL,
        c_.starttls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
    if (!c_.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, c_.username.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, password_.c_str());
    }
    const std::string from = "<" + c_.from + ">";
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    for (const std::string& to : c_.to)
      curl.list = curl_slist_append(curl.list, ("<" + to + ">").c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, curl.list);
    Upload up{message};
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, supply);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) return fail(curl_easy_strerror(rc), name());
    return {};
  }

 private:
  NotifyConfig c_;
  std::string password_;
};

Result<std::string> read_password(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read the password file " + path);
  std::string text(kMaxPasswordFile + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPasswordFile) return fail("the password file is over 4 KiB", path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

}  // namespace

std::string destination_id(const NotifyConfig& c) {
  std::string what = c.type + '\0' + c.url + '\0' + c.format + '\0' + c.from;
  for (const std::string& to : c.to)
    what += '\0' + to;
  return c.type + ":" + sha256_hex(what).substr(0, 16);
}

Result<std::vector<std::unique_ptr<Notifier>>> make_notifiers(const AlertConfig& config) {
  std::vector<std::unique_ptr<Notifier>> out;
  for (const NotifyConfig& c : config.notify) {
    if (c.type == "webhook") {
      out.push_back(std::make_unique<WebhookNotifier>(c));
      continue;
    }
    std::string password;
    if (!c.password_file.empty()) {
      auto read = read_password(c.password_file);
      if (!read) return std::unexpected(read.error());
      password = std::move(*read);
    }
    out.push_back(std::make_unique<MailNotifier>(c, std::move(password)));
  }
  return out;
}

std::string webhook_json(std::span<const Notice> notices) {
  nlohmann::json list = nlohmann::json::array();
  for (const Notice& n : notices)
    list.push_back(notice_json(n));
  return dump({{"source", "webshield"}, {"alerts", std::move(list)}});
}

std::string slack_json(std::span<const Notice> notices) {
  std::string text;
  for (const Notice& n : notices) {
    if (!text.empty()) text += "\n\n";
    text += fmt::format("*{}*\nsince {}", headline(n), format_utc(n.record.since));
    if (const std::string e = evidence_line(n.alert); !e.empty()) text += "\nevidence: " + e;
    if (n.transition == "firing" && !n.alert.action.empty()) text += "\naction: " + n.alert.action;
  }
  return dump({{"text", "[webshield] " + text}});
}

std::string notices_text(std::span<const Notice> notices) {
  std::string out;
  for (const Notice& n : notices) {
    out += headline(n) + "\n";
    out +=
        fmt::format("  key:      {}\n  since:    {}\n", n.record.key, format_utc(n.record.since));
    if (n.record.cleared_at)
      out += fmt::format("  cleared:  {}\n", format_utc(*n.record.cleared_at));
    if (const std::string e = evidence_line(n.alert); !e.empty()) out += "  evidence: " + e + "\n";
    if (n.transition == "firing" && !n.alert.action.empty())
      out += "  action:   " + n.alert.action + "\n";
    out += "\n";
  }
  return out;
}

std::string mail_message(std::span<const Notice> notices, const std::string& from,
                         const std::vector<std::string>& to, UnixSeconds date) {
  std::size_t firing = 0;
  for (const Notice& n : notices)
    if (n.transition == "firing") ++firing;
  const std::size_t cleared = notices.size() - firing;
  std::string subject = "[webshield]";
  if (firing > 0) subject += fmt::format(" {} alert{} firing", firing, firing == 1 ? "" : "s");
  if (cleared > 0) subject += fmt::format("{} {} cleared", firing > 0 ? "," : "", cleared);
  // RFC 5322 §3.3 date, always UTC.
  std::time_t t = static_cast<std::time_t>(date);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date_text[64];
  std::strftime(date_text, sizeof date_text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  const std::string domain = from.substr(from.find('@') + 1);

  std::string m;
  m += "From: " + printable(from) + "\r\n";
  m += "To: " + printable(fmt::format("{}", fmt::join(to, ", "))) + "\r\n";
  m += "Subject: " + subject + "\r\n";
  m += std::string("Date: ") + date_text + "\r\n";
  m += fmt::format("Message-ID: <webshield-alerts.{}.{}@{}>\r\n", date, notices.size(),
                   printable(domain));
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
       "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n";
  std::istringstream body(notices_text(notices));
  for (std::string line; std::getline(body, line);) {
    line = printable(line);
    while (line.size() > kMaxMailLine) {
      std::size_t cut = kMaxMailLine;  // not inside a UTF-8 sequence
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80)
        --cut;
      m += line.substr(0, cut) + "\r\n";
      line.erase(0, cut);
    }
    m += line + "\r\n";
  }
  return m;
}

}  // namespace webshield::analyze
