// Findings: the stable-coded problems the checker reports (../docs/findings.md lists the codes).
// Pure data; renderers only format them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace webshield {

// `unknown` marks a step that could not be completed (lookup failed, host unreachable):
// never the domain's fault.
enum class Severity { info, warning, error, unknown };

struct Finding {
  std::string code;  // stable, e.g. "tlsrpt.rua_missing"
  Severity severity;
  std::string message;  // for people: what is wrong and where
  std::string ref;      // e.g. "RFC 8460 §3"
  std::string subject;  // the text the finding is about (a URI, a field, a line)

  bool operator==(const Finding&) const = default;
};

using Findings = std::vector<Finding>;

std::string_view to_string(Severity severity);

// Verdict of a set of findings: fail on any error, else unknown if a step could not be
// completed, else warn on any warning, else pass.
enum class Verdict { pass, warn, fail, unknown };

Verdict verdict_of(std::span<const Finding> findings);
std::string_view to_string(Verdict verdict);

// Exit status of `lint`, `check` and `scan`: 0 pass, 1 warnings only, 2 errors, 3 unknown.
int exit_status(Verdict verdict);

bool has_code(std::span<const Finding> findings, std::string_view code);
bool has_error(std::span<const Finding> findings);

// The findings whose code starts with `prefix` ("tlsrpt.", "mx.", …).
Findings with_prefix(std::span<const Finding> findings, std::string_view prefix);

// Appends findings, but never more than `max` of them: a hostile record cannot make the
// report grow without bound. The last slot says that findings were left out.
class FindingList {
 public:
  explicit FindingList(std::size_t max) : max_(max) {}

  void add(std::string_view code, Severity severity, std::string message, std::string_view ref,
           std::string subject = {});
  void append(const Findings& more);
  bool has_error() const { return webshield::has_error(items_); }
  const Findings& items() const { return items_; }
  Findings take() { return std::move(items_); }

 private:
  std::size_t max_;
  bool truncated_ = false;
  Findings items_;
};

}  // namespace webshield
