// [alerts], [[notify]] and [[domain]]: defaults, every key read back, and errors that name
// file:line.
#include "analyze/alert_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace webshield::analyze {
namespace {

TEST(AlertConfig, DefaultsWithoutSections) {
  auto c = parse_alert_config("[server]\nlisten = \"127.0.0.1:1\"\n", "w.toml");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->alerts.interval, 900);
  EXPECT_DOUBLE_EQ(c->alerts.rate_threshold, 0.01);
  EXPECT_EQ(c->alerts.rate_min_sessions, 100u);
  EXPECT_DOUBLE_EQ(c->alerts.jump_factor, 3.0);
  EXPECT_EQ(c->alerts.baseline_days, 14);
  EXPECT_EQ(c->alerts.silence_days, 3);
  EXPECT_TRUE(c->notify.empty());
}

TEST(AlertConfig, ReadsEverySectionAndPrintsItBack) {
  const char* text = R"(
[alerts]
interval = "5m"
rate_threshold = 0.02
rate_min_sessions = 50
silence_days = 4

[[notify]]
type = "webhook"
format = "slack"
url = "https://hooks.example/services/T0"

[[notify]]
type = "mail"
url = "smtp://mail.example:587"
from = "webshield@example.com"
to = ["ops@example.com", "tls@example.com"]
username = "webshield"
password_file = "/etc/webshield/smtp-password"

[[domain]]
name = "example.com"
)";
  auto c = parse_alert_config(text, "w.toml");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->alerts.interval, 300);
  EXPECT_DOUBLE_EQ(c->alerts.rate_threshold, 0.02);
  EXPECT_EQ(c->alerts.silence_days, 4);
  ASSERT_EQ(c->notify.size(), 2u);
  EXPECT_EQ(c->notify[0].format, "slack");
  EXPECT_EQ(c->notify[1].to.size(), 2u);
  EXPECT_TRUE(c->notify[1].starttls);
  ASSERT_EQ(c->domains.size(), 1u);
  EXPECT_EQ(c->domains[0].name, "example.com");

  auto again = parse_alert_config(to_toml(*c), "printed");
  ASSERT_TRUE(again) << again.error().describe() << "\n" << to_toml(*c);
  EXPECT_EQ(again->alerts.interval, 300);
  EXPECT_EQ(again->notify.size(), 2u);
  EXPECT_EQ(again->notify[1].password_file, "/etc/webshield/smtp-password");
  EXPECT_EQ(again->domains.size(), 1u);
}

TEST(AlertConfig, ErrorsNameFileAndLine) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"[alerts]\nrate_treshold = 0.1\n", "w.toml:2"},
      {"[alerts]\nrate_threshold = 2.0\n", "w.toml:2"},
      {"[alerts]\ninterval = \"soon\"\n", "w.toml:2"},
      {"[[notify]]\ntype = \"pager\"\nurl = \"https://x.example/\"\n", "w.toml:2"},
      {"[[notify]]\ntype = \"webhook\"\nformat = \"xml\"\nurl = \"https://x.example/\"\n",
       "w.toml:3"},
      {"[[notify]]\ntype = \"webhook\"\nurl = \"ftp://x.example/\"\n", "w.toml:3"},
      {"[[notify]]\ntype = \"mail\"\nurl = \"smtp://mail.example\"\nfrom = \"a@example.com\"\n"
       "to = \"b@example.com\"\nstarttls = false\n",
       "w.toml:6"},
      {"[[notify]]\ntype = \"mail\"\nurl = \"smtp://mail.example\"\nfrom = \"a@example.com\"\n",
       "w.toml:1"},
      {"[[domain]]\nname = \"bad name\"\n", "w.toml:2"},
      {"[[domain]]\nname = \"example.com\"\ncert_days = -1\n", "w.toml:3"},
      {"[[domain]]\nname = \"example.com\"\ntesting_dayz = 3\n", "w.toml:3"},
      {"[alerts]\nposture_interval = \"30s\"\n", "w.toml:2"},
      {"[alerts]\ntesting_days = 5000\n", "w.toml:2"},
      {"alerts = 3\n", "w.toml:1"},
  };
  for (auto [text, where] : cases) {
    SCOPED_TRACE(text);
    auto c = parse_alert_config(text, "w.toml");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().where.substr(0, where.size()), where) << c.error().describe();
  }
}

TEST(AlertConfig, PostureSettingsAndTheirDomainOverrides) {
  auto c = parse_alert_config(
      "[alerts]\nposture_interval = \"2h\"\ntesting_days = 10\ncert_days = 7\n\n"
      "[[domain]]\nname = \"example.com\"\ncert_days = 21\n\n[[domain]]\nname = \"example.org\"\n",
      "w.toml");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->alerts.posture_interval, 7200);
  EXPECT_EQ(c->alerts.testing_days, 10);
  EXPECT_EQ(c->alerts.cert_days, 7);
  ASSERT_EQ(c->domains.size(), 2u);
  EXPECT_EQ(c->domains[0].cert_days, 21);
  EXPECT_FALSE(c->domains[0].testing_days);
  EXPECT_FALSE(c->domains[1].cert_days);
  auto again = parse_alert_config(to_toml(*c), "printed");
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(again->alerts.posture_interval, 7200);
  EXPECT_EQ(again->domains[0].cert_days, 21);
  EXPECT_FALSE(again->domains[1].cert_days);

  auto defaults = parse_alert_config("", "w.toml");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->alerts.posture_interval, 6 * 3600);
  EXPECT_EQ(defaults->alerts.testing_days, 30);
  EXPECT_EQ(defaults->alerts.cert_days, 14);
}

TEST(AlertConfig, PlainSmtpOnlyToLoopback) {
  auto c = parse_alert_config(
      "[[notify]]\ntype = \"mail\"\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"a@example.com\"\n"
      "to = \"b@example.com\"\nstarttls = false\n",
      "w.toml");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_FALSE(c->notify[0].starttls);
}

TEST(AlertConfig, ThePackagedExampleIsValid) {
  const std::string path = std::string(WEBSHIELD_SOURCE_DIR) + "/packaging/webshield.toml";
  std::ifstream in(path);
  if (!in) GTEST_FAIL() << "missing " << path;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto c = parse_alert_config(text, path);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->alerts.interval, 900);
}

TEST(AlertConfig, UrlHost) {
  EXPECT_EQ(url_host("smtp://user@[::1]:25"), "::1");
  EXPECT_EQ(url_host("https://hooks.example/x?y"), "hooks.example");
  EXPECT_EQ(url_host("nothing"), "");
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_FALSE(is_loopback_host("mail.example"));
}

}  // namespace
}  // namespace webshield::analyze
