#include "fuzz/targets.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

#include "codec/decode.hpp"
#include "core/domain_name.hpp"
#include "core/ip_address.hpp"
#include "dns/message.hpp"
#include "dns/rdata.hpp"
#include "ingest/imap_response.hpp"
#include "ingest/maildir_name.hpp"
#include "ingest/mbox.hpp"
#include "mail/extract.hpp"
#include "net/address_guard.hpp"
#include "net/smtp_reply.hpp"
#include "records/mailbox.hpp"
#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/mx_pattern.hpp"
#include "records/rua_uri.hpp"
#include "records/tlsrpt_record.hpp"
#include "records/txt_presentation.hpp"
#include "report/parse.hpp"
#include "server/auth.hpp"
#include "server/http.hpp"

namespace webshield::fuzz {
namespace {

using records::Recognized;

// Remembers the first property that does not hold.
class Properties {
 public:
  void require(bool ok, std::string_view property) {
    if (!ok && broken_.empty()) broken_ = std::string(property);
  }
  std::string result() { return std::move(broken_); }

 private:
  std::string broken_;
};

// Properties every parse answer has, whatever the input.
template <class Parse>
void check_answer(Properties& props, const Parse& p, const Limits& limits) {
  props.require(p.findings.size() <= limits.findings, "findings are bounded");
  for (const Finding& f : p.findings) {
    props.require(!f.code.empty() && !f.message.empty() && !f.ref.empty(), "findings are complete");
  }
}

}  // namespace

std::string tlsrpt_record(std::string_view input) {
  Properties props;
  const Limits limits;
  const records::TlsRptParse p = records::parse_tlsrpt_record(input, limits);
  check_answer(props, p, limits);
  props.require(p.kind != Recognized::no || p.findings.empty(), "'no' carries no findings");
  props.require(p.kind != Recognized::yes || p.record.has_value(), "'yes' has a record");
  if (p.kind == Recognized::yes) {
    props.require(p.record->rua.size() <= limits.rua_uris, "rua is bounded");
    const std::string canonical = records::format_tlsrpt_record(*p.record);
    const records::TlsRptParse again = records::parse_tlsrpt_record(canonical, limits);
    props.require(again.kind == Recognized::yes && again.record == p.record,
                  "canonical form parses to the same record");
  }
  // The same bytes as an RRset, one record per line.
  std::vector<records::TxtRr> rrset;
  std::string_view rest = input;
  while (!rest.empty() && rrset.size() < 8) {
    const auto lf = rest.find('\n');
    rrset.push_back({std::string(rest.substr(0, lf))});
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
  }
  const auto s = records::select_tlsrpt_record(rrset, limits);
  props.require(!s.selected || *s.selected < s.parses.size(), "selection is in range");
  props.require(s.status() != records::SelectionStatus::valid || s.usable() != nullptr,
                "valid selection is usable");
  return props.result();
}

std::string sts_record(std::string_view input) {
  Properties props;
  const Limits limits;
  const records::StsParse p = records::parse_sts_record(input, limits);
  check_answer(props, p, limits);
  props.require(p.kind != Recognized::no || p.findings.empty(), "'no' carries no findings");
  if (p.kind == Recognized::yes) {
    props.require(!p.record->id.empty() && p.record->id.size() <= 32, "id is 1 to 32");
    const records::StsParse again =
        records::parse_sts_record(records::format_sts_record(*p.record), limits);
    props.require(again.kind == Recognized::yes && again.record == p.record,
                  "canonical form parses to the same record");
  }
  return props.result();
}

std::string sts_policy(std::string_view input) {
  Properties props;
  const Limits limits;
  const records::StsPolicyParse p = records::parse_sts_policy(input, limits);
  check_answer(props, p, limits);
  props.require(p.policy.has_value() == (p.kind == Recognized::yes), "policy iff yes");
  if (p.kind == Recognized::yes) {
    props.require(p.policy->max_age <= records::kMaxPolicyAge, "max_age is bounded");
    props.require(p.policy->mode == records::StsMode::none || !p.policy->mx.empty(),
                  "enforce and testing have mx");
    const records::StsPolicyParse again =
        records::parse_sts_policy(records::format_sts_policy(*p.policy), limits);
    props.require(again.kind == Recognized::yes && again.policy == p.policy,
                  "canonical form parses to the same policy");
  }
  return props.result();
}

std::string txt_and_uris(std::string_view input) {
  Properties props;
  if (auto rrset = records::parse_txt_rrset(input, 16)) {
    props.require(rrset->size() <= 16, "rrset is bounded");
    for (const records::TxtRr& rr : *rrset) {
      for (const std::string& s : rr)
        props.require(s.size() <= 4 * input.size() + 1, "sane");
    }
  }
  if (auto box = records::parse_mailbox(input)) {
    props.require(records::parse_mailbox(box->to_string()).has_value(), "mailbox round trip");
  }
  const auto uri = records::parse_rua_uri(input);
  props.require(uri.value.has_value(), "rua parse always describes the URI");
  const auto mx = records::parse_mx_pattern(input);
  if (mx.pattern) {
    const auto again = records::parse_mx_pattern(mx.pattern->to_string());
    props.require(again.pattern == mx.pattern, "mx pattern round trip");
    if (!mx.pattern->wildcard) {
      props.require(records::matches(*mx.pattern, mx.pattern->domain)
                        || !DomainName::parse(mx.pattern->domain).has_value(),
                    "a plain pattern matches its own name");
    }
  }
  if (auto name = DomainName::parse(input)) {
    auto again = DomainName::parse(name->ascii());
    props.require(again.has_value() && *again == *name, "domain name round trip");
  }
  return props.result();
}

std::string dns_reply(std::string_view input) {
  Properties props;
  if (input.empty()) return props.result();
  static constexpr std::uint16_t kTypes[] = {dns::kA,    dns::kMx,    dns::kTxt,
                                             dns::kTlsa, dns::kCname, dns::kAaaa};
  const std::uint16_t type = kTypes[static_cast<unsigned char>(input.front()) % std::size(kTypes)];
  const std::string_view wire = input.substr(1);
  auto first = dns::parse_reply(wire, "example.com", type);
  auto second = dns::parse_reply(wire, "example.com", type);
  props.require(first.has_value() == second.has_value(), "parsing is deterministic");
  if (!first || !second) return props.result();
  const dns::Answer& a = first->answer;
  props.require(a.rdata == second->answer.rdata && a.status == second->answer.status,
                "parsing is deterministic");
  if (first->truncated) return props.result();
  props.require((a.status == dns::Status::answer) == !a.rdata.empty(),
                "an answer has records, and only an answer");
  props.require(a.security == dns::Security::indeterminate, "AD is the caller's to judge");
  for (const std::string& rdata : a.rdata) {
    props.require(rdata.size() <= 65535 + 255, "RDATA is bounded by the message");
    if (type == dns::kMx) props.require(dns::decode_mx(rdata).has_value(), "MX names expanded");
  }
  return props.result();
}

std::string dns_rdata(std::string_view input) {
  Properties props;
  if (input.empty()) return props.result();
  const std::string_view rdata = input.substr(1);
  switch (static_cast<unsigned char>(input.front()) % 5) {
    case 0:
      if (auto name = dns::decode_name(rdata)) {
        props.require(!name->empty() && name->size() <= 253, "names are 1 to 253 octets");
      }
      break;
    case 1:
      if (auto strings = dns::decode_txt(rdata)) {
        std::size_t total = 0;
        for (const std::string& s : *strings)
          total += s.size() + 1;
        props.require(total == rdata.size(), "TXT strings cover the RDATA exactly");
      }
      break;
    case 2:
      if (auto mx = dns::decode_mx(rdata)) props.require(!mx->exchange.empty(), "MX has a name");
      break;
    case 3:
      props.require(
          dns::decode_address(rdata).has_value() == (rdata.size() == 4 || rdata.size() == 16),
          "addresses are 4 or 16 bytes");
      break;
    default:
      if (auto tlsa = dns::decode_tlsa(rdata)) {
        props.require(tlsa->data.size() + 3 == rdata.size(), "TLSA data is the rest");
      }
      break;
  }
  return props.result();
}

std::string smtp_reply(std::string_view input) {
  Properties props;
  std::string_view rest = input;
  while (!rest.empty()) {
    const auto lf = rest.find('\n');
    const std::string_view line = rest.substr(0, lf);
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
    if (auto reply = net::parse_reply_line(line)) {
      props.require(reply->code >= 200 && reply->code <= 599, "codes are 2xx to 5xx");
      props.require(reply->text.size() + (line.size() > 3 ? 4 : 3) == line.size(),
                    "text is the rest of the line");
    }
  }
  return props.result();
}

std::string server_request(std::string_view input) {
  Properties props;
  if (input.empty()) return props.result();
  const char which = input.front();
  input.remove_prefix(1);
  switch (which % 6) {
    case 0: {
      const auto pairs = server::parse_query(input, 32);
      props.require(pairs.size() <= 32, "at most 32 query pairs");
      for (const auto& [k, v] : pairs)
        props.require(k.size() + v.size() <= input.size(), "decoding never grows the text");
      break;
    }
    case 1: {
      const std::string type = server::media_type(input);
      props.require(type.size() <= input.size(), "a media type is part of the field");
      props.require(type.find(';') == std::string::npos, "parameters are dropped");
      break;
    }
    case 2:
      if (auto v = server::cookie_value(input, "webshield_session"))
        props.require(v->size() < input.size(), "a cookie value is part of the field");
      if (auto t = server::bearer_token(input))
        props.require(!t->empty() && t->size() < input.size(), "a token is part of the field");
      break;
    case 3:
      if (auto c = server::forwarded_client(input)) {
        props.require(is_ip_address(*c), "a forwarded client is an address");
        props.require(server::client_key(*c).size() <= 64, "a client key is short");
      }
      break;
    case 4:
      props.require(!server::client_key(input).empty() || input.empty(), "a client has a key");
      break;
    default:
      (void)server::parse_auth_file(input);
      break;
  }
  return props.result();
}

std::string address_guard(std::string_view input) {
  Properties props;
  const auto refusal = net::special_purpose(input);
  props.require(!refusal || !refusal->name.empty(), "a refusal has a name");
  const std::string text(input);
  const bool plain = input.find_first_of(std::string_view("[]%\0", 4)) == std::string_view::npos;
  std::array<unsigned char, 16> six{};
  std::array<unsigned char, 4> four{};
  if (plain && inet_pton(AF_INET6, text.c_str(), six.data()) == 1) {
    props.require(net::special_purpose("[" + text + "]") == refusal, "brackets change nothing");
    std::array<char, INET6_ADDRSTRLEN> canonical{};
    inet_ntop(AF_INET6, six.data(), canonical.data(), canonical.size());
    props.require(net::special_purpose(canonical.data()) == refusal,
                  "the canonical form is judged the same");
    const bool mapped = std::all_of(six.begin(), six.begin() + 10, [](auto b) { return b == 0; })
                        && six[10] == 0xff && six[11] == 0xff;
    if (mapped) {
      std::array<char, INET_ADDRSTRLEN> v4{};
      inet_ntop(AF_INET, six.data() + 12, v4.data(), v4.size());
      const auto direct = net::special_purpose(v4.data());
      props.require(direct.has_value() == refusal.has_value(),
                    "an IPv4-mapped address is judged as its IPv4 address");
      props.require(!direct || refusal->name.starts_with(direct->name + ", IPv4-mapped"),
                    "an IPv4-mapped refusal names the IPv4 block");
    }
  } else if (plain && inet_pton(AF_INET, text.c_str(), four.data()) == 1) {
    props.require(net::special_purpose("::ffff:" + text).has_value() == refusal.has_value(),
                  "an IPv4 address is judged as its IPv4-mapped form");
  } else if (plain) {
    props.require(refusal.has_value() && refusal->range.empty(),
                  "what inet_pton refuses is refused");
  }
  return props.result();
}

namespace {

// Properties of every report the parser accepts.
void check_report(Properties& props, const report::Report& r, const Limits& limits) {
  props.require(r.warnings.size() <= limits.report_warnings, "warnings are bounded");
  props.require(r.policies.size() <= limits.report_policies, "policies are bounded");
  props.require(r.canonical_sha256.size() == 64, "the canonical hash is present");
  props.require(r.organization_name.size() <= limits.report_string_bytes
                    && r.report_id.size() <= limits.report_string_bytes,
                "strings are bounded");
  std::size_t details = 0;
  for (const report::Policy& p : r.policies) {
    details += p.failure_details.size();
    props.require(p.policy_strings.size() <= limits.report_policy_strings
                      && p.mx_hosts.size() <= limits.report_policy_strings,
                  "policy strings are bounded");
    props.require(
        (p.policy_type == report::PolicyType::other) == report::to_string(p.policy_type).empty(),
        "policy type and its name agree");
  }
  props.require(details <= limits.report_failure_details, "failure details are bounded");
}

Limits small_limits() {
  Limits limits;
  limits.report_json_bytes = 1 << 20;
  limits.report_policies = 64;
  limits.report_failure_details = 256;
  limits.report_warnings = 16;
  return limits;
}

}  // namespace

std::string report_json(std::string_view input) {
  Properties props;
  const Limits limits = small_limits();
  report::ReportParser parser(limits);
  const Result<report::Report> r = parser.parse(input);
  if (r) {
    check_report(props, *r, limits);
    const Result<report::Report> again = parser.parse(input);
    props.require(again && *again == *r, "parsing is deterministic with a reused parser");
  } else {
    props.require(!r.error().message.empty() && !r.error().where.empty(),
                  "a refusal says why and where");
  }
  return props.result();
}

std::string report_decode(std::string_view input) {
  Properties props;
  const Limits limits = small_limits();
  const Result<codec::Decoded> d = codec::decode_report(input, limits);
  if (!d) {
    props.require(!d.error().message.empty(), "a refusal says why");
    return props.result();
  }
  props.require(d->bytes.size() <= limits.report_json_bytes, "output is bounded");
  props.require(d->encoding == codec::sniff(input), "the encoding is the sniffed one");
  if (const Result<report::Report> r = report::parse_report(d->bytes, limits)) {
    check_report(props, *r, limits);
  }
  return props.result();
}

std::string mail_extract(std::string_view input) {
  Properties props;
  Limits limits = small_limits();
  limits.report_mail_parts = 16;
  const Result<mail::MailReport> m = mail::extract_report(input, limits);
  if (m) {
    props.require(m->attachment.size() <= input.size(), "the report part is within the mail");
    props.require(m->warnings.size() <= 8, "mail warnings are few");
  } else {
    props.require(!m.error().message.empty(), "a refusal says why");
  }
  return props.result();
}

std::string mbox_split(std::string_view input) {
  Properties props;
  Limits limits;
  limits.report_mail_bytes = 512;
  const auto whole = ingest::split_mbox(input, limits);
  // The same bytes fed in chunks of 1 to 64 bytes (the first byte picks the size).
  const std::size_t chunk = input.empty() ? 1 : 1 + static_cast<unsigned char>(input[0]) % 64;
  ingest::MboxSplitter splitter(limits);
  std::vector<ingest::MboxMessage> parts;
  Result<void> ok;
  for (std::size_t at = 0; at < input.size() && ok; at += chunk)
    ok = splitter.feed(input.substr(at, chunk), parts);
  if (ok) ok = splitter.finish(parts);
  props.require(whole.has_value() == ok.has_value(), "chunked and whole agree on refusal");
  if (!whole) {
    props.require(!whole.error().message.empty() && !whole.error().where.empty(),
                  "a refusal says why and where");
    return props.result();
  }
  props.require(parts.size() == whole->size(), "chunked and whole give as many messages");
  for (std::size_t i = 0; i < whole->size() && i < parts.size(); ++i) {
    const ingest::MboxMessage& m = (*whole)[i];
    props.require(m.raw == parts[i].raw && m.offset == parts[i].offset,
                  "chunked and whole give the same messages");
    props.require(m.raw.size() <= limits.report_mail_bytes, "messages are bounded");
    props.require(!m.over_limit || m.raw.empty(), "an over-limit message keeps no bytes");
    props.require(m.offset < input.size() && input.substr(m.offset).starts_with("From "),
                  "a message starts at a From line");
    props.require(m.number == i + 1, "messages are numbered in order");
  }
  return props.result();
}

std::string maildir_name(std::string_view input) {
  Properties props;
  Limits limits;
  const auto name = ingest::parse_maildir_name(input, limits);
  if (!name) {
    props.require(!name.error().message.empty(), "a refusal says why");
    return props.result();
  }
  props.require(input.size() <= limits.maildir_name_bytes, "names are bounded");
  const std::string seen = ingest::with_flag(input, 'S');
  Limits roomy;
  roomy.maildir_name_bytes = limits.maildir_name_bytes + 4;
  const auto again = ingest::parse_maildir_name(seen, roomy);
  props.require(again && again->seen(), "the name with S parses and is seen");
  props.require(again && again->unique == name->unique, "the unique part is kept");
  props.require(ingest::with_flag(seen, 'S') == seen, "adding S twice changes nothing");
  return props.result();
}

std::string imap_response(std::string_view input) {
  Properties props;
  Limits limits;
  limits.imap_search_uids = 16;
  limits.imap_response_bytes = 2048;
  if (const auto s = ingest::parse_search(input, limits)) {
    props.require(s->uids.size() <= limits.imap_search_uids, "UIDs are bounded");
    props.require(
        std::ranges::is_sorted(s->uids) && std::ranges::adjacent_find(s->uids) == s->uids.end(),
        "UIDs ascend without repeats");
    props.require(std::ranges::find(s->uids, 0u) == s->uids.end(), "no UID is zero");
  } else {
    props.require(!s.error().message.empty(), "a refusal says why");
  }
  if (const auto v = ingest::parse_uidvalidity(input, limits)) {
    props.require(*v != 0, "UIDVALIDITY is not zero");
  }
  (void)ingest::parse_capabilities(input, limits);
  return props.result();
}

std::span<const Target> targets() {
  static constexpr Target kTargets[] = {
      {"tlsrpt_record", tlsrpt_record},   {"sts_record", sts_record},
      {"sts_policy", sts_policy},         {"txt_and_uris", txt_and_uris},
      {"dns_rdata", dns_rdata},           {"dns_reply", dns_reply},
      {"smtp_reply", smtp_reply},         {"report_json", report_json},
      {"report_decode", report_decode},   {"mail_extract", mail_extract},
      {"mbox_split", mbox_split},         {"maildir_name", maildir_name},
      {"imap_response", imap_response},   {"address_guard", address_guard},
      {"server_request", server_request},
  };
  return kTargets;
}

}  // namespace webshield::fuzz
