#include "records/txt_select.hpp"

#include "records/txt_fields.hpp"

namespace webshield::records {

std::string join_character_strings(std::span<const std::string> strings) {
  std::string out;
  for (const std::string& s : strings)
    out += s;  // RFC 8460 §3: no separator
  return out;
}

std::vector<std::size_t> candidates(std::span<const std::string> records, std::string_view tag) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (begins_with_version(records[i], tag)) out.push_back(i);
  }
  return out;
}

}  // namespace webshield::records
