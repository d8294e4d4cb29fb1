// The alert rules: one pass over the daily history, per policy domain and per organisation.
#include "analyze/alerts.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/ascii.hpp"
#include "explain/explain.hpp"

namespace webshield::analyze {
namespace {

UnixSeconds day_start(UnixSeconds t) {
  return t - (((t % kDay) + kDay) % kDay);
}

std::string day_text(UnixSeconds day) {
  return format_utc(day).substr(0, 10);
}

std::string percent(double rate) {
  return fmt::format("{:.2f}%", 100.0 * rate);
}

double rate_of(std::uint64_t successful, std::uint64_t failed) {
  const std::uint64_t total = successful + failed;
  return total == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(total);
}

double median(std::vector<double> v) {
  std::ranges::sort(v);
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// MX host names as reporters spell them: "MX1.Example.COM." and "mx1.example.com" are one host.
std::string mx_key(std::string_view mx) {
  std::string key = ascii::lower(mx);
  if (key.ends_with('.')) key.pop_back();
  return key;
}

// FNV-1a, 64 bits: stable across runs and builds, for shortening long keys.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

struct DayTotals {
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  std::set<store::Id> failing_reports;
};

// The failures of one subject (a result type, an MX host, an organisation) of one domain.
struct SubjectFailures {
  std::map<UnixSeconds, std::uint64_t> failed_by_day;
  std::map<UnixSeconds, std::set<store::Id>> reports_by_day;
};

struct DomainHistory {
  std::map<UnixSeconds, DayTotals> days;
  std::map<std::string, SubjectFailures> types;
  std::map<std::string, SubjectFailures> mxs;
  std::map<std::string, SubjectFailures> orgs;
};

std::vector<store::Id> capped(const std::set<store::Id>& ids) {
  std::vector<store::Id> out;
  for (const store::Id id : ids) {
    if (out.size() == kMaxEvidenceReports) break;
    out.push_back(id);
  }
  return out;
}

class Rules {
 public:
  Rules(const AlertThresholds& t, UnixSeconds now, std::span<const store::AlertRecord> previous)
      : t_(t) {
    today_ = day_start(now);
    recent_start_ = today_ - t.recent_days * kDay;
    baseline_start_ = recent_start_ - t.baseline_days * kDay;
    for (const store::AlertRecord& r : previous)
      if (r.state == "firing") firing_.emplace(r.key, &r);
  }

  std::vector<Alert> run(const store::Daily& history) {
    std::map<std::string, DomainHistory> domains;
    std::map<std::string, std::set<UnixSeconds>> org_days;
    std::map<std::string, std::set<store::Id>> org_reports;
    for (const store::DailyPolicy& p : history.policies) {
      org_days[p.organization].insert(p.day);
      org_reports[p.organization].insert(p.report);
      if (p.policy_domain.empty()) continue;
      DomainHistory& d = domains[p.policy_domain];
      DayTotals& day = d.days[p.day];
      day.successful += p.successful;
      day.failed += p.failed;
      if (p.failed > 0) {
        day.failing_reports.insert(p.report);
        SubjectFailures& org = d.orgs[p.organization];
        org.failed_by_day[p.day] += p.failed;
        org.reports_by_day[p.day].insert(p.report);
      }
    }
    for (const store::DailyFailure& f : history.failures) {
      if (f.policy_domain.empty() || f.failed == 0) continue;
      DomainHistory& d = domains[f.policy_domain];
      SubjectFailures& type = d.types[f.result_type];
      type.failed_by_day[f.day] += f.failed;
      type.reports_by_day[f.day].insert(f.report);
      if (const std::string mx = mx_key(f.mx); !mx.empty()) {
        SubjectFailures& host = d.mxs[mx];
        host.failed_by_day[f.day] += f.failed;
        host.reports_by_day[f.day].insert(f.report);
      }
    }
    for (const auto& [domain, d] : domains) {
      rate_rule(domain, d);
      jump_rule(domain, d);
      const bool has_baseline = baseline_days_with_data(d) >= t_.baseline_min_days;
      new_rule("new_type", domain, d.types, has_baseline);
      new_rule("new_mx", domain, d.mxs, has_baseline);
      new_rule("new_org", domain, d.orgs, has_baseline);
    }
    silence_rule(org_days, org_reports);
    std::ranges::sort(out_, {}, &Alert::key);
    return std::move(out_);
  }

 private:
  bool recent(UnixSeconds day) const { return day >= recent_start_; }
  bool in_baseline(UnixSeconds day) const { return day >= baseline_start_ && day < recent_start_; }

  std::int64_t baseline_days_with_data(const DomainHistory& d) const {
    std::int64_t n = 0;
    for (const auto& [day, totals] : d.days)
      if (in_baseline(day) && totals.successful + totals.failed > 0) ++n;
    return n;
  }

  Alert& add(std::string rule, std::string subject, std::string domain) {
    Alert& a = out_.emplace_back();
    a.key = alert_key(rule, subject);
    a.rule = std::move(rule);
    a.subject = std::move(subject);
    a.policy_domain = std::move(domain);
    return a;
  }

  // The recent days on which `holds(sessions, rate)`: their counts and failing reports as
  // evidence, the first of them and the worst rate.
  struct RecentDays {
    std::optional<UnixSeconds> first;
    double worst = 0;
    Evidence evidence;
  };
  template <class Holds>
  RecentDays recent_days(const DomainHistory& d, Holds holds) const {
    RecentDays out;
    std::set<store::Id> reports;
    for (const auto& [day, totals] : d.days) {
      if (!recent(day)) continue;
      const double rate = rate_of(totals.successful, totals.failed);
      if (!holds(totals.successful + totals.failed, rate)) continue;
      if (!out.first) out.first = day;
      out.worst = std::max(out.worst, rate);
      out.evidence.days.push_back(day_text(day));
      out.evidence.successful += totals.successful;
      out.evidence.failed += totals.failed;
      reports.insert(totals.failing_reports.begin(), totals.failing_reports.end());
    }
    out.evidence.reports = capped(reports);
    out.evidence.rate = out.worst;
    return out;
  }

  // Rule "rate": a recent day with enough sessions and a failure rate at the threshold or above.
  void rate_rule(const std::string& domain, const DomainHistory& d) {
    auto [first, worst, e] = recent_days(d, [&](std::uint64_t sessions, double rate) {
      return sessions >= t_.rate_min_sessions && rate >= t_.rate_threshold;
    });
    if (!first) return;
    Alert& a = add("rate", domain, domain);
    a.since = *first;
    a.what =
        fmt::format("{}: {} of TLS sessions failed ({} of {}) on {}, at or above the {} threshold",
                    domain, percent(worst), e.failed, e.failed + e.successful,
                    fmt::join(e.days, ", "), percent(t_.rate_threshold));
    a.action = fmt::format(
        "See which result types and MX hosts fail (webshield summary --domain {} --since {}) "
        "and probe the domain now (webshield check {}): a certificate, STARTTLS or policy "
        "problem on one MX host is the usual cause.",
        domain, day_text(*first), domain);
    a.evidence = std::move(e);
  }

  // Rule "jump": a recent day's rate well above the median of the baseline days.
  void jump_rule(const std::string& domain, const DomainHistory& d) {
    std::vector<double> baseline;
    for (const auto& [day, totals] : d.days) {
      if (in_baseline(day) && totals.successful + totals.failed > 0)
        baseline.push_back(rate_of(totals.successful, totals.failed));
    }
    if (baseline.empty() || static_cast<std::int64_t>(baseline.size()) < t_.baseline_min_days)
      return;
    const double base = median(baseline);
    auto [first, worst, e] = recent_days(d, [&](std::uint64_t sessions, double rate) {
      return sessions >= t_.rate_min_sessions && rate >= t_.jump_min_rate
             && rate >= t_.jump_factor * base && rate > base;
    });
    if (!first) return;
    e.baseline_rate = base;
    Alert& a = add("jump", domain, domain);
    a.since = *first;
    a.what = fmt::format(
        "{}: the failure rate jumped to {} on {}, against a median of {} over the {} days "
        "before",
        domain, percent(worst), fmt::join(e.days, ", "), percent(base), t_.baseline_days);
    a.action = fmt::format(
        "Something changed around {}: a certificate rotation, an MX change, a new MTA-STS or "
        "TLSA record. Compare the result types before and after (webshield summary --domain {} "
        "--by type) and probe the domain now (webshield check {}).",
        day_text(*first), domain, domain);
    a.evidence = std::move(e);
  }

  // Rules new_type, new_mx, new_org: failing in the recent window, not in the baseline.
  void new_rule(std::string_view rule, const std::string& domain,
                const std::map<std::string, SubjectFailures>& subjects, bool has_baseline) {
    for (const auto& [name, f] : subjects) {
      bool failed_before = false;
      std::optional<UnixSeconds> first;
      Evidence e;
      for (const auto& [day, failed] : f.failed_by_day) {
        if (in_baseline(day)) failed_before = true;
        if (!recent(day)) continue;
        if (!first) first = day;
        e.days.push_back(day_text(day));
        e.failed += failed;
      }
      if (!first) continue;
      const std::string subject = domain + " " + name;
      const std::string key = alert_key(rule, subject);
      const bool was_firing = firing_.contains(key);
      // Without a baseline every failure would look new: a fresh install stays quiet.
      if (!was_firing && (failed_before || !has_baseline)) continue;
      std::set<store::Id> reports;  // the recent ones: what shows it failing now
      for (const auto& [day, ids] : f.reports_by_day)
        if (recent(day)) reports.insert(ids.begin(), ids.end());
      e.reports = capped(reports);
      Alert& a = add(std::string(rule), subject, domain);
      a.since = *first;
      a.evidence = std::move(e);
      const std::string days = fmt::format("{}", fmt::join(a.evidence.days, ", "));
      if (rule == "new_type") {
        // The plain-language explanation of the type (webshield explain) says what it means
        // and the usual fix.
        const explain::Explanation& x = explain::explain(name);
        a.what = fmt::format(
            "{}: senders report {} ({} failed sessions on {}), not reported in the {} days "
            "before: {}",
            domain, name, a.evidence.failed, days, t_.baseline_days, x.summary);
        const std::string fix =
            x.fix.empty() ? std::string()
                          : "Usual fix: " + explain::fill(x.fix.front(), domain, "") + ". ";
        a.action = fmt::format(
            "{}Probe the domain now (webshield check {}), look at which MX hosts and senders "
            "report {} (webshield summary --domain {} --by mx), and read the causes and how "
            "to confirm them (webshield explain {}).",
            fix, domain, name, domain, name);
      } else if (rule == "new_mx") {
        a.what = fmt::format(
            "{}: TLS to MX host {} fails ({} failed sessions on {}), not failing in the {} "
            "days before",
            domain, name, a.evidence.failed, days, t_.baseline_days);
        a.action = fmt::format(
            "Probe {} now (webshield check {}): its STARTTLS, certificate names and expiry, "
            "TLSA records, and whether it still matches the MTA-STS policy's mx patterns.",
            name, domain);
      } else {
        a.what =
            fmt::format("{}: {} reports failed sessions ({} on {}), none in the {} days before",
                        domain, name, a.evidence.failed, days, t_.baseline_days);
        a.action = fmt::format(
            "One sender failing alone points at its view of the domain (its DNS resolver, its "
            "trust store, a route to one MX host): read its reports (webshield reports list "
            "--domain {}) and the failure details they name.",
            domain);
      }
    }
  }

  // Rule "silence": an organisation that reported on most baseline days and then went quiet.
  void silence_rule(const std::map<std::string, std::set<UnixSeconds>>& org_days,
                    const std::map<std::string, std::set<store::Id>>& org_reports) {
    // Reports cover a day and arrive the day after: today is never expected yet.
    const UnixSeconds quiet_from = today_ - t_.silence_days * kDay;
    for (const auto& [org, days] : org_days) {
      const UnixSeconds last = *days.rbegin();
      if (last >= quiet_from) continue;
      const std::string key = alert_key("silence", org);
      std::int64_t active = 0;
      for (const UnixSeconds day : days)
        if (day > last - t_.baseline_days * kDay) ++active;
      if (!firing_.contains(key) && active < t_.silence_min_active_days) continue;
      Alert& a = add("silence", org, "");
      a.since = last + kDay;
      a.evidence.last_report_day = last;
      std::set<store::Id> reports;
      const auto& ids = org_reports.at(org);
      // The latest reports: the evidence of when it stopped.
      for (auto it = ids.rbegin(); it != ids.rend() && reports.size() < 5; ++it)
        reports.insert(*it);
      a.evidence.reports = capped(reports);
      fill_silence(a, org, last);
    }
    // Still silent, and its last report has left the history window: keeps firing.
    for (const auto& [key, record] : firing_) {
      if (record->rule != "silence" || org_days.contains(record->subject)) continue;
      Alert& a = add("silence", record->subject, "");
      a.since = record->since;
      fill_silence(a, record->subject, record->since - kDay);
    }
  }

  void fill_silence(Alert& a, const std::string& org, UnixSeconds last) {
    a.what = fmt::format("{} reported daily and has sent no report since {} (for {} or more days)",
                         org, day_text(last), t_.silence_days);
    a.action =
        "Reports stopped arriving: check that every rua= address in your _smtp._tls TXT records "
        "still takes reports (a full or moved mailbox, an HTTPS endpoint answering errors, a "
        "changed record), and look in the server's log and quarantine for refused reports.";
  }

  const AlertThresholds& t_;
  UnixSeconds today_ = 0;
  UnixSeconds recent_start_ = 0;
  UnixSeconds baseline_start_ = 0;
  std::map<std::string, const store::AlertRecord*> firing_;
  std::vector<Alert> out_;
};

}  // namespace

std::string alert_key(std::string_view rule, std::string_view subject) {
  std::string key = fmt::format("{}:{}", rule, subject);
  if (key.size() <= store::kMaxAlertKey) return key;
  const std::uint64_t hash = fnv1a(key);
  // Cut at a UTF-8 character boundary so that the key stays valid text.
  std::size_t cut = store::kMaxAlertKey - 17;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xc0) == 0x80)
    --cut;
  key.resize(cut);
  return key + fmt::format("#{:016x}", hash);
}

