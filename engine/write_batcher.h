// Group commit: the writes of many runs (their creation, their appends) in
// one transaction.
//
// A run appends to its journal before each effect, and waits for the
// append to be durable; a start waits for its run to be created. With a
// store where each commit costs a write to disk (SQLite), one commit per
// write makes the commits the bottleneck. WriteBatcher gathers the writes
// requested while the executor is busy and makes them with one
// JournalStore::WriteBatch once it has run what was ready: each run still
// waits for its own write to be durable, and many runs share the commit.
#ifndef BSSFLOW_ENGINE_WRITE_BATCHER_H_
#define BSSFLOW_ENGINE_WRITE_BATCHER_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

#include "base/status.h"
#include "engine/store.h"

namespace bssflow::engine {

/// Lives on one executor, which must not run handlers concurrently (the
/// Runner's); Append and Create must be called and awaited on it. What they
/// are given is read, not kept: it must live until they complete (await
/// them at once).
class WriteBatcher {
 public:
  WriteBatcher(JournalStore& store, boost::asio::any_io_executor executor)
      : store_(store), executor_(std::move(executor)) {}
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  /// Appends as JournalStore::Append does, in the next batch; completes
  /// when the batch is written (or failed).
  boost::asio::awaitable<Status> Append(const AppendRequest& request);
  /// Creates a run as JournalStore::CreateRun does, in the next batch.
  boost::asio::awaitable<Result<CreatedRun>> Create(const NewRun& run);

  /// Batches written so far, and the writes they carried.
  int64_t batches() const { return batches_; }
  int64_t writes() const { return writes_; }

 private:
  struct Waiter {
    BatchedWrite write;
    boost::asio::steady_timer* wake;
    BatchedOutcome outcome;
    bool done = false;
  };

  /// Queues `write` for the next batch and waits until it is made.
  boost::asio::awaitable<BatchedOutcome> Write(BatchedWrite write);
  /// Makes every waiting write in one batch and wakes their runs.
  void Flush();

  JournalStore& store_;
  boost::asio::any_io_executor executor_;
  std::vector<Waiter*> waiting_;
  bool flush_posted_ = false;
  int64_t batches_ = 0;
  int64_t writes_ = 0;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_WRITE_BATCHER_H_
