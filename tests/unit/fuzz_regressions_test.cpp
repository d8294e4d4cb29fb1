// Replays every file under tests/fuzz/regressions/<target>/ and every case-table text through
// the fuzz targets, so a crash found once by fuzzing stays fixed under the unit tests too.
#include <gtest/gtest.h>

#include <filesystem>

#include "cases/record_cases.hpp"
#include "fuzz/targets.hpp"
#include "unit/test_support.hpp"

namespace webshield::fuzz {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, ReplayEverySavedInput) {
  std::size_t replayed = 0;
  for (const Target& target : targets()) {
    const fs::path dir = fs::path(WEBSHIELD_FUZZ_DIR) / "regressions" / std::string(target.name);
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      SCOPED_TRACE(entry.path().string());
      EXPECT_EQ(target.run(test::read_file(entry.path().string())), "");
      ++replayed;
    }
  }
  RecordProperty("replayed", static_cast<int>(replayed));
}

TEST(FuzzRegressions, CaseTablesKeepTheFuzzProperties) {
  const std::vector<std::string_view> texts = cases::all_texts();
  for (const Target& target : targets()) {
    for (std::string_view text : texts) {
      EXPECT_EQ(target.run(text), "") << target.name << ": " << text;
    }
  }
}

}  // namespace
}  // namespace webshield::fuzz
