#include "engine/append_batcher.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace bssflow::engine {

boost::asio::awaitable<Status> AppendBatcher::Append(
    const AppendRequest& request) {
  boost::asio::steady_timer wake(executor_,
                                 std::chrono::steady_clock::time_point::max());
  Waiter waiter{&request, &wake, Status::Ok()};
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
  // the executor has run, and has had the chance to append too.
  if (!flush_posted_) {
    flush_posted_ = true;
    boost::asio::post(executor_, [this] { Flush(); });
  }
  boost::system::error_code woken;
  while (!waiter.done) {
    co_await wake.async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, woken));
  }
  co_return waiter.status;
}

void AppendBatcher::Flush() {
  flush_posted_ = false;
  std::vector<Waiter*> batch;
  batch.swap(waiting_);
  if (batch.empty()) return;
  std::vector<const AppendRequest*> requests;
  requests.reserve(batch.size());
  for (const Waiter* waiter : batch) requests.push_back(waiter->request);
  std::vector<Status> statuses = store_.AppendBatch(requests);
  ++batches_;
  appends_ += static_cast<int64_t>(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->status = i < statuses.size()
                           ? std::move(statuses[i])
                           : Status::Error("the store answered too few appends");
    batch[i]->done = true;
    batch[i]->wake->cancel();
  }
}

}  // namespace bssflow::engine
