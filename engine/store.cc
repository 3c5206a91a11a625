#include "engine/store.h"

#include <exception>

namespace bssflow::engine {

namespace {

BatchedOutcome CreateOne(JournalStore& store, const NewRun& run) {
  BatchedOutcome outcome;
  try {
    Result<CreatedRun> created = store.CreateRun(run);
    if (created.ok()) {
      outcome.created = std::move(created.value());
    } else {
      outcome.status = created.status();
    }
  } catch (const std::exception& e) {
    outcome.status =
        Status::Error("cannot create run " + run.id + ": " + e.what());
  }
  return outcome;
}

BatchedOutcome AppendOne(JournalStore& store, const AppendRequest& request) {
  BatchedOutcome outcome;
  try {
    outcome.status = store.Append(request.run_id,
                                  request.expected_last_sequence,
                                  request.events, request.status,
                                  request.current_step, request.time_ms);
  } catch (const std::exception& e) {
    outcome.status = Status::Error("run " + request.run_id +
                                   ": cannot append to the journal: " +
                                   e.what());
  }
  return outcome;
}

}  // namespace

RunRecord RecordOf(const NewRun& run) {
  RunRecord record;
  record.id = run.id;
  record.workflow = run.workflow;
  record.definition_hash = run.definition_hash;
  record.inputs = run.inputs;
  record.idempotency_key = run.idempotency_key;
  record.callback_url = run.callback_url;
  record.created_ms = record.updated_ms = run.created_ms;
  return record;
}

std::vector<BatchedOutcome> JournalStore::WriteBatch(
    const std::vector<BatchedWrite>& writes) {
  std::vector<BatchedOutcome> outcomes;
  outcomes.reserve(writes.size());
  for (const BatchedWrite& write : writes) {
    outcomes.push_back(write.create != nullptr
                           ? CreateOne(*this, *write.create)
                           : AppendOne(*this, *write.append));
  }
  return outcomes;
}

std::vector<Status> JournalStore::AppendBatch(
    const std::vector<const AppendRequest*>& requests) {
  std::vector<BatchedWrite> writes;
  writes.reserve(requests.size());
  for (const AppendRequest* request : requests)
    writes.push_back(BatchedWrite{nullptr, request});
  std::vector<BatchedOutcome> outcomes = WriteBatch(writes);
  std::vector<Status> statuses;
  statuses.reserve(outcomes.size());
  for (BatchedOutcome& outcome : outcomes)
    statuses.push_back(std::move(outcome.status));
  return statuses;
}

}  // namespace bssflow::engine
