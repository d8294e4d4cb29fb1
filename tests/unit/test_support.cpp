#include "unit/test_support.hpp"

#include <fstream>
#include <sstream>

namespace webshield::test {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::map<std::string, DocumentedCode>& documented_codes() {
  static const std::map<std::string, DocumentedCode> codes = [] {
    std::map<std::string, DocumentedCode> out;
    std::istringstream doc(read_file(WEBSHIELD_SOURCE_DIR "/docs/findings.md"));
    std::string line;
    // Rows look like: | `tlsrpt.missing` | error | text | when |
    while (std::getline(doc, line)) {
      if (!line.starts_with("| `")) continue;
      std::vector<std::string> cells;
      std::istringstream row(line.substr(1));
      std::string cell;
      while (std::getline(row, cell, '|')) {
        const auto b = cell.find_first_not_of(' ');
        const auto e = cell.find_last_not_of(' ');
        cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
      }
      if (cells.size() < 3) continue;
      out[cells[0].substr(1, cells[0].size() - 2)] = {cells[1], cells[2]};
    }
    return out;
  }();
  return codes;
}

void expect_documented(const Findings& findings) {
  for (const Finding& f : findings) {
    SCOPED_TRACE(f.code + ": " + f.message);
    const auto it = documented_codes().find(f.code);
    ASSERT_NE(it, documented_codes().end()) << "undocumented code";
    if (it->second.severity != "E/W") {
      EXPECT_EQ(to_string(f.severity), it->second.severity);
    }
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.ref.empty());
  }
}

}  // namespace webshield::test
