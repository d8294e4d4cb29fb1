// The alert rules over stored reports (issue #8, docs/alerts.md): a policy domain's failure
// rate over a threshold, a jump against its trailing baseline, a result type, MX host or
// reporting organisation failing that was not failing before, and a reporter that went
// silent. Pure: the history comes from store::Store::daily(), the clock from the caller.
// Report data is untrusted but already bounded and cleaned by the parser and the store.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyze/alert_config.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace webshield::analyze {

constexpr UnixSeconds kDay = 86400;

// A finding of `webshield check` behind a posture alert (posture.hpp); its code is the stable
// contract of docs/findings.md.
struct EvidenceFinding {
  std::string code;
  std::string severity;
  std::string message;
  std::string subject;

  bool operator==(const EvidenceFinding&) const = default;
};

// What the alert rests on: the reports and the sessions behind it, or (posture rules) the
// findings and values of the scheduled check.
struct Evidence {
  std::vector<store::Id> reports;  // at most kMaxEvidenceReports, lowest first
  std::vector<std::string> days;   // "2026-11-29", the days the condition held
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  std::optional<double> rate;                  // failed / (successful + failed) on the worst day
  std::optional<double> baseline_rate;         // the median of the baseline days (rule "jump")
  std::optional<UnixSeconds> last_report_day;  // rule "silence"
  std::vector<EvidenceFinding> findings;       // posture rules
  std::optional<std::string> previous;   // record_changed, policy_changed: the value seen before
  std::optional<std::string> current;    // ... and the value now ("" when there is none)
  std::optional<UnixSeconds> not_after;  // rule cert_expiry: the certificate's end

  bool operator==(const Evidence&) const = default;
};

constexpr std::size_t kMaxEvidenceReports = 50;

struct Alert {
  std::string key;            // stable: rule + ":" + subject (alert_key())
  std::string rule;           // rate, jump, new_type, new_mx, new_org, silence; posture.hpp's rules
  std::string subject;        // "example.com", "example.com certificate-expired", "Google Inc."
  std::string policy_domain;  // "" for rule silence; the checked domain for posture rules
  std::string what;           // one sentence for a person
  UnixSeconds since = 0;      // midnight UTC of the first day the condition held
  Evidence evidence;
  std::string action;  // what to do about it

  bool operator==(const Alert&) const = default;
};

// rule + ":" + subject, shortened to at most store::kMaxAlertKey bytes with a hash of the rest.
std::string alert_key(std::string_view rule, std::string_view subject);

// The reports the rules read for an evaluation at `now`.
store::Selection history_selection(const AlertThresholds& t, UnixSeconds now);

// The alerts that fire at `now`. `previous` (the stored states) gives hysteresis: an alert of
// the rules new_* and silence that fires keeps firing while its subject still fails (still
// sends nothing), even once the first day of it has moved into the baseline. Sorted by key.
std::vector<Alert> evaluate(const store::Daily& history, const AlertThresholds& t, UnixSeconds now,
                            std::span<const store::AlertRecord> previous);

nlohmann::json to_json(const Alert& alert);
// The fields of to_json(); what a stored detail holds. Missing fields are left empty.
Alert alert_from_json(const nlohmann::json& j);

}  // namespace webshield::analyze
