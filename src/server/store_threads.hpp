// The store from the event loop: store calls block (SQLite's fsync, PostgreSQL's round trips),
// so they run on threads of their own, each with its own connection, and the coroutine that
// asked resumes on its executor with the result.
// - StoreReaders: a few threads for the API's reads.
// - Committer: one writer thread with group commit: reports POSTed while a commit runs wait
//   for the next one and are stored together in one transaction; each request is answered
//   only after its report is durable (RFC 8460 §5.4, DESIGN.md). With SQLite the disk is a
//   second stage: the writer commits without waiting for it and goes on with the next batch,
//   while a syncing thread makes everything committed so far durable (one fdatasync for all
//   of it) and then answers those requests.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/asio.hpp"
#include "server/metrics.hpp"
#include "store/store.hpp"

namespace webshield::server {

// Work with a store on a reader thread; it returns the error of a failed store call.
using StoreJob = std::move_only_function<Result<void>(store::Store& store)>;

class StoreReaders {
 public:
  StoreReaders(std::string url, std::size_t threads, Metrics& metrics);
  ~StoreReaders();
  StoreReaders(const StoreReaders&) = delete;
  StoreReaders& operator=(const StoreReaders&) = delete;

  // Runs `job` with the thread's own connection (opened when first needed and again after a
  // failure) and resumes on the caller's executor: the job's result, or why the database
  // cannot be opened.
  asio::awaitable<Result<void>> run(StoreJob job);

 private:
  void work();

  std::string url_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  using Task = std::move_only_function<void(store::Store* store, const Error* error)>;
  void post(Task task);

  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class Committer {
 public:
  // At most `max_batch` reports in one transaction.
  Committer(std::string url, Metrics& metrics, std::size_t max_batch = 512);
  ~Committer();  // commits what is queued, then stops
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Stored (or found to be a duplicate) and committed; an error leaves nothing stored.
  asio::awaitable<Result<store::Added>> add(store::NewReport report);
  asio::awaitable<Result<store::Id>> quarantine(store::NewQuarantined item);

  using AddDone = std::move_only_function<void(Result<store::Added>)>;
  using QuarantineDone = std::move_only_function<void(Result<store::Id>)>;
  void enqueue(store::NewReport report, AddDone done);
  void enqueue(store::NewQuarantined item, QuarantineDone done);

 private:
  struct PendingReport {
    store::NewReport report;
    AddDone done;
  };
  struct PendingQuarantine {
    store::NewQuarantined item;
    QuarantineDone done;
  };

  // Gives a committed request its answer: nullptr once its transaction is durable, or why it
  // may not be.
  using Answer = std::move_only_function<void(const Error* failed)>;
  struct Committed {
    std::shared_ptr<store::CommitSync> sync;
    std::vector<Answer> answers;
  };

  void work();
  void sync_work();
  void commit(std::vector<PendingReport>& batch);
  void quarantine_one(PendingQuarantine& held);
  void answer_when_durable(std::vector<Answer> answers);
  store::Store* connect(Error& error);
  void disconnect();

  std::string url_;
  Metrics& metrics_;
  std::size_t max_batch_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<store::CommitSync> sync_;  // of store_; nullptr when its commits are durable
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingReport> reports_;
  std::deque<PendingQuarantine> quarantine_;
  bool stopping_ = false;
  std::mutex sync_mutex_;
  std::condition_variable sync_wake_;
  std::deque<Committed> committed_;
  bool sync_failed_ = false;  // the writer opens its connection again
  bool sync_stopping_ = false;
  std::thread thread_;
  std::thread sync_thread_;
};

}  // namespace webshield::server
