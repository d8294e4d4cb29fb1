// Helpers shared by the unit tests: the documented default severity of every finding code
// (docs/findings.md) and a check that findings carry it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/finding.hpp"

namespace webshield::test {

struct DocumentedCode {
  std::string severity;  // error, warning, info, unknown or E/W
  std::string from;      // text or live
};

// Parsed once from the tables of docs/findings.md.
const std::map<std::string, DocumentedCode>& documented_codes();

// Every finding's code is documented, with the severity the documentation gives.
void expect_documented(const Findings& findings);

std::string read_file(const std::string& path);

}  // namespace webshield::test
