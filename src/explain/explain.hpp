// Plain-language explanations of the RFC 8460 §4.3 result types, for a mail administrator who
// reads a TLS-RPT report: what a type means, its likely causes, how to confirm them (commands
// to run), how to fix them, and where the RFCs say so. Shown by `webshield explain`, `summary`,
// the dashboard and alerts. Pure: fixed text, no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

namespace webshield::explain {

// Which policy a result type belongs to (RFC 8460 §4.3.1, §4.3.2.1, §4.3.2.2).
enum class Applies { any, dane, sts };

std::string_view to_string(Applies applies);

// Commands in `confirm` name the policy domain DOMAIN and the receiving MX host MX; fill()
// puts real names in their place.
struct Explanation {
  std::string_view result_type;  // the registered name; "" for the entry of unknown types
  std::string_view title;        // a few words
  std::string_view summary;      // one line: what a failed session of this type means
  std::string_view meaning;      // a paragraph
  Applies applies = Applies::any;
  std::span<const std::string_view> causes;
  std::span<const std::string_view> confirm;
  std::span<const std::string_view> fix;
  std::string_view ref;  // where RFC 8460 defines the type
  std::span<const std::string_view> see_also;
};

// The registered result types (the IANA registry "STARTTLS Validation Result Types" of
// RFC 8460), in the order of RFC 8460 §4.3.
std::span<const Explanation> registered();

// The entry for `result_type`, or the entry for unknown types (result_type "") when it is not
// registered. Result types are compared exactly: the registry's names are lower case.
const Explanation& explain(std::string_view result_type);
const Explanation& unknown();
bool is_registered(std::string_view result_type);

// `text` with DOMAIN and MX replaced by the names given; an empty name leaves its placeholder.
std::string fill(std::string_view text, std::string_view domain, std::string_view mx);

// {"result_type", "registered", "title", "summary", "meaning", "applies", "causes", "confirm",
// "fix", "ref", "see_also"}. `result_type` is the type asked for, also when it is unknown.
nlohmann::json to_json(const Explanation& e, std::string_view result_type);
nlohmann::json to_json(const Explanation& e);
// The short form for lists with many rows: {"result_type", "registered", "title", "summary",
// "ref"}.
nlohmann::json to_json_brief(const Explanation& e, std::string_view result_type);

}  // namespace webshield::explain
