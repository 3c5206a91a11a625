// Checkpoints of a SQLite WAL on a thread of their own (used by the SQLite
// store, sqlite_store.cc).
//
// In WAL mode a commit appends pages to the -wal file; a checkpoint copies
// them back into the database file and syncs it. SQLite's automatic
// checkpoint runs inside the commit that takes the WAL past 1,000 pages, so
// every thousandth page or so one commit also pays for the copy and the
// fsync: with group commit, that is a whole batch of runs (and of HTTP
// answers) held up at once, the tail of the latency. The Checkpointer takes
// that work off the writer: the writer's commits only tell it how long the
// WAL is, and a connection of its own runs PASSIVE checkpoints, which
// neither wait for the writer nor make it wait.
//
// If the background checkpoints fall behind (a reader holding an old
// snapshot, a slow disk), the writer checkpoints itself once the WAL passes
// a larger bound, as SQLite would have: the WAL stays bounded either way.
#ifndef BSSFLOW_ENGINE_SQLITE_CHECKPOINTER_H_
#define BSSFLOW_ENGINE_SQLITE_CHECKPOINTER_H_

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"

namespace bssflow::engine {

struct CheckpointPolicy {
  /// WAL pages written since the last checkpoint that make the background
  /// thread checkpoint (SQLite's own default threshold).
  int background_pages = 1000;
  /// WAL pages past which the writer checkpoints itself, in its commit.
  int writer_pages = 20000;
  /// False: no thread; the writer checkpoints at writer_pages only (tests).
  bool background = true;
};

/// Whether a WAL of `wal_pages` pages, of which `checkpointed` were copied
/// back by the last checkpoint, has grown enough for the next one. A WAL
/// shorter than `checkpointed` was restarted: it counts from zero.
bool CheckpointDue(int64_t wal_pages, int64_t checkpointed, int threshold);

class Checkpointer {
 public:
  /// Opens a connection of its own to `path` (a database in WAL mode) and,
  /// unless policy.background is false, starts the thread; then installs
  /// itself as the WAL hook of `writer`, the connection that commits. The
  /// Checkpointer must be destroyed before `writer` is closed.
  static Result<std::unique_ptr<Checkpointer>> Start(
      sqlite3* writer, const std::string& path, const CheckpointPolicy& policy,
      int busy_timeout_ms);

  /// Stops the thread (a checkpoint it is running completes first), and
  /// removes the hook.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  /// Blocks until the thread is idle, with no checkpoint asked for (tests;
  /// returns at once without the thread).
  void WaitUntilCaughtUp();

  /// Checkpoints made so far by the thread, and by the writer.
  int64_t background_checkpoints() const { return background_runs_; }
  int64_t writer_checkpoints() const { return writer_runs_; }
  /// WAL pages the last checkpoint had copied back (0 after a restart).
  int64_t checkpointed_pages() const { return checkpointed_; }

 private:
  Checkpointer(sqlite3* writer, sqlite3* own, const CheckpointPolicy& policy);
  /// The WAL hook: called by SQLite on the writer's thread after each
  /// commit, with the WAL's length in pages.
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Committed(sqlite3* db, int pages);
  void Run();

  sqlite3* writer_;
  sqlite3* own_;  // used by the thread only
  const CheckpointPolicy policy_;
  /// Pages of the WAL copied back by the last checkpoint (either thread's).
  std::atomic<int64_t> checkpointed_{0};
  std::atomic<int64_t> background_runs_{0};
  std::atomic<int64_t> writer_runs_{0};
  std::mutex mutex_;
  std::condition_variable wanted_cv_;
  std::condition_variable made_cv_;
  // Under mutex_: a checkpoint is asked for; one is being made.
  bool wanted_ = false;
  bool running_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_SQLITE_CHECKPOINTER_H_
