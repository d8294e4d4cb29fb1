// The notification payloads: generic JSON, the Slack/Mattermost {"text": …} payload and the
// mail message, with untrusted report text kept out of mail headers.
#include "analyze/notifier.hpp"

#include <gtest/gtest.h>

#include <set>

namespace webshield::analyze {
namespace {

Notice notice(std::string transition, std::string what) {
  Notice n;
  n.transition = std::move(transition);
  n.alert.key = "new_org:example.com Evil\r\nBcc: x@example.net";
  n.alert.rule = "new_org";
  n.alert.what = std::move(what);
  n.alert.action = "do something";
  n.alert.evidence.reports = {7, 9};
  n.alert.evidence.failed = 3;
  n.alert.evidence.successful = 97;
  n.record.key = n.alert.key;
  n.record.state = n.transition;
  n.record.since = 1'793'491'200;
  n.record.fired_at = 1'793'491'300;
  return n;
}

TEST(Notifier, WebhookJson) {
  const Notice n[] = {notice("firing", "it broke")};
  const auto j = nlohmann::json::parse(webhook_json(n));
  EXPECT_EQ(j["source"], "webshield");
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["alerts"][0]["state"], "firing");
  EXPECT_EQ(j["alerts"][0]["what"], "it broke");
  EXPECT_EQ(j["alerts"][0]["evidence"]["reports"], nlohmann::json({7, 9}));
  EXPECT_EQ(j["alerts"][0]["fired_at"], "2026-11-01T00:01:40Z");
}

TEST(Notifier, SlackText) {
  const Notice n[] = {notice("firing", "it broke"), notice("cleared", "it was broken")};
  const auto j = nlohmann::json::parse(slack_json(n));
  ASSERT_TRUE(j.contains("text"));
  const std::string text = j["text"];
  EXPECT_NE(text.find("FIRING: it broke"), std::string::npos);
  EXPECT_NE(text.find("CLEARED: it was broken"), std::string::npos);
  EXPECT_NE(text.find("report ids 7, 9"), std::string::npos);
}

TEST(Notifier, MailMessageKeepsReportTextOutOfHeaders) {
  const Notice n[] = {notice("firing", "Org\r\nBcc: victim@example.net said so")};
  const std::string m = mail_message(n, "webshield@example.com", {"ops@example.com"}, 0);
  const std::size_t end = m.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string headers = m.substr(0, end);
  EXPECT_EQ(headers.find("Bcc"), std::string::npos);
  EXPECT_NE(headers.find("Subject: [webshield] 1 alert firing"), std::string::npos);
  EXPECT_NE(headers.find("Date: Thu, 01 Jan 1970 00:00:00 +0000"), std::string::npos);
  // Every line ends in CRLF; no bare LF.
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      EXPECT_EQ(m[i - 1], '\r') << i;
    }
  }
}

TEST(Notifier, LongMailLinesAreBrokenBetweenCharacters) {
  std::string what;
  for (int i = 0; i < 700; ++i)
    what += "\xC3\xA9";  // é, two bytes each
  const Notice n[] = {notice("firing", what)};
  const std::string m = mail_message(n, "webshield@example.com", {"ops@example.com"}, 0);
  std::size_t start = 0;
  for (std::size_t end = m.find("\r\n"); end != std::string::npos;
       start = end + 2, end = m.find("\r\n", start)) {
    EXPECT_LE(end - start, 998u);
    if (end > start) {
      EXPECT_NE(static_cast<unsigned char>(m[start]) & 0xc0, 0x80);
    }
  }
}

TEST(Notifier, EachDestinationHasItsOwnIdWithoutItsSecrets) {
  NotifyConfig a;
  a.type = "webhook";
  a.url = "https://hooks.example/services/T0/B0/secret-one";
  NotifyConfig b = a;
  b.url = "https://hooks.example/services/T0/B0/secret-two";
  NotifyConfig slack = a;
  slack.format = "slack";
  NotifyConfig mail;
  mail.type = "mail";
  mail.url = "smtp://mx.example:25";
  mail.from = "webshield@example.com";
  mail.to = {"ops@example.com"};
  NotifyConfig other_mail = mail;
  other_mail.to = {"security@example.com"};

  const std::string id = destination_id(a);
  EXPECT_EQ(id, destination_id(a)) << "the same across runs";
  EXPECT_TRUE(id.starts_with("webhook:")) << id;
  EXPECT_EQ(id.size(), std::string("webhook:").size() + 16);
  EXPECT_EQ(id.find("secret"), std::string::npos);
  const std::set<std::string> ids = {id, destination_id(b), destination_id(slack),
                                     destination_id(mail), destination_id(other_mail)};
  EXPECT_EQ(ids.size(), 5u) << "two webhooks on one host, two formats, two recipients differ";
  EXPECT_TRUE(destination_id(mail).starts_with("mail:"));

  // The notifiers made from the entries carry these ids; their names, shown in messages, may
  // be the same.
  AlertConfig config;
  config.notify = {a, b};
  auto made = make_notifiers(config);
  ASSERT_TRUE(made) << made.error().describe();
  ASSERT_EQ(made->size(), 2u);
  EXPECT_EQ((*made)[0]->name(), (*made)[1]->name());
  EXPECT_EQ((*made)[0]->id(), id);
  EXPECT_EQ((*made)[1]->id(), destination_id(b));
}

}  // namespace
}  // namespace webshield::analyze