store::Selection history_selection(const AlertThresholds& t, UnixSeconds now) {
  const UnixSeconds today = day_start(now);
  const std::int64_t back = t.baseline_days + std::max(t.recent_days, t.silence_days + 1);
  store::Selection s;
  s.since = today - back * kDay;
  return s;
}

std::vector<Alert> evaluate(const store::Daily& history, const AlertThresholds& t, UnixSeconds now,
                            std::span<const store::AlertRecord> previous) {
  return Rules(t, now, previous).run(history);
}

nlohmann::json to_json(const Alert& a) {
  nlohmann::json e = {{"reports", a.evidence.reports},
                      {"days", a.evidence.days},
                      {"successful_sessions", a.evidence.successful},
                      {"failed_sessions", a.evidence.failed}};
  if (a.evidence.rate) e["rate"] = *a.evidence.rate;
  if (a.evidence.baseline_rate) e["baseline_rate"] = *a.evidence.baseline_rate;
  if (a.evidence.last_report_day) e["last_report_day"] = day_text(*a.evidence.last_report_day);
  if (!a.evidence.findings.empty()) {
    nlohmann::json findings = nlohmann::json::array();
    for (const EvidenceFinding& f : a.evidence.findings) {
      findings.push_back({{"code", f.code},
                          {"severity", f.severity},
                          {"message", f.message},
                          {"subject", f.subject}});
    }
    e["findings"] = std::move(findings);
  }
  if (a.evidence.previous) e["previous"] = *a.evidence.previous;
  if (a.evidence.current) e["current"] = *a.evidence.current;
  if (a.evidence.not_after) e["not_after"] = format_utc(*a.evidence.not_after);
  nlohmann::json j = {{"key", a.key},
                      {"rule", a.rule},
                      {"subject", a.subject},
                      {"what", a.what},
                      {"since", format_utc(a.since)},
                      {"evidence", e},
                      {"action", a.action}};
  if (!a.policy_domain.empty()) j["policy_domain"] = a.policy_domain;
  return j;
}

