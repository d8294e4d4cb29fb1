// Store threads: readers for the API, and the group-committing writer.
#include "server/store_threads.hpp"

#include <chrono>
#include <map>
#include <utility>

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
    : url_(std::move(url)),
      metrics_(metrics),
      max_batch_(max_batch),
      thread_([this] { work(); }),
      sync_thread_([this] { sync_work(); }) {}

Committer::~Committer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();  // everything queued is committed
  {
    const std::lock_guard lock(sync_mutex_);
    sync_stopping_ = true;
  }
  sync_wake_.notify_all();
  sync_thread_.join();  // and answered
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
  {
    const std::lock_guard lock(sync_mutex_);
    if (std::exchange(sync_failed_, false)) disconnect();
  }
  if (store_) return store_.get();
  auto opened = store::open(url_);
  if (!opened) {
    error = opened.error();
    return nullptr;
  }
  auto sync = (*opened)->defer_sync();
  if (!sync) {
    error = sync.error();
    return nullptr;
  }
  store_ = std::move(*opened);
  sync_ = std::move(*sync);
  return store_.get();
}

// The connection may be broken: the next batch opens it again.
void Committer::disconnect() {
  store_.reset();
  sync_.reset();  // the syncing thread keeps it for what it still has to sync
}

void Committer::answer_when_durable(std::vector<Answer> answers) {
  if (answers.empty()) return;
  if (!sync_) {
    for (Answer& a : answers)
      a(nullptr);
    return;
  }
  {
    const std::lock_guard lock(sync_mutex_);
    committed_.push_back({sync_, std::move(answers)});
  }
  sync_wake_.notify_one();
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
  auto answer = [](PendingReport& p, store::Added added) -> Answer {
    return [done = std::move(p.done), added](const Error* failed) mutable {
      if (failed != nullptr) return done(std::unexpected(*failed));
      done(added);
    };
  };
  const auto started = Clock::now();
  auto added = store->add(reports);
  metrics_.commit(reports.size(), Clock::now() - started);
  std::vector<Answer> answers;
  if (added) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      answers.push_back(answer(batch[i], (*added)[i]));
    return answer_when_durable(std::move(answers));
  }
  disconnect();
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
      answers.push_back(answer(batch[i], one->front()));
    } else {
      batch[i].done(std::unexpected(one.error()));
    }
  }
  answer_when_durable(std::move(answers));
}

void Committer::quarantine_one(PendingQuarantine& held) {
  Error error;
  store::Store* store = connect(error);
  if (store == nullptr) return held.done(std::unexpected(error));
  auto id = store->quarantine(held.item);
  if (!id) {
    disconnect();
    return held.done(std::move(id));
  }
  std::vector<Answer> answers;
  answers.push_back([done = std::move(held.done), id = *id](const Error* failed) mutable {
    if (failed != nullptr) return done(std::unexpected(*failed));
    done(id);
  });
  answer_when_durable(std::move(answers));
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
    for (PendingQuarantine& q : held)
      quarantine_one(q);
  }
}

void Committer::sync_work() {
  for (;;) {
    std::deque<Committed> committed;
    {
      std::unique_lock lock(sync_mutex_);
      sync_wake_.wait(lock, [&] { return sync_stopping_ || !committed_.empty(); });
      if (committed_.empty()) return;  // stopping, and everything is answered
      committed.swap(committed_);
    }
    // One sync for all that is committed so far (another one only after a reconnect).
    std::map<store::CommitSync*, Result<void>> synced;
    for (Committed& c : committed) {
      auto [it, first] = synced.try_emplace(c.sync.get());
      if (first) {
        const auto started = Clock::now();
        it->second = c.sync->sync();
        metrics_.sync(Clock::now() - started);
        if (!it->second) {
          const std::lock_guard lock(sync_mutex_);
          sync_failed_ = true;
        }
      }
      const Error* failed = it->second ? nullptr : &it->second.error();
      for (Answer& a : c.answers)
        a(failed);
    }
  }
}

}  // namespace webshield::server
