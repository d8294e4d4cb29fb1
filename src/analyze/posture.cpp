// The posture rules over one domain's check result.
#include "analyze/posture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/time.hpp"
#include "records/mtasts_policy.hpp"

namespace webshield::analyze {
namespace {

constexpr std::array<std::string_view, 6> kPostureRules = {
    "record_changed", "record_broken", "testing", "policy_changed", "cert_expiry", "mx_mismatch"};

// The findings whose code starts with `prefix`, at `severity` or (any when nullopt) and about
// `subject` (any when empty), as evidence.
std::vector<EvidenceFinding> evidence_of(const Findings& findings, std::string_view prefix,
                                         std::optional<Severity> severity,
                                         std::string_view subject = {}) {
  std::vector<EvidenceFinding> out;
  for (const Finding& f : findings) {
    if (!f.code.starts_with(prefix)) continue;
    if (severity && f.severity != *severity) continue;
    if (!subject.empty() && f.subject != subject) continue;
    out.push_back({f.code, std::string(to_string(f.severity)), f.message, f.subject});
  }
  return out;
}

bool has_code_for(const Findings& findings, std::string_view code, std::string_view subject) {
  return std::ranges::any_of(
      findings, [&](const Finding& f) { return f.code == code && f.subject == subject; });
}

// "version: STSv1; mode: enforce; …": the canonical policy on one line, for messages.
std::string one_line(const records::StsPolicy& policy) {
  const std::string text = records::format_sts_policy(policy);
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) {
      if (!out.empty()) out += "; ";
      out += line;
    }
    start = end + 1;
  }
  return out;
}

std::string shown(const std::string& value) {
  return value.empty() ? "(none)" : value;
}

class DomainRules {
 public:
  DomainRules(const check::CheckResult& r, std::span<const Alert> firing, UnixSeconds now)
      : r_(r), firing_(firing), now_(now) {}

  void fire(std::string_view rule, std::string subject, std::string what, Evidence evidence,
            std::string action, std::optional<UnixSeconds> since = std::nullopt) {
    Alert a;
    a.key = alert_key(rule, subject);
    a.rule = std::string(rule);
    a.subject = std::move(subject);
    a.policy_domain = r_.domain;
    a.what = std::move(what);
    a.since = since.value_or(now_);
    a.evidence = std::move(evidence);
    a.action = std::move(action);
    alerts_.push_back(std::move(a));
  }

  // Nothing new is known about `subject` of `rule`: it fires on if it fired before. With
  // `prefix`, every subject starting with it.
  void keep(std::string_view rule, std::string_view subject, bool prefix = false) {
    for (const Alert& a : firing_) {
      if (a.rule != rule) continue;
      if (prefix ? a.subject.starts_with(subject) : a.subject == subject) alerts_.push_back(a);
    }
  }

  std::vector<Alert> take() {
    std::ranges::sort(alerts_, {}, &Alert::key);
    const auto dup = std::ranges::unique(alerts_, {}, &Alert::key);
    alerts_.erase(dup.begin(), dup.end());
    return std::move(alerts_);
  }

 private:
  const check::CheckResult& r_;
  std::span<const Alert> firing_;
  UnixSeconds now_;
  std::vector<Alert> alerts_;
};

// record_changed and record_broken for one DNS record: `seen` holds the value the last check
// saw and takes `current`; `name` ("TLS-RPT") and `prefix` ("tlsrpt.") name its findings.
struct RecordRule {
  std::string_view name;
  std::string_view prefix;
  std::string_view changed_action;
  std::string broken_action;
};

void record_rules(DomainRules& rules, const check::CheckResult& r, const std::string& subject,
                  const RecordRule& rule, std::optional<std::string>& seen,
                  const std::string& current) {
  const std::string& d = r.domain;
  if (seen && *seen != current) {
    Evidence e;
    e.findings = evidence_of(r.findings, rule.prefix, Severity::error);
    e.previous = *seen;
    e.current = current;
    rules.fire("record_changed", subject,
               fmt::format("{}: the {} record changed from '{}' to '{}'", d, rule.name,
                           shown(*seen), shown(current)),
               std::move(e), std::string(rule.changed_action));
  }
  seen = current;
  if (auto errors = evidence_of(r.findings, rule.prefix, Severity::error); !errors.empty()) {
    Evidence e;
    const std::string first = errors.front().message;
    e.findings = std::move(errors);
    rules.fire("record_broken", subject, fmt::format("{}: {} is broken: {}", d, rule.name, first),
               std::move(e), rule.broken_action);
  }
}

}  // namespace

