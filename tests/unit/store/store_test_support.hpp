// A fresh, real database for each store test: a SQLite file in the test's temporary
// directory, or a schema of its own in the PostgreSQL that ctest starts (fixture `postgres`,
// tests/world/postgres.sh) and names in WEBSHIELD_TEST_POSTGRES. Never a mock. Also the
// corpus of real reports (tests/fixtures/reports/) read as the intake reads it.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace webshield::test {

enum class Backend { sqlite, postgresql };

std::string to_string(Backend backend);
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << to_string(backend);
}

// The environment variable that holds the PostgreSQL server's URL.
inline constexpr const char* kPostgresVariable = "WEBSHIELD_TEST_POSTGRES";

// An empty database, dropped again (file deleted, schema dropped) at destruction.
class TestDatabase {
 public:
  // Fails the test (ADD_FAILURE) and leaves url() empty when PostgreSQL is not available.
  explicit TestDatabase(Backend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  bool ok() const { return !url_.empty(); }

  // Runs SQL of the test's own (a trigger, a fake newer schema version) on this database.
  void execute(const std::string& sql) const;

 private:
  Backend backend_;
  std::string url_;
  std::string path_;    // sqlite
  std::string schema_;  // postgresql
  std::string admin_url_;
};

// Opens the store or fails the test.
std::unique_ptr<store::Store> open_or_fail(const std::string& url);

// One file of tests/fixtures/reports/ read as `webshield report parse --no-dkim` reads it (the
// intake step of src/ingest).
store::NewReport corpus_report(const std::string& relative_path);

// Every report file of the corpus (the .json and .eml files), sorted.
std::vector<std::string> corpus_files();

}  // namespace webshield::test
