// DKIM verification with libopendkim (RFC 6376) plus the rules report mail adds on top
// (RFC 8460 §5.3): no l=, no rsa-sha1, alignment with the submitter. Untrusted input; key
// records come only through KeyLookup, never from the library's own resolver.
#include "mail/dkim.hpp"

#include <fmt/format.h>
// dkim.h uses _Bool: stdbool.h first (TRAPS.md).
#include <stdbool.h>
#ifndef _Bool
// dkim.h is C and uses _Bool: g++'s stdbool.h maps it to bool in C++, clang's only outside
// strict ISO mode (-std=c++23), as in the fuzz preset.
#define _Bool bool
#endif
#include <sys/types.h>
//
#include <dkim.h>

#include <cstring>
#include <memory>

#include "core/ascii.hpp"
#include "records/txt_presentation.hpp"
#include "records/txt_select.hpp"

namespace webshield::mail {
namespace {

std::string_view without_final_dot(std::string_view s) {
  if (s.ends_with('.')) s.remove_suffix(1);
  return s;
}

std::string owner_name(std::string_view selector, std::string_view domain) {
  return ascii::lower(fmt::format("{}._domainkey.{}", selector, without_final_dot(domain)));
}

// What the key lookup callback saw for each signature, keyed by the library's signature handle.
struct FailedLookup {
  std::string domain;
  std::string reason;
};
struct LookupContext {
  const KeyLookup* lookup = nullptr;
  std::map<const DKIM_SIGINFO*, FailedLookup> failed;  // lookup error: temperror
};

const char* text(const unsigned char* s) {
  return s == nullptr ? "" : reinterpret_cast<const char*>(s);
}

// Called by the library from dkim_eoh() for every signature it will verify.
extern "C" DKIM_CBSTAT key_lookup_callback(DKIM* dkim, DKIM_SIGINFO* sig, u_char* buf,
                                           size_t buflen) {
  auto* ctx = static_cast<LookupContext*>(dkim_get_user_context(dkim));
  if (ctx == nullptr || ctx->lookup == nullptr || buf == nullptr || buflen == 0) {
    return DKIM_CBSTAT_ERROR;
  }
  const std::string_view selector = text(dkim_sig_getselector(sig));
  const std::string_view domain = text(dkim_sig_getdomain(sig));
  auto record = ctx->lookup->key_record(selector, domain);
  if (!record) {
    ctx->failed[sig] = {ascii::lower(without_final_dot(domain)), record.error().describe()};
    // Not DKIM_CBSTAT_ERROR: that stops the library before other signatures are verified, and
    // another signature may still pass. judge() reads the failure from the context.
    return DKIM_CBSTAT_NOTFOUND;
  }
  if (record->empty()) return DKIM_CBSTAT_NOTFOUND;
  // A record longer than the library's buffer cannot be a usable key: read as none (permerror).
  if (record->size() >= buflen) return DKIM_CBSTAT_NOTFOUND;
  std::memcpy(buf, record->data(), record->size());
  buf[record->size()] = '\0';
  return DKIM_CBSTAT_CONTINUE;
}

struct LibClose {
  void operator()(DKIM_LIB* lib) const { dkim_close(lib); }
};
struct HandleFree {
  void operator()(DKIM* d) const { dkim_free(d); }
};

// Counts the header fields named DKIM-Signature in the header section.
std::size_t count_signatures(std::string_view raw) {
  std::size_t n = 0;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && !ascii::is_wsp(line[0])
        && ascii::iequals(ascii::trim_wsp(line.substr(0, colon)), "DKIM-Signature")) {
      ++n;
    }
    pos = end + 1;
  }
  return n;
}

// Order of preference when a message carries several signatures.
int rank(const DkimResult& r) {
  if (r.result == "pass") return r.aligned ? 6 : 5;
  if (r.result == "policy") return 4;
  if (r.result == "temperror") return 3;
  if (r.result == "fail") return 2;
  return 1;  // permerror
}

DkimResult judge(DKIM_SIGINFO* sig, const LookupContext& ctx,
                 const std::vector<std::string>& align_with) {
  DkimResult r;
  const std::string_view domain = text(dkim_sig_getdomain(sig));
  if (!domain.empty()) r.domain = ascii::lower(without_final_dot(domain));
  const std::string where = r.domain ? fmt::format(" (d={})", ascii::printable(*r.domain)) : "";

  if (auto it = ctx.failed.find(sig); it != ctx.failed.end()) {
    r.result = "temperror";
    r.reason = fmt::format("key lookup failed{}: {}", where, it->second.reason);
    return r;
  }
  if (DKIM_SIG_CHECK(sig)) {
    dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
    dkim_sig_getsignalg(sig, &alg);
    // RFC 8301 §3.1: rsa-sha1 MUST NOT be used for signing; the library still verifies it.
    if (alg != DKIM_SIGN_RSASHA256 && alg != DKIM_SIGN_ED25519SHA256) {
      r.result = "policy";
      r.reason = fmt::format("signature{} uses rsa-sha1 (RFC 8301 forbids it)", where);
      return r;
    }
    // RFC 8460 §5.3 asks for a DKIM signature over the report; `l=` signs only a prefix of the
    // body, so anything may be appended after it: refused (the library accepts it).
    char l_tag[] = "l";
    if (dkim_sig_gettagvalue(sig, false, reinterpret_cast<u_char*>(l_tag)) != nullptr) {
      r.result = "policy";
      r.reason =
          fmt::format("signature{} has an l= body length limit: text could be appended", where);
      return r;
    }
    r.result = "pass";
    r.reason = fmt::format("valid signature{}", where);
    for (const std::string& candidate : align_with) {
      if (r.domain && dkim_domain_aligns(*r.domain, candidate)) r.aligned = true;
    }
    return r;
  }
  const int error = dkim_sig_geterror(sig);
  const char* error_text = dkim_sig_geterrorstr(error);
  const std::string detail = error_text == nullptr ? "unknown error" : error_text;
  if (dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH) {
    r.result = "fail";
    r.reason = fmt::format("body hash mismatch{}: the body changed after signing", where);
  } else if (error == DKIM_SIGERROR_BADSIG) {
    r.result = "fail";
    r.reason = fmt::format("signature does not verify{}", where);
  } else if (error == DKIM_SIGERROR_KEYFAIL) {
    r.result = "temperror";
    r.reason = fmt::format("key lookup failed{}", where);
  } else {
    r.result = "permerror";
    r.reason = fmt::format("signature{} not usable: {}", where, detail);
  }
  return r;
}

}  // namespace

