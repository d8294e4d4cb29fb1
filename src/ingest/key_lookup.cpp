#include "ingest/key_lookup.hpp"

#include <fmt/format.h>

#include "dns/rdata.hpp"
#include "records/txt_select.hpp"

namespace webshield::ingest {

Result<std::string> ResolverKeyLookup::key_record(std::string_view selector,
                                                  std::string_view domain) const {
  const std::string name = fmt::format("{}._domainkey.{}", selector, domain);
  dns::Answer answer;
  resolver_.resolve(name, dns::kTxt, [&answer](dns::Answer a) { answer = std::move(a); });
  io_.restart();
  io_.run();
  if (answer.failed()) {
    return fail(fmt::format("{}: {}", dns::to_string(answer.status), answer.why), name);
  }
  for (const std::string& rdata : answer.rdata) {
    if (auto strings = dns::decode_txt(rdata)) return records::join_character_strings(*strings);
  }
  return std::string();  // no key record: the verifier says permerror
}

}  // namespace webshield::ingest
