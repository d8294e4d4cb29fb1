// The three answers of every record parser: the bytes are not this kind of record, are this
// kind but malformed (senders ignore them), or are a valid record. Pure.
#pragma once

#include <string_view>

namespace webshield::records {

enum class Recognized { no, malformed, yes };

constexpr std::string_view to_string(Recognized r) {
  switch (r) {
    case Recognized::no:
      return "no";
    case Recognized::malformed:
      return "malformed";
    case Recognized::yes:
      return "yes";
  }
  return "no";
}

}  // namespace webshield::records