void MapKeyLookup::add(std::string_view owner, std::string record) {
  records_.insert_or_assign(ascii::lower(without_final_dot(owner)), std::move(record));
}

Result<std::string> MapKeyLookup::key_record(std::string_view selector,
                                             std::string_view domain) const {
  auto it = records_.find(owner_name(selector, domain));
  return it == records_.end() ? std::string() : it->second;
}

Result<MapKeyLookup> parse_key_file(std::string_view text) {
  MapKeyLookup out;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = ascii::trim_wsp(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    const std::string where = fmt::format("line {}", line_no);
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return fail("owner name without a TXT record", where);
    const std::string_view owner = line.substr(0, space);
    if (owner.find("._domainkey.") == std::string_view::npos) {
      return fail("owner name is not <selector>._domainkey.<domain>", where);
    }
    auto rr = records::parse_txt_presentation(ascii::trim_wsp(line.substr(space + 1)));
    if (!rr) return fail(rr.error().message, where);
    out.add(owner, records::join_character_strings(*rr));
  }
  return out;
}

bool dkim_domain_aligns(std::string_view signing_domain, std::string_view candidate) {
  const std::string d = ascii::lower(without_final_dot(signing_domain));
  const std::string c = ascii::lower(without_final_dot(candidate));
  if (d.empty() || c.empty()) return false;
  return c == d || (c.size() > d.size() && c.ends_with(d) && c[c.size() - d.size() - 1] == '.');
}

DkimResult verify_dkim(std::string_view raw_message, const KeyLookup& lookup,
                       const std::vector<std::string>& align_with, const Limits& limits) {
  const std::size_t signatures = count_signatures(raw_message);
  if (signatures == 0) return {"none", std::nullopt, "no DKIM-Signature header field", false};
  if (signatures > limits.dkim_signatures) {
    return {"permerror", std::nullopt,
            fmt::format("{} DKIM-Signature header fields, over the limit dkim_signatures ({})",
                        signatures, limits.dkim_signatures),
            false};
  }

  std::unique_ptr<DKIM_LIB, LibClose> lib(dkim_init(nullptr, nullptr));
  if (!lib) return {"temperror", std::nullopt, "cannot start libopendkim", false};
  // Mail files often have bare LF line ends; the library then reads them as CRLF.
  unsigned int flags = DKIM_LIBFLAGS_FIXCRLF | DKIM_LIBFLAGS_BADSIGHANDLES;
  dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags);
  dkim_set_key_lookup(lib.get(), key_lookup_callback);

  DKIM_STAT status = DKIM_STAT_OK;
  const unsigned char id[] = "report";
  std::unique_ptr<DKIM, HandleFree> dkim(dkim_verify(lib.get(), id, nullptr, &status));
  if (!dkim) return {"temperror", std::nullopt, "cannot start a DKIM verification", false};
  LookupContext ctx{&lookup, {}};
  dkim_set_user_context(dkim.get(), &ctx);

  // The library takes non-const bytes but does not change them; feed a copy all the same.
  std::string copy(raw_message);
  status = dkim_chunk(dkim.get(), reinterpret_cast<u_char*>(copy.data()), copy.size());
  if (status == DKIM_STAT_OK) status = dkim_chunk(dkim.get(), nullptr, 0);
  if (status == DKIM_STAT_OK) status = dkim_eom(dkim.get(), nullptr);

  DKIM_SIGINFO** sigs = nullptr;
  int nsigs = 0;
  if (dkim_getsiglist(dkim.get(), &sigs, &nsigs) != DKIM_STAT_OK || nsigs <= 0) {
    // Should the library stop before judging any signature, a failed lookup still says why.
    if (!ctx.failed.empty()) {
      const FailedLookup& f = ctx.failed.begin()->second;
      return {"temperror", f.domain.empty() ? std::nullopt : std::optional(f.domain),
              fmt::format("key lookup failed (d={}): {}", ascii::printable(f.domain), f.reason),
              false};
    }
    if (status == DKIM_STAT_NOSIG) {
      return {"none", std::nullopt, "no DKIM signature the library could read", false};
    }
    const char* err = dkim_geterror(dkim.get());
    return {"permerror", std::nullopt,
            fmt::format("DKIM-Signature not readable: {}",
                        err != nullptr ? ascii::printable(err) : "unknown error"),
            false};
  }
  std::optional<DkimResult> best;
  for (int i = 0; i < nsigs; ++i) {
    DkimResult r = judge(sigs[i], ctx, align_with);
    if (!best || rank(r) > rank(*best)) best = std::move(r);
  }
  return *best;
}

}  // namespace webshield::mail
