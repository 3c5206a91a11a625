#include "engine/store.h"

#include <exception>

namespace bssflow::engine {

std::vector<Status> JournalStore::AppendBatch(
    const std::vector<const AppendRequest*>& requests) {
  std::vector<Status> statuses;
  statuses.reserve(requests.size());
  for (const AppendRequest* request : requests) {
    try {
      statuses.push_back(Append(request->run_id,
                                request->expected_last_sequence,
                                request->events, request->status,
                                request->current_step, request->time_ms));
    } catch (const std::exception& e) {
      statuses.push_back(Status::Error("run " + request->run_id +
                                       ": cannot append to the journal: " +
                                       e.what()));
    }
  }
  return statuses;
}

}  // namespace bssflow::engine
