// Store threads: readers for the API, and the group-committing writer.
#include "server/store_threads.hpp"

#include <chrono>

#include "server/resume.hpp"

namespace webshield::server {

using Clock = std::chrono::steady_clock;

StoreReaders::StoreReaders(std::string url, std::size_t threads, Metrics& metrics)
    : url_(std::move(url)), metrics_(metrics) {
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { work(); });
}

StoreReaders::~StoreReaders() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_)
    t.join();
}

void StoreReaders::post(Task task) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void StoreReaders::work() {
  // Each thread keeps its own connection, opened when first needed and again after a failure.
  std::unique_ptr<store::Store> store;
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    Error error;
    if (!store) {
      auto opened = store::open(url_);
      if (opened) {
        store = std::move(*opened);
      } else {
        error = opened.error();
      }
    }
    const auto started = Clock::now();
    task(store.get(), store ? nullptr : &error);
    metrics_.db_query(Clock::now() - started);
  }
}

asio::awaitable<Result<void>> StoreReaders::run(StoreJob job) {
  Starter<Result<void>> start = [this, &job](Done<Result<void>> done) {
    post([&job, done = std::move(done)](store::Store* store, const Error* error) mutable {
      done(store != nullptr ? job(*store) : std::unexpected(*error));
    });
  };
  co_return co_await resume_after(&start);
}

Committer::Committer(std::string url, Metrics& metrics, std::size_t max_batch)
    : url_(std::move(url)), metrics_(metrics), max_batch_(max_batch), thread_([this] { work(); }) {}

Committer::~Committer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Committer::enqueue(store::NewReport report, AddDone done) {
  {
    const std::lock_guard lock(mutex_);
    reports_.push_back({std::move(report), std::move(done)});
  }
  wake_.notify_one();
}

void Committer::enqueue(store::NewQuarantined item, QuarantineDone done) {
  {
    const std::lock_guard lock(mutex_);
    quarantine_.push_back({std::move(item), std::move(done)});
  }
  wake_.notify_one();
}

asio::awaitable<Result<store::Added>> Committer::add(store::NewReport report) {
  Starter<Result<store::Added>> start = [this, &report](Done<Result<store::Added>> done) {
    enqueue(std::move(report), std::move(done));
  };
  co_return co_await resume_after(&start);
}

asio::awaitable<Result<store::Id>> Committer::quarantine(store::NewQuarantined item) {
  Starter<Result<store::Id>> start = [this, &item](Done<Result<store::Id>> done) {
    enqueue(std::move(item), std::move(done));
  };
  co_return co_await resume_after(&start);
}

store::Store* Committer::connect(Error& error) {
  if (store_) return store_.get();
  auto opened = store::open(url_);
  if (!opened) {
    error = opened.error();
    return nullptr;
  }
  store_ = std::move(*opened);
  return store_.get();
}

void Committer::commit(std::vector<PendingReport>& batch) {
  Error error;
  auto fail_all = [&] {
    for (PendingReport& p : batch)
      p.done(std::unexpected(error));
  };
  store::Store* store = connect(error);
  if (store == nullptr) return fail_all();
  std::vector<store::NewReport> reports;
  reports.reserve(batch.size());
  for (PendingReport& p : batch)
    reports.push_back(std::move(p.report));
  const auto started = Clock::now();
  auto added = store->add(reports);
  metrics_.commit(reports.size(), Clock::now() - started);
  if (added) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].done((*added)[i]);
    return;
  }
  store_.reset();  // the connection may be broken: open it again for the next batch
  if (batch.size() == 1) {
    batch.front().done(std::unexpected(added.error()));
    return;
  }
  store = connect(error);
  if (store == nullptr) return fail_all();
  // One report may have failed the whole batch (store.hpp: a NUL in its strings): store them
  // one by one, so that only that one is refused.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto one = store->add(std::span(&reports[i], 1));
    if (one) {
      batch[i].done(one->front());
    } else {
      batch[i].done(std::unexpected(one.error()));
    }
  }
}

void Committer::work() {
  for (;;) {
    std::vector<PendingReport> batch;
    std::vector<PendingQuarantine> held;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !reports_.empty() || !quarantine_.empty(); });
      if (reports_.empty() && quarantine_.empty()) return;  // stopping, and nothing is left
      while (!reports_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(reports_.front()));
        reports_.pop_front();
      }
      while (!quarantine_.empty()) {
        held.push_back(std::move(quarantine_.front()));
        quarantine_.pop_front();
      }
    }
    if (!batch.empty()) commit(batch);
    for (PendingQuarantine& q : held) {
      Error error;
      store::Store* store = connect(error);
      auto id =
          store == nullptr ? Result<store::Id>(std::unexpected(error)) : store->quarantine(q.item);
      if (!id) store_.reset();
      q.done(std::move(id));
    }
  }
}

}  // namespace webshield::server
