#include "engine/sqlite_checkpointer.h"

#include <utility>

namespace bssflow::engine {

bool CheckpointDue(int64_t wal_pages, int64_t checkpointed, int threshold) {
  if (wal_pages < checkpointed) checkpointed = 0;
  return wal_pages - checkpointed >= threshold;
}

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(
    sqlite3* writer, const std::string& path, const CheckpointPolicy& policy,
    int busy_timeout_ms) {
  sqlite3* own = nullptr;
  if (policy.background) {
    int rc = sqlite3_open_v2(path.c_str(), &own,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string message =
          own != nullptr ? sqlite3_errmsg(own) : "out of memory";
      sqlite3_close(own);
      return Status::Error("cannot open the SQLite store " + path +
                           " for checkpoints: " + message);
    }
    sqlite3_busy_timeout(own, busy_timeout_ms);
    // A connection learns that the database is in WAL mode when it first
    // reads it; until then a checkpoint does nothing (and says -1 pages).
    char* error = nullptr;
    if (sqlite3_exec(own, "PRAGMA journal_mode", nullptr, nullptr, &error) !=
        SQLITE_OK) {
      std::string message = error != nullptr ? error : "unknown error";
      sqlite3_free(error);
      sqlite3_close(own);
      return Status::Error("cannot open the SQLite store " + path +
                           " for checkpoints: " + message);
    }
  }
  std::unique_ptr<Checkpointer> checkpointer(
      new Checkpointer(writer, own, policy));
  if (policy.background) {
    checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Run(); });
  }
  // Replaces SQLite's automatic checkpoint, which is a WAL hook too.
  sqlite3_wal_hook(writer, &Checkpointer::OnCommit, checkpointer.get());
  return checkpointer;
}

Checkpointer::Checkpointer(sqlite3* writer, sqlite3* own,
                           const CheckpointPolicy& policy)
    : writer_(writer), own_(own), policy_(policy) {}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wanted_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close(own_);
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char*, int pages) {
  static_cast<Checkpointer*>(self)->Committed(db, pages);
  return SQLITE_OK;
}

void Checkpointer::Committed(sqlite3* db, int pages) {
  int64_t done = checkpointed_.load();
  // A WAL shorter than what was copied back was restarted by this commit:
  // what the last checkpoint did no longer counts.
  if (pages < done && checkpointed_.compare_exchange_strong(done, 0)) done = 0;
  if (CheckpointDue(pages, done, policy_.writer_pages)) {
    int log = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &copied) == SQLITE_OK &&
        copied >= 0) {
      checkpointed_ = copied;
      ++writer_runs_;
    }
    return;
  }
  if (!policy_.background ||
      !CheckpointDue(pages, done, policy_.background_pages)) {
    return;
  }
  {
    std::lock_guard lock(mutex_);
    wanted_ = true;
  }
  wanted_cv_.notify_one();
}

void Checkpointer::WaitUntilCaughtUp() {
  std::unique_lock lock(mutex_);
  made_cv_.wait(lock,
                [&] { return (!wanted_ && !running_) || !thread_.joinable(); });
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_cv_.wait(lock, [this] { return wanted_ || stop_; });
    if (stop_) return;
    running_ = true;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, without waiting for the
    // writer or for readers. A failure leaves the pages in the WAL for the
    // next checkpoint (or the writer's, past writer_pages): nothing is lost.
    int log = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                  &log, &copied) == SQLITE_OK &&
        copied >= 0) {
      checkpointed_ = copied;
      ++background_runs_;
    }
    lock.lock();
    running_ = false;
    // The commits made while it ran asked against the previous checkpoint:
    // the next one is due when the WAL has grown enough past this one.
    wanted_ = false;
    made_cv_.notify_all();
  }
}

}  // namespace bssflow::engine
