#include "unit/store/store_test_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "ingest/intake.hpp"
#include "store/connection.hpp"
#include "unit/test_support.hpp"

namespace webshield::test {
namespace {

std::atomic<int> counter{0};

std::string corpus_dir() {
  return std::string(WEBSHIELD_SOURCE_DIR) + "/tests/fixtures/reports/";
}

}  // namespace

std::string to_string(Backend backend) {
  return backend == Backend::sqlite ? "sqlite" : "postgresql";
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  const std::string unique = std::to_string(getpid()) + "_" + std::to_string(++counter);
  if (backend == Backend::sqlite) {
    path_ = ::testing::TempDir() + "webshield_store_" + unique + ".db";
    for (const char* suffix : {"", "-wal", "-shm"})
      std::remove((path_ + suffix).c_str());
    url_ = "sqlite:" + path_;
    return;
  }
  const char* server = std::getenv(kPostgresVariable);
  if (server == nullptr || *server == '\0') {
    ADD_FAILURE() << kPostgresVariable
                  << " is not set, so there is no PostgreSQL to test against. ctest starts one "
                     "(fixture 'postgres', tests/world/postgres.sh) and sets it; by hand: "
                     "tests/world/postgres.sh start DIR, then "
                  << kPostgresVariable << "=$(cat DIR/postgres.url)";
    return;
  }
  admin_url_ = server;
  schema_ = "webshield_test_" + unique;
  auto admin = store::detail::connect(admin_url_);
  if (!admin) {
    ADD_FAILURE() << "cannot connect to " << admin_url_ << ": " << admin.error().describe();
    return;
  }
  // The name is made here from a PID and a counter: no outside data in this SQL.
  auto made =
      (*admin)->execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
  if (!made) {
    ADD_FAILURE() << "cannot create schema " << schema_ << ": " << made.error().describe();
    return;
  }
  // libpq URI: options=-csearch_path=<schema>, '=' percent-encoded.
  url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&")
         + "options=-csearch_path%3D" + schema_;
}

TestDatabase::~TestDatabase() {
  if (backend_ == Backend::sqlite) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::remove((path_ + suffix).c_str());
  } else if (!schema_.empty()) {
    if (auto admin = store::detail::connect(admin_url_))
      (void)(*admin)->execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
}

void TestDatabase::execute(const std::string& sql) const {
  auto conn = store::detail::connect(url_);
  ASSERT_TRUE(conn) << conn.error().describe();
  auto done = (*conn)->execute(sql);
  ASSERT_TRUE(done) << done.error().describe();
}

std::unique_ptr<store::Store> open_or_fail(const std::string& url) {
  auto opened = store::open(url);
  if (!opened) {
    ADD_FAILURE() << "cannot open " << url << ": " << opened.error().describe();
    return nullptr;
  }
  return std::move(*opened);
}

store::NewReport corpus_report(const std::string& relative_path) {
  const Limits limits;
  store::NewReport out;
  out.raw = read_file(corpus_dir() + relative_path);
  out.origin = "corpus:" + relative_path;
  out.received_at = 1'790'000'000;
  // The intake step of `report parse` and `ingest`, without DKIM.
  ingest::Intake intake(limits, {.verify_dkim = false}, nullptr);
  auto parsed = intake.read(out.raw, ingest::Kind::sniff);
  EXPECT_TRUE(parsed) << relative_path << ": " << (parsed ? "" : parsed.error().reason);
  if (!parsed) return out;
  out.report = std::move(parsed->report);
  out.source = std::move(parsed->source);
  if (out.source.transport == "file") {
    out.source.name = std::filesystem::path(relative_path).filename().string();
  }
  return out;
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus_dir())) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".json" || ext == ".eml"))
      out.push_back(std::filesystem::relative(e.path(), corpus_dir()).string());
  }
  std::ranges::sort(out);
  return out;
}

}  // namespace webshield::test
