// Result<T>: a value or an Error, for every operation on untrusted input. Pure.
#pragma once

#include <expected>
#include <string>

namespace webshield {

// What went wrong and where (byte offset, line, field); both are for people.
struct Error {
  std::string message;
  std::string where;

  std::string describe() const { return where.empty() ? message : where + ": " + message; }
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, std::string where = {}) {
  return std::unexpected<Error>(Error{std::move(message), std::move(where)});
}

}  // namespace webshield
