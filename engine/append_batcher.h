// Group commit: the appends of many runs written in one transaction.
//
// A run appends to its journal before each effect, and waits for the
// append to be durable. With a store where each commit costs a write to
// disk (SQLite), one commit per append makes the commits the bottleneck.
// AppendBatcher gathers the appends requested while the executor is busy
// and writes them with one JournalStore::AppendBatch once it has run what
// was ready: each run still waits for its own events to be durable, and
// many runs share the commit.
#ifndef BSSFLOW_ENGINE_APPEND_BATCHER_H_
#define BSSFLOW_ENGINE_APPEND_BATCHER_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

#include "base/status.h"
#include "engine/store.h"

namespace bssflow::engine {

/// Lives on one executor, which must not run handlers concurrently (the
/// Runner's); Append must be called and awaited on it.
class AppendBatcher {
 public:
  AppendBatcher(JournalStore& store, boost::asio::any_io_executor executor)
      : store_(store), executor_(std::move(executor)) {}
  AppendBatcher(const AppendBatcher&) = delete;
  AppendBatcher& operator=(const AppendBatcher&) = delete;

  /// Appends as JournalStore::Append does, in the next batch; completes
  /// when the batch is written (or failed). `request` is read, not kept:
  /// it must live until the append completes (await it at once).
  boost::asio::awaitable<Status> Append(const AppendRequest& request);

  /// Batches written so far, and the appends they carried.
  int64_t batches() const { return batches_; }
  int64_t appends() const { return appends_; }

 private:
  struct Waiter {
    const AppendRequest* request;
    boost::asio::steady_timer* wake;
    Status status;
    bool done = false;
  };

  /// Writes every waiting append in one batch and wakes their runs.
  void Flush();

  JournalStore& store_;
  boost::asio::any_io_executor executor_;
  std::vector<Waiter*> waiting_;
  bool flush_posted_ = false;
  int64_t batches_ = 0;
  int64_t appends_ = 0;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_APPEND_BATCHER_H_
