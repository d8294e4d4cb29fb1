#include "check/check.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iterator>
#include <memory>

#include "check/dane.hpp"
#include "check/task.hpp"
#include "core/ascii.hpp"
#include "dns/rdata.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"
#include "records/txt_fields.hpp"

namespace webshield::check {
namespace {

using dns::Answer;
using dns::Security;
using records::Recognized;

constexpr std::string_view kTlsRptRef = "RFC 8460 §3";
constexpr std::string_view kDaneRef = "RFC 7672 §3";

Finding finding(std::string_view code, Severity severity, std::string message, std::string_view ref,
                std::string subject) {
  return {std::string(code), severity, std::move(message), std::string(ref), std::move(subject)};
}

// Why a lookup could not be answered, for messages.
std::string failure(const Answer& a) {
  if (a.security == Security::bogus) return "DNSSEC validation failed (bogus): " + a.why;
  return fmt::format("{}{}", dns::to_string(a.status), a.why.empty() ? "" : ": " + a.why);
}

std::vector<records::TxtRr> txt_rrset(const Answer& a) {
  std::vector<records::TxtRr> rrset;
  if (a.status != dns::Status::answer) return rrset;
  for (const std::string& rdata : a.rdata) {
    if (auto strings = dns::decode_txt(rdata)) rrset.push_back(std::move(*strings));
  }
  return rrset;
}

// The notAfter of a DER certificate as Unix seconds; nothing when it does not parse.
std::optional<std::int64_t> not_after(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
  if (!cert) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

bool holds_tlsrpt(const Answer& a) {
  const auto rrset = txt_rrset(a);
  return std::ranges::any_of(rrset, [](const records::TxtRr& rr) {
    return records::begins_with_version(records::join_character_strings(rr), "v=TLSRPTv1");
  });
}

std::vector<std::string> addresses(const Answer& a) {
  std::vector<std::string> out;
  if (a.status != dns::Status::answer) return out;
  for (const std::string& rdata : a.rdata) {
    if (auto address = dns::decode_address(rdata)) out.push_back(std::move(*address));
  }
  return out;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

struct Outcome {
  Findings findings;
};

struct RuaOutcome {
  RuaResult result;
  Findings findings;
};

struct HostOutcome {
  MxResult result;
  Findings findings;
  std::optional<net::SmtpProbeResult> probe;  // of the last address tried
  std::size_t addresses_tried = 0;
  std::vector<dns::Tlsa> usable_tlsa;  // only when the TLSA answer was secure
};

// Like a sender (RFC 5321 §5.1), the check tries the next address of an MX when one cannot be
// reached, up to this many: every silent address costs a whole timeout.
constexpr std::size_t kProbedAddresses = 2;

// "192.0.2.1" or "192.0.2.1, 2001:db8::1": the addresses of an MX that were tried.
std::string tried(const HostOutcome& host) {
  std::string out;
  for (std::size_t i = 0; i < host.addresses_tried; ++i)
    out += (i == 0 ? "" : ", ") + host.result.addresses[i];
  return out;
}

class DomainCheck {
 public:
  DomainCheck(dns::Resolver& resolver, net::HttpsClient& https, net::SmtpProber& smtp,
              const CheckOptions& options, const Limits& limits, std::string domain)
      : resolver_(resolver),
        https_(https),
        smtp_(smtp),
        options_(options),
        limits_(limits),
        domain_(std::move(domain)) {}

  asio::awaitable<CheckResult> run() {
    auto ex = co_await asio::this_coro::executor;
    const Parts& parts = options_.parts;
    auto tls_answer = start(ex, lookup_if(parts.tlsrpt, "_smtp._tls." + domain_, dns::kTxt));
    auto apex_answer = start(ex, lookup_if(parts.tlsrpt, domain_, dns::kTxt));
    auto legacy_answer = start(ex, lookup_if(parts.tlsrpt, "_smtp-tlsrpt." + domain_, dns::kTxt));
    auto sts_answer = start(ex, lookup_if(parts.mta_sts, "_mta-sts." + domain_, dns::kTxt));
    auto mx_part = start(ex, mx_hosts());
    const std::string policy_host = "mta-sts." + domain_;
    const bool fetch = parts.mta_sts && parts.policy;
    auto policy_v4 = start(ex, lookup_if(fetch, policy_host, dns::kA));
    auto policy_v6 = start(ex, lookup_if(fetch, policy_host, dns::kAaaa));

    CheckResult result;
    result.domain = domain_;
    result.checked_at =
        fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                    std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));

    // TLS-RPT record, then its destinations.
    const Answer tls = co_await tls_answer.get();
    const auto tls_selection = records::select_tlsrpt_record(txt_rrset(tls), limits_);
    result.tlsrpt.records = tls_selection.records;
    const records::TlsRptParse* tlsrpt = nullptr;
    if (parts.tlsrpt) {
      if (tls.failed()) {
        add(finding("tlsrpt.lookup_failed", Severity::unknown,
                    fmt::format("the TLS-RPT record at _smtp._tls.{} could not be looked up: {}",
                                domain_, failure(tls)),
                    kTlsRptRef, "_smtp._tls." + domain_));
      } else if (tls_selection.status() == records::SelectionStatus::missing) {
        co_await explain_missing_tlsrpt(apex_answer, legacy_answer, tls_selection.findings);
      } else {
        add(tls_selection.findings);
        tlsrpt = tls_selection.usable();
      }
    }
    std::vector<Task<RuaOutcome>> rua_probes;
    if (tlsrpt != nullptr && parts.rua) {
      for (const records::RuaUri& uri : tlsrpt->record->rua) {
        rua_probes.push_back(start(ex, probe_rua(uri)));
      }
    }

    // MTA-STS record.
    const Answer sts = co_await sts_answer.get();
    const auto sts_selection = records::select_sts_record(txt_rrset(sts), limits_);
    const records::StsParse* sts_record = nullptr;
    if (parts.mta_sts) {
      if (sts.failed()) {
        add(finding("mta_sts.lookup_failed", Severity::unknown,
                    fmt::format("the MTA-STS record at _mta-sts.{} could not be looked up: {}",
                                domain_, failure(sts)),
                    "RFC 8461 §3.1", "_mta-sts." + domain_));
      } else {
        add(sts_selection.findings);
        sts_record = sts_selection.usable();
        if (sts_selection.selected)
          result.mta_sts.record = sts_selection.records[*sts_selection.selected];
        if (sts_record != nullptr) result.mta_sts.id = sts_record->record->id;
      }
    }
    if (sts_record != nullptr && fetch) {
      const Answer v4 = co_await policy_v4.get();
      const Answer v6 = co_await policy_v6.get();
      result.mta_sts.policy = co_await fetch_policy(policy_host, v4, v6);
    }

    for (auto& probe : rua_probes) {
      RuaOutcome outcome = co_await probe.get();
      add(outcome.findings);
      result.tlsrpt.rua.push_back(std::move(outcome.result));
    }

    std::vector<HostOutcome> hosts = co_await mx_part.get();
    const bool enforce =
        result.mta_sts.policy && result.mta_sts.policy->mode == records::StsMode::enforce;
    for (HostOutcome& host : hosts) {
      add(host.findings);
      if (host.probe) judge_probe(host, enforce ? Severity::error : Severity::warning);
      if (!host.result.host.empty()) result.mx.push_back(std::move(host.result));
    }
    if (result.mta_sts.policy) match_policy(*result.mta_sts.policy, result.mx);

    // Cross-checks (RFC 8460 §1, RFC 8461 §6). Each speaks only when the other mechanism is
    // plainly absent: a broken or unknown one is already reported by its own findings.
    const bool sts_absent =
        !sts.failed() && sts_selection.status() == records::SelectionStatus::missing;
    const bool dane_absent =
        std::ranges::none_of(result.mx, [](const MxResult& m) { return !m.tlsa.empty(); })
        && with_prefix(findings_, "dane.").empty();
    if (tlsrpt != nullptr && parts.mta_sts && parts.mx && parts.dane && sts_absent && dane_absent) {
      add(finding("tlsrpt.without_policy", Severity::warning,
                  "TLS-RPT is published but neither MTA-STS nor DANE is in force: reports "
                  "describe opportunistic TLS that an attacker can strip without a failure",
                  kTlsRptRef, domain_));
    }
    if (sts_record != nullptr && parts.tlsrpt && has_code(findings_, "tlsrpt.missing")) {
      add(finding("mta_sts.without_tlsrpt", Severity::warning,
                  "MTA-STS is published without a TLS-RPT record: senders cannot tell you when "
                  "they fail to deliver under the policy",
                  "RFC 8461 §6", domain_));
    }

    result.findings = std::move(findings_);
    finish(result);
    co_return result;
  }

 private:
  asio::awaitable<Answer> lookup(std::string name, std::uint16_t type) {
    return dns::lookup(resolver_, std::move(name), type);
  }

  // A lookup for a part that is switched off answers NODATA without a query.
  asio::awaitable<Answer> lookup_if(bool wanted, std::string name, std::uint16_t type) {
    if (!wanted) {
      Answer skipped;
      skipped.status = dns::Status::nodata;
      co_return skipped;
    }
    co_return co_await dns::lookup(resolver_, std::move(name), type);
  }

  void add(Finding f) { findings_.push_back(std::move(f)); }
  void add(const Findings& fs) { findings_.insert(findings_.end(), fs.begin(), fs.end()); }

  // RFC 8461 §3.3: HTTPS GET of the policy, no redirects, 200 only, TLS >= 1.2, a certificate
  // valid for mta-sts.<domain>, at most 64 KiB.
  asio::awaitable<std::optional<records::StsPolicy>> fetch_policy(const std::string& host,
                                                                  const Answer& v4,
                                                                  const Answer& v6) {
    const std::string url = fmt::format("https://{}/.well-known/mta-sts.txt", host);
    net::HttpsRequest request;
    request.host = host;
    request.port = options_.https_port;
    request.path = "/.well-known/mta-sts.txt";
    request.addresses = addresses(v4);
    for (std::string& a : addresses(v6))
      request.addresses.push_back(std::move(a));
    request.max_body = limits_.policy_bytes;
    request.timeout = options_.timeout;
    auto fail_with = [&](std::string_view code, Severity severity, std::string message) {
      add(finding(code, severity, std::move(message), "RFC 8461 §3.3", url));
      return std::optional<records::StsPolicy>();
    };
    if (request.addresses.empty()) {
      if (v4.failed() || v6.failed()) {
        co_return fail_with("mta_sts.lookup_failed", Severity::unknown,
                            fmt::format("the address of {} could not be looked up: {}", host,
                                        failure(v4.failed() ? v4 : v6)));
      }
      co_return fail_with("mta_sts.policy_host_unresolvable", Severity::error,
                          fmt::format("{} has no address: senders cannot fetch the policy", host));
    }
    const net::HttpsResponse r = co_await https_.fetch(request);
    switch (r.failure) {
      case net::HttpsFailure::none:
        break;
      case net::HttpsFailure::unreachable:
      case net::HttpsFailure::other:
        co_return fail_with("mta_sts.policy_unreachable", Severity::error,
                            fmt::format("cannot fetch {}: {}", url, r.error));
      case net::HttpsFailure::tls:
        co_return fail_with("mta_sts.policy_tls_failed", Severity::error,
                            fmt::format("the TLS handshake with {} failed (TLS 1.2 or later is "
                                        "required): {}",
                                        host, r.error));
      case net::HttpsFailure::cert_expired:
        co_return fail_with(
            "mta_sts.policy_cert_expired", Severity::error,
            fmt::format("the certificate of {} is not valid now: {}", host, r.error));
      case net::HttpsFailure::cert_untrusted:
        co_return fail_with("mta_sts.policy_cert_untrusted", Severity::error,
                            fmt::format("the certificate of {} is not trusted: {}", host, r.error));
      case net::HttpsFailure::cert_name:
        co_return fail_with("mta_sts.policy_cert_name_mismatch", Severity::error,
                            fmt::format("the certificate served for {} is not valid for that "
                                        "name (DNS-ID)",
                                        host));
      case net::HttpsFailure::too_large:
        co_return fail_with("mta_sts.policy_too_large", Severity::error,
                            fmt::format("the policy at {} is larger than {} bytes; senders "
                                        "refuse it",
                                        url, limits_.policy_bytes));
    }
    if (r.status / 100 == 3) {  // RFC 8461 §3.3: redirects MUST NOT be followed
      co_return fail_with("mta_sts.policy_redirect", Severity::error,
                          fmt::format("{} answers {} (redirect to {}); senders do not follow "
                                      "redirects",
                                      url, r.status, r.location.empty() ? "?" : r.location));
    }
    if (r.status != 200) {
      co_return fail_with("mta_sts.policy_http_status", Severity::error,
                          fmt::format("{} answers HTTP {}; only 200 is accepted", url, r.status));
    }
    std::string media_type = ascii::lower(
        ascii::trim_wsp(std::string_view(r.content_type).substr(0, r.content_type.find(';'))));
    if (media_type != "text/plain") {
      add(finding("mta_sts.policy_content_type", Severity::warning,
                  fmt::format("{} is served as '{}', not text/plain: senders SHOULD check the "
                              "media type",
                              url, r.content_type.empty() ? "(none)" : r.content_type),
                  "RFC 8461 §3.3", url));
    }
    records::StsPolicyParse parsed = records::parse_sts_policy(r.body, limits_);
    add(parsed.findings);
    co_return parsed.policy;
  }

  // What a sender learns on port 25 (RFC 3207, RFC 8461 §4.2, RFC 7672 §3). Under MTA-STS
  // enforce the failures stop mail, so they are errors; otherwise warnings.
  void judge_probe(HostOutcome& host, Severity severity) {
    const net::SmtpProbeResult& p = *host.probe;
    MxResult& mx = host.result;
    const std::string& name = mx.host;
    mx.starttls = p.starttls_accepted;
    mx.tls_version = p.tls_version;
    if (!p.chain.empty()) mx.cert_not_after = not_after(p.chain.front());
    auto report = [&](std::string_view code, Severity s, std::string message,
                      std::string_view ref) {
      add(finding(code, s, std::move(message), ref, name));
    };
    if (p.refused) {  // the public check's address guard: p.error says why
      report("mx.unreachable", Severity::unknown,
             fmt::format("{} ({}) was not probed: {}", name, tried(host), p.error),
             "RFC 5321 §3.1");
      return;
    }
    if (!p.connected) {
      report("mx.unreachable", Severity::unknown,
             fmt::format("port {} of {} ({}) could not be reached: {}; often blocked where the "
                         "check runs, so this is not the domain's fault",
                         options_.smtp_port, name, tried(host), p.error),
             "RFC 5321 §3.1");
      return;
    }
    if (!p.starttls_accepted) {
      report(
          "mx.starttls_missing", severity,
          p.starttls_offered
              ? fmt::format("{} offers STARTTLS but refuses it ({})", name, p.starttls_reply)
              : fmt::format("{} does not offer STARTTLS: mail to it travels in clear text", name),
          "RFC 3207, RFC 8461 §4.2");
      return;
    }
    if (!p.handshake && !p.old_tls_only) {
      report("mx.tls_failed", severity,
             fmt::format("the TLS handshake with {} after STARTTLS failed: {}", name, p.error),
             "RFC 8461 §4.2");
      return;
    }
    if (p.old_tls_only) {
      report("mx.tls_old_version", Severity::warning,
             fmt::format("{} speaks only {}: senders requiring TLS 1.2 cannot deliver securely",
                         name, p.tls_version),
             "RFC 8996, RFC 8461 §4.2");
    }
    switch (p.verify_result) {
      case X509_V_OK:
        break;
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        report("mx.cert_expired", severity,
               fmt::format("the certificate of {} is not valid now ({})", name,
                           X509_verify_cert_error_string(p.verify_result)),
               "RFC 8461 §4.2");
        break;
      case X509_V_ERR_HOSTNAME_MISMATCH:
        report("mx.cert_name_mismatch", severity,
               fmt::format("the certificate of {} has no DNS-ID matching that name", name),
               "RFC 8461 §4.2, RFC 6125");
        break;
      default:
        report("mx.cert_untrusted", severity,
               fmt::format("the certificate of {} is not trusted ({})", name,
                           X509_verify_cert_error_string(p.verify_result)),
               "RFC 8461 §4.2");
        break;
    }
    if (!host.usable_tlsa.empty() && !p.chain.empty()
        && std::ranges::none_of(host.usable_tlsa,
                                [&](const dns::Tlsa& t) { return matches_chain(t, p.chain); })) {
      report("dane.tlsa_mismatch", Severity::error,
             fmt::format("none of the usable TLSA records of {} matches the certificate it "
                         "presents: DANE senders will not deliver",
                         name),
             "RFC 7672 §3.1");
    }
  }

  // RFC 8461 §4.1: every MX should match a pattern, every pattern some MX.
  void match_policy(const records::StsPolicy& policy, std::vector<MxResult>& hosts) {
    if (policy.mode == records::StsMode::none) return;
    const Severity severity =
        policy.mode == records::StsMode::enforce ? Severity::error : Severity::warning;
    for (MxResult& host : hosts) {
      host.matches_policy = std::ranges::any_of(
          policy.mx, [&](const records::MxPattern& p) { return records::matches(p, host.host); });
      if (!*host.matches_policy) {
        add(finding(
            "mx.not_in_policy", severity,
            fmt::format("MX {} matches no mx pattern of the policy: compliant senders "
                        "will not deliver to it{}",
                        host.host, severity == Severity::error ? "" : " once the mode is enforce"),
            "RFC 8461 §4.1", host.host));
      }
    }
    for (const records::MxPattern& pattern : policy.mx) {
      const bool used = std::ranges::any_of(
          hosts, [&](const MxResult& h) { return records::matches(pattern, h.host); });
      if (!used && !hosts.empty()) {
        add(finding("mx.policy_pattern_unused", Severity::warning,
                    fmt::format("policy pattern '{}' matches no current MX: a stale entry?",
                                pattern.to_string()),
                    "RFC 8461 §4.1", pattern.to_string()));
      }
    }
  }

  // No TLS-RPT record at _smtp._tls: say whether one sits at a wrong name.
  asio::awaitable<void> explain_missing_tlsrpt(Task<Answer>& apex, Task<Answer>& legacy,
                                               const Findings& missing) {
    const Answer apex_answer = co_await apex.get();
    const Answer legacy_answer = co_await legacy.get();
    if (holds_tlsrpt(legacy_answer)) {
      add(finding("tlsrpt.legacy_name", Severity::error,
                  fmt::format("no record at _smtp._tls.{0}, but one at the draft name "
                              "_smtp-tlsrpt.{0}: senders look only at _smtp._tls",
                              domain_),
                  kTlsRptRef, "_smtp-tlsrpt." + domain_));
    } else if (holds_tlsrpt(apex_answer)) {
      add(finding("tlsrpt.wrong_location", Severity::error,
                  fmt::format("no record at _smtp._tls.{0}, but a TLS-RPT record at {0} itself: "
                              "publish it at _smtp._tls.{0}",
                              domain_),
                  kTlsRptRef, domain_));
    } else {
      add(missing);
    }
  }

  asio::awaitable<RuaOutcome> probe_rua(records::RuaUri uri) {
    RuaOutcome out;
    out.result.uri = uri.text;
    out.result.scheme = std::string(records::to_string(uri.scheme));
    if (uri.mailto) {
      for (const records::Mailbox& box : uri.mailto->to) {
        if (!box.address_literal) co_await mailbox_deliverable(box, uri.text, out.findings);
      }
    } else if (uri.https && !uri.https->ip_literal) {
      auto ex = co_await asio::this_coro::executor;
      auto v4 = start(ex, lookup(uri.https->host, dns::kA));
      auto v6 = start(ex, lookup(uri.https->host, dns::kAaaa));
      const Answer a = co_await v4.get();
      const Answer aaaa = co_await v6.get();
      if (a.failed() && aaaa.failed()) {
        out.findings.push_back(finding("tlsrpt.lookup_failed", Severity::unknown,
                                       fmt::format("the address of {} could not be looked up: {}",
                                                   uri.https->host, failure(a)),
                                       kTlsRptRef, uri.text));
      } else if (addresses(a).empty() && addresses(aaaa).empty()) {
        out.findings.push_back(
            finding("tlsrpt.rua_https_unresolvable", Severity::error,
                    fmt::format("reports cannot be posted to {}: {} has no address", uri.text,
                                uri.https->host),
                    kTlsRptRef, uri.text));
      } else {
        std::vector<std::string> all = addresses(a);
        for (std::string& address : addresses(aaaa))
          all.push_back(std::move(address));
        co_await probe_endpoint(*uri.https, std::move(all), uri.text, out.findings);
      }
    } else if (!uri.https) {
      out.result.status = Verdict::fail;  // unusable scheme, already reported by the grammar
    }
    if (!out.findings.empty()) out.result.status = verdict_of(out.findings);
    co_return out;
  }

  // A harmless HEAD to a reporting endpoint: never a POST, which would inject data into
  // someone's pipeline.
  asio::awaitable<void> probe_endpoint(const records::HttpsUri& endpoint,
                                       std::vector<std::string> endpoint_addresses,
                                       const std::string& uri, Findings& out) {
    net::HttpsRequest request;
    request.host = endpoint.host;
    request.port = endpoint.port;
    request.path = endpoint.path;
    request.addresses = std::move(endpoint_addresses);
    request.method = "HEAD";
    request.timeout = options_.timeout;
    const net::HttpsResponse r = co_await https_.fetch(request);
    switch (r.failure) {
      case net::HttpsFailure::none:
      case net::HttpsFailure::too_large:
        break;
      case net::HttpsFailure::cert_expired:
      case net::HttpsFailure::cert_untrusted:
      case net::HttpsFailure::cert_name:
        out.push_back(finding("tlsrpt.rua_https_cert_invalid", Severity::warning,
                              fmt::format("the certificate of {} is not valid ({}): reporters "
                                          "may ignore that, many do not and drop the report",
                                          endpoint.host, r.error),
                              kTlsRptRef, uri));
        co_return;
      case net::HttpsFailure::unreachable:
      case net::HttpsFailure::tls:
      case net::HttpsFailure::other:
        out.push_back(finding("tlsrpt.rua_https_unreachable", Severity::error,
                              fmt::format("reports cannot be posted to {}: {}", uri, r.error),
                              kTlsRptRef, uri));
        co_return;
    }
    if (r.status == 404 || r.status == 410 || r.status >= 500) {
      out.push_back(
          finding("tlsrpt.rua_https_http_error", Severity::warning,
                  fmt::format("{} answers HTTP {} to HEAD: is the endpoint there?", uri, r.status),
                  kTlsRptRef, uri));
    }
  }

  // RFC 5321 §5.1: MX, else the address (implicit MX); RFC 7505: a null MX refuses all mail.
  asio::awaitable<void> mailbox_deliverable(const records::Mailbox& box, const std::string& uri,
                                            Findings& out) {
    const Answer mx = co_await lookup(box.domain, dns::kMx);
    if (mx.failed()) {
      out.push_back(
          finding("tlsrpt.lookup_failed", Severity::unknown,
                  fmt::format("the MX of {} could not be looked up: {}", box.domain, failure(mx)),
                  kTlsRptRef, uri));
      co_return;
    }
    if (mx.status == dns::Status::answer) {
      for (const std::string& rdata : mx.rdata) {
        auto decoded = dns::decode_mx(rdata);
        if (decoded && decoded->exchange == ".") {
          out.push_back(finding(
              "tlsrpt.rua_mailto_undeliverable", Severity::error,
              fmt::format("reports to {} cannot be delivered: {} has a null MX (it accepts no "
                          "mail)",
                          box.to_string(), box.domain),
              "RFC 8460 §3, RFC 7505", uri));
          co_return;
        }
      }
      co_return;
    }
    auto ex = co_await asio::this_coro::executor;
    auto v4 = start(ex, lookup(box.domain, dns::kA));
    auto v6 = start(ex, lookup(box.domain, dns::kAaaa));
    const Answer a = co_await v4.get();
    const Answer aaaa = co_await v6.get();
    if (addresses(a).empty() && addresses(aaaa).empty() && !a.failed() && !aaaa.failed()) {
      out.push_back(finding("tlsrpt.rua_mailto_undeliverable", Severity::error,
                            fmt::format("reports to {} cannot be delivered: {} has neither MX "
                                        "nor address records",
                                        box.to_string(), box.domain),
                            "RFC 8460 §3, RFC 5321 §5.1", uri));
    }
  }

  // MX RRset of the domain, then every host concurrently.
  asio::awaitable<std::vector<HostOutcome>> mx_hosts() {
    std::vector<HostOutcome> out;
    if (!options_.parts.mx) co_return out;
    const Answer mx = co_await lookup(domain_, dns::kMx);
    auto note = [&](Finding f) {
      HostOutcome h;
      h.findings.push_back(std::move(f));
      out.push_back(std::move(h));
    };
    if (mx.failed()) {
      HostOutcome h;
      h.findings.push_back(finding(
          "mx.lookup_failed", Severity::unknown,
          fmt::format("the MX records of {} could not be looked up: {}", domain_, failure(mx)),
          "RFC 5321 §5.1", domain_));
      out.push_back(std::move(h));
      co_return out;
    }
    std::vector<dns::Mx> records;
    for (const std::string& rdata : mx.rdata) {
      if (auto decoded = dns::decode_mx(rdata)) records.push_back(std::move(*decoded));
    }
    std::ranges::sort(records, {}, &dns::Mx::preference);
    if (std::ranges::any_of(records, [](const dns::Mx& m) { return m.exchange == "."; })) {
      note(finding("mx.null", Severity::info,
                   fmt::format("{} publishes a null MX: it accepts no mail", domain_), "RFC 7505",
                   domain_));
      co_return out;
    }
    if (records.empty()) {
      const Answer a = co_await lookup(domain_, dns::kA);
      const Answer aaaa = co_await lookup(domain_, dns::kAaaa);
      if (addresses(a).empty() && addresses(aaaa).empty()) co_return out;
      note(finding("mx.implicit", Severity::info,
                   fmt::format("{} has no MX records; senders deliver to its own address", domain_),
                   "RFC 5321 §5.1", domain_));
      records.push_back({0, domain_});
    }
    auto ex = co_await asio::this_coro::executor;
    std::vector<Task<HostOutcome>> hosts;
    for (const dns::Mx& m : records)
      hosts.push_back(start(ex, host(m, mx.security)));
    for (auto& h : hosts)
      out.push_back(co_await h.get());
    co_return out;
  }

  asio::awaitable<HostOutcome> host(dns::Mx mx, Security mx_security) {
    auto ex = co_await asio::this_coro::executor;
    auto v4 = start(ex, lookup(mx.exchange, dns::kA));
    auto v6 = start(ex, lookup(mx.exchange, dns::kAaaa));
    const bool dane_wanted = options_.parts.dane;
    auto tlsa = start(ex, lookup_if(dane_wanted, "_25._tcp." + mx.exchange, dns::kTlsa));
    auto tlsrpt = start(ex, lookup_if(dane_wanted, "_smtp._tls." + mx.exchange, dns::kTxt));

    HostOutcome out;
    out.result.host = mx.exchange;
    out.result.preference = mx.preference;
    const Answer a = co_await v4.get();
    const Answer aaaa = co_await v6.get();
    out.result.addresses = addresses(a);
    for (std::string& address : addresses(aaaa))
      out.result.addresses.push_back(std::move(address));
    out.result.dnssec = std::string(dns::to_string(a.security));
    out.result.cname = !a.canonical_name.empty() || !aaaa.canonical_name.empty();
    if (out.result.cname) {
      out.findings.push_back(
          finding("mx.cname", Severity::warning,
                  fmt::format("MX target {} is a CNAME (to {}): RFC 2181 §10.3 forbids it and some "
                              "senders refuse it",
                              mx.exchange,
                              a.canonical_name.empty() ? aaaa.canonical_name : a.canonical_name),
                  "RFC 2181 §10.3, RFC 5321 §5.1", mx.exchange));
    }
    // Named locals, never temporaries, in co_await expressions: g++ 12 destroys temporaries
    // that live across a suspension twice.
    const std::size_t probed =
        options_.parts.smtp ? std::min(out.result.addresses.size(), kProbedAddresses) : 0;
    while (out.addresses_tried < probed && !(out.probe && out.probe->connected)) {
      net::SmtpProbeRequest request;
      request.host = mx.exchange;
      request.address = out.result.addresses[out.addresses_tried++];
      request.port = options_.smtp_port;
      request.timeout = options_.timeout;
      out.probe = co_await smtp_.probe(std::move(request));
    }
    const Answer tlsa_answer = co_await tlsa.get();
    co_await dane(mx, mx_security, tlsa_answer, tlsrpt, out);
    co_return out;
  }

  // RFC 7672 §2.2, §3: TLSA records at _25._tcp.<mx host>, judged by their DNSSEC state.
  asio::awaitable<void> dane(const dns::Mx& mx, Security mx_security, const Answer& tlsa,
                             Task<Answer>& tlsrpt, HostOutcome& out) {
    const std::string name = "_25._tcp." + mx.exchange;
    if (tlsa.failed()) {
      out.findings.push_back(finding(
          "dane.tlsa_bogus", Severity::error,
          fmt::format("the TLSA lookup for {} failed ({}): DANE senders defer mail to this MX",
                      name, failure(tlsa)),
          "RFC 7672 §2.2", name));
      co_return;
    }
    if (tlsa.status != dns::Status::answer) co_return;
    std::vector<dns::Tlsa> records;
    for (const std::string& rdata : tlsa.rdata) {
      if (auto decoded = dns::decode_tlsa(rdata)) records.push_back(std::move(*decoded));
    }
    for (const dns::Tlsa& t : records) {
      out.result.tlsa.push_back(
          fmt::format("{} {} {} {}", t.usage, t.selector, t.matching_type, hex(t.data)));
    }
    if (tlsa.security != Security::secure) {
      out.findings.push_back(finding(
          "dane.tlsa_insecure", Severity::warning,
          fmt::format("TLSA records at {} are not DNSSEC-signed: senders ignore them", name),
          "RFC 7672 §2.2", name));
      co_return;
    }
    const auto usable = std::ranges::count_if(records, usable_for_smtp);
    if (usable == 0) {
      out.findings.push_back(finding(
          "dane.tlsa_unusable", Severity::warning,
          fmt::format("no usable TLSA record at {}: SMTP uses only usages 2 and 3 with known "
                      "selectors, matching types and digest lengths",
                      name),
          "RFC 7672 §3.1", name));
      co_return;
    }
    std::ranges::copy_if(records, std::back_inserter(out.usable_tlsa), usable_for_smtp);
    if (records.size() == 1) {
      out.findings.push_back(
          finding("dane.no_rollover", Severity::info,
                  fmt::format("{} has a single TLSA record: publish the next key's record before a "
                              "certificate or key change",
                              name),
                  "RFC 7671 §8.1", name));
    }
    if (mx_security != Security::secure) {
      out.findings.push_back(finding(
          "dane.mx_insecure", Severity::warning,
          fmt::format("TLSA for {} is signed, but the MX records of {} are not: an attacker can "
                      "replace the MX and DANE does not apply",
                      mx.exchange, domain_),
          "RFC 7672 §2.2.1", domain_));
    }
    const Answer report = co_await tlsrpt.get();
    if (!report.failed() && !holds_tlsrpt(report)) {
      out.findings.push_back(finding(
          "dane.tlsrpt_missing_on_mx", Severity::warning,
          fmt::format("DANE is in use but _smtp._tls.{} has no TLS-RPT record: for DANE the "
                      "policy domain is the MX host, so its failures are reported there",
                      mx.exchange),
          "RFC 8460 §1.1", "_smtp._tls." + mx.exchange));
    }
  }

  // Part statuses and the verdict from the findings.
  static void finish(CheckResult& r) {
    r.tlsrpt.status = verdict_of(with_prefix(r.findings, "tlsrpt."));
    r.mta_sts.status = verdict_of(with_prefix(r.findings, "mta_sts."));
    const Findings dane = with_prefix(r.findings, "dane.");
    const bool any_tlsa =
        std::ranges::any_of(r.mx, [](const MxResult& m) { return !m.tlsa.empty(); });
    if (any_tlsa || !dane.empty()) r.dane.status = std::string(to_string(verdict_of(dane)));
    r.verdict = verdict_of(r.findings);
  }

  dns::Resolver& resolver_;
  net::HttpsClient& https_;
  net::SmtpProber& smtp_;
  const CheckOptions& options_;
  const Limits& limits_;
  std::string domain_;
  Findings findings_;
};

}  // namespace

Result<Parts> parse_parts(std::string_view list) {
  Parts parts{false, false, false, false, false, false, false};
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view name = ascii::trim_wsp(list.substr(0, comma));
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    if (name == "tlsrpt") {
      parts.tlsrpt = true;
    } else if (name == "rua") {
      parts.rua = true;
    } else if (name == "mta-sts") {
      parts.mta_sts = true;
    } else if (name == "policy") {
      parts.policy = true;
    } else if (name == "mx") {
      parts.mx = true;
    } else if (name == "smtp") {
      parts.smtp = true;
    } else if (name == "dane") {
      parts.dane = true;
    } else {
      return fail(fmt::format("unknown part '{}' (tlsrpt, rua, mta-sts, policy, mx, smtp, dane)",
                              ascii::printable(name)));
    }
  }
  if (parts.rua && !parts.tlsrpt) return fail("part 'rua' needs 'tlsrpt'");
  if (parts.policy && !parts.mta_sts) return fail("part 'policy' needs 'mta-sts'");
  if ((parts.smtp || parts.dane) && !parts.mx) return fail("parts 'smtp' and 'dane' need 'mx'");
  return parts;
}

asio::awaitable<CheckResult> Checker::check(DomainName domain) {
  DomainCheck run(resolver_, https_, smtp_, options_, limits_, domain.ascii());
  co_return co_await run.run();
}

}  // namespace webshield::check