bool is_posture_rule(std::string_view rule) {
  return std::ranges::find(kPostureRules, rule) != kPostureRules.end();
}

PostureEvaluation evaluate_posture(const check::CheckResult& r,
                                   const std::optional<PostureSeen>& before,
                                   std::span<const Alert> firing, const AlertThresholds& t,
                                   const DomainConfig& domain, UnixSeconds now) {
  const std::string& d = r.domain;
  PostureSeen seen = before.value_or(PostureSeen{});
  seen.domain = d;
  DomainRules rules(r, firing, now);
  const std::string check_hint = fmt::format("`webshield check {}` shows every finding", d);

  // TLS-RPT record (RFC 8460 §3).
  const std::string tlsrpt_subject = d + " tlsrpt";
  if (has_code(r.findings, "tlsrpt.lookup_failed")) {
    rules.keep("record_changed", tlsrpt_subject);
    rules.keep("record_broken", tlsrpt_subject);
  } else {
    std::vector<std::string> records = r.tlsrpt.records;
    std::ranges::sort(records);  // DNS gives an RRset in any order
    std::string current;
    for (const std::string& rec : records)
      current += (current.empty() ? "" : "\n") + rec;
    record_rules(rules, r, tlsrpt_subject,
                 {"TLS-RPT", "tlsrpt.",
                  "If nobody meant to change it, find out who did: reports now go to the rua "
                  "destinations of the new record.",
                  fmt::format("Fix the _smtp._tls.{} record or its destinations ({}): until then "
                              "senders send no reports.",
                              d, check_hint)},
                 seen.tlsrpt, current);
  }

  // MTA-STS record (RFC 8461 §3.1) and policy (§3.2).
  const std::string sts_subject = d + " mta_sts";
  const bool sts_unknown = has_code(r.findings, "mta_sts.lookup_failed");
  if (sts_unknown) {
    rules.keep("record_changed", sts_subject);
    rules.keep("record_broken", sts_subject);
    rules.keep("testing", d);
    rules.keep("policy_changed", d);
  } else {
    const std::string current = r.mta_sts.record.value_or("");
    record_rules(rules, r, sts_subject,
                 {"MTA-STS", "mta_sts.",
                  "If nobody meant to change it, find out who did; a new id makes senders "
                  "fetch the policy again.",
                  fmt::format("Fix the _mta-sts.{} record or the policy at mta-sts.{} ({}): "
                              "senders without a cached policy deliver without it.",
                              d, d, check_hint)},
                 seen.mta_sts, current);
  }
  const bool no_policy = !sts_unknown && !r.mta_sts.record;  // nothing published
  const std::optional<records::StsPolicy>& policy = r.mta_sts.policy;
  if (policy && r.mta_sts.id) {
    const std::string body = one_line(*policy);
    if (seen.policy_id == r.mta_sts.id && seen.policy && *seen.policy != body) {
      // RFC 8461 §3.1: senders fetch the policy again only when the id changes.
      Evidence e;
      e.previous = *seen.policy;
      e.current = body;
      rules.fire(
          "policy_changed", d,
          fmt::format("{}: the MTA-STS policy changed but its id '{}' did not", d, *r.mta_sts.id),
          std::move(e),
          fmt::format("Give the _mta-sts.{} record a new id: senders that cached the "
                      "policy fetch it again only when the id changes (RFC 8461 §3.1).",
                      d));
    } else {
      seen.policy_id = r.mta_sts.id;
      seen.policy = body;
    }
    if (policy->mode == records::StsMode::testing) {
      const UnixSeconds since = seen.testing_since.value_or(now);
      seen.testing_since = since;
      const std::int64_t days = domain.testing_days.value_or(t.testing_days);
      if (now - since >= days * kDay) {
        Evidence e;
        e.findings = evidence_of(r.findings, "mta_sts.mode_testing", std::nullopt);
        rules.fire("testing", d,
                   fmt::format("{}: the MTA-STS policy is still in mode testing after {} days", d,
                               (now - since) / kDay),
                   std::move(e),
                   fmt::format("When the TLS reports show no failures, switch the policy to "
                               "mode: enforce and give _mta-sts.{} a new id.",
                               d),
                   since);
      }
    } else {
      seen.testing_since.reset();
    }
  } else if (no_policy) {
    seen.policy_id.reset();
    seen.policy.reset();
    seen.testing_since.reset();
  } else {  // published, but the policy could not be had now: record_broken says why
    rules.keep("testing", d);
    rules.keep("policy_changed", d);
  }

  // MX hosts (RFC 8461 §4): certificates and the policy's mx patterns.
  const std::string mx_prefix = d + " ";
  if (has_code(r.findings, "mx.lookup_failed")) {
    rules.keep("mx_mismatch", mx_prefix, true);
    rules.keep("cert_expiry", mx_prefix, true);
  } else {
    const std::int64_t cert_days = domain.cert_days.value_or(t.cert_days);
    for (const check::MxResult& mx : r.mx) {
      const std::string subject = mx_prefix + mx.host;
      if (mx.matches_policy == false) {
        Evidence e;
        e.findings = evidence_of(r.findings, "mx.not_in_policy", std::nullopt, mx.host);
        rules.fire("mx_mismatch", subject,
                   fmt::format("{}: MX {} matches no mx pattern of the MTA-STS policy", d, mx.host),
                   std::move(e),
                   fmt::format("Add {} to the mx lines of the policy and give _mta-sts.{} a new "
                               "id, or remove the MX record: compliant senders skip this host.",
                               mx.host, d));
      } else if (!mx.matches_policy && !policy && !no_policy) {
        rules.keep("mx_mismatch", subject);
      }
      const bool expired = has_code_for(r.findings, "mx.cert_expired", mx.host);
      if (mx.cert_not_after && (expired || *mx.cert_not_after - now <= cert_days * kDay)) {
        Evidence e;
        e.findings = evidence_of(r.findings, "mx.cert_expired", std::nullopt, mx.host);
        e.not_after = *mx.cert_not_after;
        const std::string when = format_utc(*mx.cert_not_after);
        rules.fire("cert_expiry", subject,
                   *mx.cert_not_after <= now
                       ? fmt::format("{}: the certificate of MX {} expired at {}", d, mx.host, when)
                       : fmt::format("{}: the certificate of MX {} expires at {}, in {} days", d,
                                     mx.host, when, (*mx.cert_not_after - now) / kDay),
                   std::move(e),
                   fmt::format("Renew the certificate of {} and make sure the mail server "
                               "loads the new one.",
                               mx.host));
      } else if (expired) {
        Evidence e;
        e.findings = evidence_of(r.findings, "mx.cert_expired", std::nullopt, mx.host);
        rules.fire("cert_expiry", subject,
                   fmt::format("{}: the certificate of MX {} is not valid now", d, mx.host),
                   std::move(e),
                   fmt::format("Renew the certificate of {} and make sure the mail server "
                               "loads the new one.",
                               mx.host));
      } else if (!mx.cert_not_after) {
        // Not probed, unreachable, no STARTTLS or no handshake: no certificate seen, so
        // nothing new is known about it.
        rules.keep("cert_expiry", subject);
      }
    }
  }
  return {rules.take(), std::move(seen)};
}

