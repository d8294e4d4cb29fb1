// Bounded decoding of a report as it arrives: gzip (RFC 1952, every member) or zip (the first
// .json member), told apart by magic bytes, never by a declared type or file name. Output is
// capped at Limits::report_json_bytes while decoding, so a gzip bomb is refused with memory
// bounded by the cap, never expanded. Untrusted input; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::codec {

enum class Encoding { plain, gzip, zip };

std::string_view to_string(Encoding encoding);

// By the first bytes: 1f 8b is gzip, "PK\3\4" is zip, anything else is taken as plain text.
Encoding sniff(std::string_view bytes);

struct Decoded {
  Encoding encoding = Encoding::plain;
  std::string bytes;                       // the report JSON (not yet parsed)
  std::optional<std::string> member_name;  // the zip member read
  std::vector<std::string> warnings;       // e.g. bytes after the last gzip member
};

// Refuses input over report_compressed_bytes and output over report_json_bytes.
Result<Decoded> decode_report(std::string_view bytes, const Limits& limits = {});

// Whether decode_report refused the input for its size (compressed or decompressed) rather
// than for its content.
bool over_limit(const Error& error);

// The pieces, with an explicit output cap.
Result<std::string> gunzip(std::string_view bytes, std::size_t max_out,
                           std::vector<std::string>* warnings = nullptr);
Result<std::string> unzip_json(std::string_view bytes, std::size_t max_out, std::size_t max_members,
                               std::string* member_name = nullptr);

}  // namespace webshield::codec
