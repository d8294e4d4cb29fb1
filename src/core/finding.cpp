#include "core/finding.hpp"

#include <algorithm>

namespace webshield {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
    case Severity::unknown:
      return "unknown";
  }
  return "unknown";
}

Verdict verdict_of(std::span<const Finding> findings) {
  auto any = [&](Severity s) {
    return std::ranges::any_of(findings, [s](const Finding& f) { return f.severity == s; });
  };
  if (any(Severity::error)) return Verdict::fail;
  if (any(Severity::unknown)) return Verdict::unknown;
  if (any(Severity::warning)) return Verdict::warn;
  return Verdict::pass;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "fail";
    case Verdict::unknown:
      return "unknown";
  }
  return "unknown";
}

int exit_status(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return 0;
    case Verdict::warn:
      return 1;
    case Verdict::fail:
      return 2;
    case Verdict::unknown:
      return 3;
  }
  return 3;
}

bool has_code(std::span<const Finding> findings, std::string_view code) {
  return std::ranges::any_of(findings, [code](const Finding& f) { return f.code == code; });
}

bool has_error(std::span<const Finding> findings) {
  return std::ranges::any_of(findings,
                             [](const Finding& f) { return f.severity == Severity::error; });
}

Findings with_prefix(std::span<const Finding> findings, std::string_view prefix) {
  Findings out;
  for (const Finding& f : findings) {
    if (f.code.starts_with(prefix)) out.push_back(f);
  }
  return out;
}

void FindingList::add(std::string_view code, Severity severity, std::string message,
                      std::string_view ref, std::string subject) {
  Finding finding{std::string(code), severity, std::move(message), std::string(ref),
                  std::move(subject)};
  if (items_.size() < max_) {
    items_.push_back(std::move(finding));
    return;
  }
  // Full: drop the finding, but never let a dropped error turn a failing verdict into a pass.
  if (items_.empty()) return;
  if (severity == Severity::error && !has_error()) {
    items_.back() = std::move(finding);
    truncated_ = false;
  }
  if (!truncated_) {
    truncated_ = true;
    items_.back().message += " (further findings were left out)";
  }
}

void FindingList::append(const Findings& more) {
  for (const Finding& f : more)
    add(f.code, f.severity, f.message, f.ref, f.subject);
}

}  // namespace webshield
