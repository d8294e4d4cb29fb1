// Every result type of the RFC 8460 registry has a complete explanation; unknown types get the
// entry for unregistered types; placeholders are filled as whole words only.
#include "explain/explain.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace webshield {
namespace {

// The IANA "STARTTLS Validation Result Types" registry (RFC 8460 §4.3), as of its last update.
constexpr std::string_view kRegistry[] = {
    "starttls-not-supported", "certificate-host-mismatch",
    "certificate-expired",    "certificate-not-trusted",
    "validation-failure",     "tlsa-invalid",
    "dnssec-invalid",         "dane-required",
    "sts-policy-fetch-error", "sts-policy-invalid",
    "sts-webpki-invalid",
};

void expect_complete(const explain::Explanation& e) {
  EXPECT_FALSE(e.title.empty());
  EXPECT_FALSE(e.summary.empty());
  EXPECT_FALSE(e.meaning.empty());
  EXPECT_FALSE(e.causes.empty());
  EXPECT_FALSE(e.confirm.empty());
  EXPECT_FALSE(e.fix.empty());
  for (auto list : {e.causes, e.confirm, e.fix, e.see_also})
    for (std::string_view item : list)
      EXPECT_FALSE(item.empty());
  EXPECT_TRUE(e.ref.starts_with("RFC 8460 §4.3")) << e.ref;
  // The summary is one line, short enough for a table.
  EXPECT_EQ(e.summary.find('\n'), std::string_view::npos);
  EXPECT_LE(e.summary.size(), 100u) << e.summary;
}

TEST(Explain, EveryRegisteredTypeHasACompleteExplanation) {
  for (std::string_view type : kRegistry) {
    SCOPED_TRACE(type);
    ASSERT_TRUE(explain::is_registered(type));
    const explain::Explanation& e = explain::explain(type);
    EXPECT_EQ(e.result_type, type);
    expect_complete(e);
    // Every explanation says how to check the live state with webshield itself.
    bool names_check = false;
    for (std::string_view step : e.confirm)
      names_check = names_check || step.starts_with("webshield check DOMAIN");
    EXPECT_TRUE(names_check);
  }
}

TEST(Explain, RegisteredIsExactlyTheRegistryInRfcOrder) {
  const auto all = explain::registered();
  ASSERT_EQ(all.size(), std::size(kRegistry));
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i].result_type, kRegistry[i]);
}

TEST(Explain, AgreesWithTheReportModel) {
  // The report parser's enum and the explanations name the same types.
  for (std::string_view type : kRegistry)
    EXPECT_NE(report::result_type_from(type), report::ResultType::other) << type;
  for (const explain::Explanation& e : explain::registered())
    EXPECT_EQ(report::to_string(report::result_type_from(e.result_type)), e.result_type);
}

TEST(Explain, PolicyFamilies) {
  EXPECT_EQ(explain::explain("tlsa-invalid").applies, explain::Applies::dane);
  EXPECT_EQ(explain::explain("dnssec-invalid").applies, explain::Applies::dane);
  EXPECT_EQ(explain::explain("dane-required").applies, explain::Applies::dane);
  EXPECT_EQ(explain::explain("sts-policy-fetch-error").applies, explain::Applies::sts);
  EXPECT_EQ(explain::explain("sts-policy-invalid").applies, explain::Applies::sts);
  EXPECT_EQ(explain::explain("sts-webpki-invalid").applies, explain::Applies::sts);
  EXPECT_EQ(explain::explain("certificate-expired").applies, explain::Applies::any);
  EXPECT_EQ(explain::explain("tlsa-invalid").ref, "RFC 8460 §4.3.2.1");
  EXPECT_EQ(explain::explain("sts-webpki-invalid").ref, "RFC 8460 §4.3.2.2");
  EXPECT_EQ(explain::explain("starttls-not-supported").ref, "RFC 8460 §4.3.1");
}

TEST(Explain, UnknownTypesGetTheUnknownEntry) {
  const std::string_view cases[] = {"",
                                    "certificate-revoked",
                                    "Certificate-Expired",
                                    "certificate-expired ",
                                    "sts-policy-fetch-error\n",
                                    "\xff\xfe"};
  for (std::string_view type : cases) {
    SCOPED_TRACE(type);
    EXPECT_FALSE(explain::is_registered(type));
    const explain::Explanation& e = explain::explain(type);
    EXPECT_EQ(&e, &explain::unknown());
    EXPECT_TRUE(e.result_type.empty());
  }
  const explain::Explanation& u = explain::unknown();
  EXPECT_FALSE(u.title.empty());
  EXPECT_FALSE(u.causes.empty());
  EXPECT_FALSE(u.confirm.empty());
  EXPECT_FALSE(u.fix.empty());
  EXPECT_TRUE(u.ref.starts_with("RFC 8460")) << u.ref;
}

