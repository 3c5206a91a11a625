#include "engine/write_batcher.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace bssflow::engine {

boost::asio::awaitable<Status> WriteBatcher::Append(
    const AppendRequest& request) {
  BatchedOutcome outcome = co_await Write(BatchedWrite{nullptr, &request});
  co_return std::move(outcome.status);
}

boost::asio::awaitable<Result<CreatedRun>> WriteBatcher::Create(
    const NewRun& run) {
  BatchedOutcome outcome = co_await Write(BatchedWrite{&run, nullptr});
  if (!outcome.status.ok()) co_return std::move(outcome.status);
  co_return std::move(outcome.created);
}

boost::asio::awaitable<BatchedOutcome> WriteBatcher::Write(
    BatchedWrite write) {
  boost::asio::steady_timer wake(executor_,
                                 std::chrono::steady_clock::time_point::max());
  Waiter waiter{write, &wake, {}};
  waiting_.push_back(&waiter);
  // A frame destroyed while it waits (its executor destroyed) must not be
  // left in the batch for a later Flush.
  struct Forget {
    std::vector<Waiter*>& waiting;
    Waiter* waiter;
    ~Forget() {
      if (waiter->done) return;
      std::erase(waiting, waiter);
    }
  } forget{waiting_, &waiter};
  // Posted, so that the batch is written after everything ready to run on
  // the executor has run, and has had the chance to write too.
  if (!flush_posted_) {
    flush_posted_ = true;
    boost::asio::post(executor_, [this] { Flush(); });
  }
  boost::system::error_code woken;
  while (!waiter.done) {
    co_await wake.async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, woken));
  }
  co_return std::move(waiter.outcome);
}

void WriteBatcher::Flush() {
  flush_posted_ = false;
  std::vector<Waiter*> batch;
  batch.swap(waiting_);
  if (batch.empty()) return;
  std::vector<BatchedWrite> writes;
  writes.reserve(batch.size());
  for (const Waiter* waiter : batch) writes.push_back(waiter->write);
  std::vector<BatchedOutcome> outcomes = store_.WriteBatch(writes);
  ++batches_;
  writes_ += static_cast<int64_t>(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i < outcomes.size()) {
      batch[i]->outcome = std::move(outcomes[i]);
    } else {
      batch[i]->outcome.status =
          Status::Error("the store answered too few writes");
    }
    batch[i]->done = true;
    batch[i]->wake->cancel();
  }
}

}  // namespace bssflow::engine