store::AlertRecord seen_record(const PostureSeen& seen, UnixSeconds now) {
  nlohmann::json j = {{"domain", seen.domain}};
  if (seen.tlsrpt) j["tlsrpt"] = *seen.tlsrpt;
  if (seen.mta_sts) j["mta_sts"] = *seen.mta_sts;
  if (seen.policy_id) j["policy_id"] = *seen.policy_id;
  if (seen.policy) j["policy"] = *seen.policy;
  if (seen.testing_since) j["testing_since"] = *seen.testing_since;
  store::AlertRecord r;
  r.key = alert_key(kSeenRule, seen.domain);
  r.rule = std::string(kSeenRule);
  r.subject = seen.domain;
  r.state = "seen";
  r.notified = "seen";  // never a notice
  r.since = now;
  r.fired_at = now;
  r.detail = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.updated_at = now;
  return r;
}

PostureSeen seen_from_record(const store::AlertRecord& record) {
  PostureSeen s;
  s.domain = record.subject;
  const nlohmann::json j = nlohmann::json::parse(record.detail, nullptr, false);
  if (!j.is_object()) return s;
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
    return std::nullopt;
  };
  s.tlsrpt = text("tlsrpt");
  s.mta_sts = text("mta_sts");
  s.policy_id = text("policy_id");
  s.policy = text("policy");
  if (j.contains("testing_since") && j["testing_since"].is_number_integer())
    s.testing_since = j["testing_since"].get<UnixSeconds>();
  return s;
}

}  // namespace webshield::analyze
