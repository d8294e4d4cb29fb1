// The serve configuration: the example file, errors that name the key and line, and the
// printed form read back.
#include "server/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace webshield::server {
namespace {

TEST(ServeConfig, ReadsEveryKey) {
  auto c = parse_config(R"(
[server]
listen = "[::1]:9000"
report_path = "/reports"
domains = ["example.com", "example.net"]
report_posts_per_minute = 30
log_format = "json"
header_timeout = 5
[database]
url = "postgresql:///webshield"
[check]
enabled = false
concurrency = 2
cache_seconds = 60
checks_per_minute = 3.5
trust_anchors = ["/etc/a.key"]
smtp_port = 2525
)",
                        "t.toml");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->listen, "[::1]:9000");
  EXPECT_EQ(c->report_path, "/reports");
  EXPECT_EQ(c->domains, (std::vector<std::string>{"example.com", "example.net"}));
  EXPECT_EQ(c->report_posts_per_minute, 30);
  EXPECT_EQ(c->log_format, "json");
  EXPECT_EQ(c->header_timeout, 5);
  EXPECT_EQ(c->body_timeout, 60) << "defaults stay";
  EXPECT_EQ(c->database, "postgresql:///webshield");
  EXPECT_FALSE(c->check.enabled);
  EXPECT_EQ(c->check.concurrency, 2u);
  EXPECT_EQ(c->check.checks_per_minute, 3.5);
  EXPECT_EQ(c->check.trust_anchors, std::vector<std::string>{"/etc/a.key"});
  EXPECT_EQ(c->check.smtp_port, 2525);
}

TEST(ServeConfig, ErrorsNameTheKeyAndLine) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"[server]\nlisten = \"x\"\nlisen = \"y\"\n", "unknown key server.lisen"},
      {"[server]\n\nreport_posts_per_minute = \"many\"\n", "server.report_posts_per_minute must"},
      {"[check]\nsmtp_port = 70000\n", "check.smtp_port must"},
      {"[check]\nconcurrency = -1\n", "check.concurrency must"},
      {"[server]\ndomains = [1]\n", "server.domains must"},
      {"[serve]\nlisten = \"x\"\n", "unknown section or key serve"},
      {"[server]\nlisten = \n", ""},
      {"[server]\nlog_format = \"xml\"\n", "server.log_format"},
  };
  for (auto [text, message] : cases) {
    SCOPED_TRACE(text);
    auto c = parse_config(text, "t.toml");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find(message), std::string::npos) << c.error().message;
    EXPECT_TRUE(c.error().where.starts_with("t.toml")) << c.error().where;
  }
  auto c = parse_config("[server]\nlisten = \"x\"\nlisen = \"y\"\n", "t.toml");
  EXPECT_EQ(c.error().where, "t.toml:3");
}

TEST(ServeConfig, PrintedFormReadsBack) {
  ServeConfig c;
  c.domains = {"example.com"};
  c.check.allow_private = true;
  c.check.resolver = "127.0.0.1:53";
  auto back = parse_config(to_toml(c), "printed");
  ASSERT_TRUE(back) << back.error().describe() << "\n" << to_toml(c);
  EXPECT_EQ(to_toml(*back), to_toml(c));
  EXPECT_EQ(back->domains, c.domains);
  EXPECT_TRUE(back->check.allow_private);
}

TEST(ServeConfig, ThePackagedExampleIsValid) {
  const std::string path = std::string(WEBSHIELD_SOURCE_DIR) + "/packaging/webshield.toml";
  std::ifstream in(path);
  if (!in) GTEST_FAIL() << "missing " << path;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto c = parse_config(text, path);
  ASSERT_TRUE(c) << c.error().describe();
}

}  // namespace
}  // namespace webshield::server
