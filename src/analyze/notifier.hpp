// Where alerts go: a webhook (generic JSON or a Slack/Mattermost {"text": …} payload) and mail
// over SMTP with STARTTLS, both with libcurl; behind one small interface so that the rules and
// their deduplication are tested without a network. Deliveries block (at most the entry's
// timeout): call them from a thread that may wait.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analyze/alert_config.hpp"
#include "analyze/alert_state.hpp"
#include "core/result.hpp"

namespace webshield::analyze {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // "webhook https://hooks.example/…" for messages (the URL without user, path or query).
  virtual std::string name() const = 0;
  // Who this is, for remembering which destinations a notice went to (AlertRecord::delivered_to):
  // the same across restarts, distinct per destination. The name, unless it can be ambiguous.
  virtual std::string id() const { return name(); }
  // Delivers all `notices` at once (one request, one mail).
  virtual Result<void> send(std::span<const Notice> notices) = 0;
};

// One notifier per [[notify]] entry; reads the password files.
Result<std::vector<std::unique_ptr<Notifier>>> make_notifiers(const AlertConfig& config);

// The id of a [[notify]] entry's notifier: its type and a digest of where and how it delivers
// (URL, format, sender, recipients), "webhook:1f0c…" (16 hex digits). Two webhooks on one host
// differ (their names do not); the digest keeps the URL's secret path out of the database.
std::string destination_id(const NotifyConfig& c);

// The payloads, pure, for the notifiers and the tests.
std::string webhook_json(std::span<const Notice> notices);
std::string slack_json(std::span<const Notice> notices);
// A complete RFC 5322 message with CRLF line ends; `date` as Unix seconds.
std::string mail_message(std::span<const Notice> notices, const std::string& from,
                         const std::vector<std::string>& to, UnixSeconds date);
// Plain text, one block per notice, for mail and the terminal.
std::string notices_text(std::span<const Notice> notices);

}  // namespace webshield::analyze