Alert alert_from_json(const nlohmann::json& j) {
  Alert a;
  if (!j.is_object()) return a;
  auto text = [&](const nlohmann::json& o, const char* key) -> std::string {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
  };
  a.key = text(j, "key");
  a.rule = text(j, "rule");
  a.subject = text(j, "subject");
  a.policy_domain = text(j, "policy_domain");
  a.what = text(j, "what");
  a.action = text(j, "action");
  if (auto since = parse_rfc3339(text(j, "since"))) a.since = since->utc;
  if (j.contains("evidence") && j["evidence"].is_object()) {
    const nlohmann::json& e = j["evidence"];
    Evidence& ev = a.evidence;
    if (e.contains("reports") && e["reports"].is_array()) {
      for (const auto& id : e["reports"])
        if (id.is_number_integer()) ev.reports.push_back(id.get<store::Id>());
    }
    if (e.contains("days") && e["days"].is_array()) {
      for (const auto& d : e["days"])
        if (d.is_string()) ev.days.push_back(d.get<std::string>());
    }
    if (e.contains("successful_sessions") && e["successful_sessions"].is_number_unsigned())
      ev.successful = e["successful_sessions"].get<std::uint64_t>();
    if (e.contains("failed_sessions") && e["failed_sessions"].is_number_unsigned())
      ev.failed = e["failed_sessions"].get<std::uint64_t>();
    if (e.contains("rate") && e["rate"].is_number()) ev.rate = e["rate"].get<double>();
    if (e.contains("baseline_rate") && e["baseline_rate"].is_number())
      ev.baseline_rate = e["baseline_rate"].get<double>();
    if (e.contains("findings") && e["findings"].is_array()) {
      for (const auto& f : e["findings"]) {
        if (!f.is_object()) continue;
        ev.findings.push_back(
            {text(f, "code"), text(f, "severity"), text(f, "message"), text(f, "subject")});
      }
    }
    if (e.contains("previous") && e["previous"].is_string())
      ev.previous = e["previous"].get<std::string>();
    if (e.contains("current") && e["current"].is_string())
      ev.current = e["current"].get<std::string>();
    if (auto end = parse_rfc3339(text(e, "not_after"))) ev.not_after = end->utc;
  }
  return a;
}

}  // namespace webshield::analyze