TEST(Explain, JsonKeepsTheTypeAskedFor) {
  const nlohmann::json known = explain::to_json(explain::explain("tlsa-invalid"));
  EXPECT_EQ(known["result_type"], "tlsa-invalid");
  EXPECT_EQ(known["registered"], true);
  EXPECT_EQ(known["applies"], "dane");
  EXPECT_EQ(known["ref"], "RFC 8460 §4.3.2.1");
  for (const char* key : {"causes", "confirm", "fix", "see_also"}) {
    ASSERT_TRUE(known[key].is_array()) << key;
    EXPECT_FALSE(known[key].empty()) << key;
  }
  const nlohmann::json other =
      explain::to_json(explain::explain("certificate-revoked"), "certificate-revoked");
  EXPECT_EQ(other["result_type"], "certificate-revoked");
  EXPECT_EQ(other["registered"], false);
  EXPECT_EQ(other["title"], "Unregistered result type");
}

TEST(Explain, BriefJsonForRows) {
  const nlohmann::json brief =
      explain::to_json_brief(explain::explain("dane-required"), "dane-required");
  EXPECT_EQ(brief, (nlohmann::json{{"result_type", "dane-required"},
                                   {"registered", true},
                                   {"title", explain::explain("dane-required").title},
                                   {"summary", explain::explain("dane-required").summary},
                                   {"ref", "RFC 8460 §4.3.2.1"}}));
  EXPECT_EQ(explain::to_json_brief(explain::unknown(), "x-new")["registered"], false);
}

TEST(Explain, FillReplacesWholeWordsOnly) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"openssl s_client -connect MX:25 -servername MX",
       "openssl s_client -connect "
       "mx2.example.com:25 -servername "
       "mx2.example.com"},
      {"dig TLSA _25._tcp.MX", "dig TLSA _25._tcp.mx2.example.com"},
      {"curl https://mta-sts.DOMAIN/.well-known/mta-sts.txt",
       "curl https://mta-sts.example.com/.well-known/mta-sts.txt"},
      {"MXes DNS DOMAINS SMX", "MXes DNS DOMAINS SMX"},
      {"live/MX/fullchain.pem", "live/mx2.example.com/fullchain.pem"},
      {"", ""},
  };
  for (auto [text, want] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(explain::fill(text, "example.com", "mx2.example.com"), want);
  }
  EXPECT_EQ(explain::fill("webshield check DOMAIN on MX", "", "mx.example"),
            "webshield check DOMAIN on mx.example");
}

TEST(Explain, CommandsCanBeCopiedAsTheyStand) {
  // A step that starts with a command holds one command line; its note follows two spaces and
  // a parenthesis ("dig +cd TLSA _25._tcp.MX  (when …)"), so that `explain` can print the
  // command alone on a line.
  std::vector<const explain::Explanation*> all{&explain::unknown()};
  for (const explain::Explanation& e : explain::registered())
    all.push_back(&e);
  for (const explain::Explanation* e : all) {
    for (std::string_view step : e->confirm) {
      SCOPED_TRACE(step);
      const std::string_view command = step.substr(0, step.find("  ("));
      EXPECT_EQ(command.find(", then "), std::string_view::npos);
      EXPECT_EQ(command.find(" and dig "), std::string_view::npos);
      EXPECT_FALSE(command.ends_with(' '));
      if (command.size() != step.size()) {
        EXPECT_TRUE(step.ends_with(')'));
      }
    }
  }
}

TEST(Explain, ConfirmStepsOfEveryTypeNameOnlyKnownPlaceholders) {
  // After filling, no placeholder is left in a command: the dashboard and --domain/--mx rely
  // on it.
  for (const explain::Explanation& e : explain::registered()) {
    for (std::string_view step : e.confirm) {
      const std::string filled = explain::fill(step, "example.com", "mx.example.com");
      EXPECT_EQ(filled.find("DOMAIN"), std::string::npos) << filled;
    }
  }
}

}  // namespace
}  // namespace webshield
