// The posture rules (issue #8, docs/alerts.md): alerts from the scheduled checks of the
// operator's own [[domain]]s with the engine of `webshield check`. A TLS-RPT or MTA-STS record
// that changed or broke, a policy still in mode testing after some days, a policy body changed
// under the same id (RFC 8461 §3.1: senders refetch only when the id changes), an MX
// certificate about to expire, an MX no longer matching the policy. Pure: the checks, what was
// seen before and the clock come from the caller. The check results are untrusted network data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyze/alert_config.hpp"
#include "analyze/alerts.hpp"
#include "check/result.hpp"
#include "store/store.hpp"

namespace webshield::analyze {

// What the checks of one domain saw last, to tell a change; kept in the table alert_state as a
// record of rule kSeenRule (never an alert: alert_run.cpp keeps such records apart).
struct PostureSeen {
  std::string domain;
  std::optional<std::string> tlsrpt;         // the records at _smtp._tls, one a line; "" none
  std::optional<std::string> mta_sts;        // the selected _mta-sts record; "" none
  std::optional<std::string> policy_id;      // the id under which `policy` was first seen
  std::optional<std::string> policy;         // that policy, canonical, on one line
  std::optional<UnixSeconds> testing_since;  // since when the mode is testing

  bool operator==(const PostureSeen&) const = default;
};

constexpr std::string_view kSeenRule = "posture_seen";

// Whether `rule` is one of the posture rules: record_changed, record_broken, testing,
// policy_changed, cert_expiry, mx_mismatch.
bool is_posture_rule(std::string_view rule);

struct PostureEvaluation {
  std::vector<Alert> alerts;  // firing now, sorted by key
  PostureSeen seen;           // to keep for the next check
};

// The posture alerts of one domain checked at `now`. `seen`: what earlier checks saw (nothing
// the first time: then no change can be told). `firing`: the posture alerts of this domain
// firing before; a part the check could not complete (a lookup failed, an MX unreachable)
// keeps them, since nothing new is known.
PostureEvaluation evaluate_posture(const check::CheckResult& result,
                                   const std::optional<PostureSeen>& seen,
                                   std::span<const Alert> firing, const AlertThresholds& t,
                                   const DomainConfig& domain, UnixSeconds now);

store::AlertRecord seen_record(const PostureSeen& seen, UnixSeconds now);
PostureSeen seen_from_record(const store::AlertRecord& record);

}  // namespace webshield::analyze
