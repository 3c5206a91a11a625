// MemoryStore: JournalStore in maps under one mutex.
#include <map>
#include <mutex>

#include "engine/store.h"

namespace bssflow::engine {

namespace {

class MemoryStore final : public JournalStore {
 public:
  Status PutDefinition(const std::string& hash, const std::string&,
                       const std::string& text) override {
    std::lock_guard lock(mutex_);
    definitions_.emplace(hash, text);
    return Status::Ok();
  }

  Result<std::string> GetDefinition(const std::string& hash) override {
    std::lock_guard lock(mutex_);
    auto it = definitions_.find(hash);
    if (it == definitions_.end())
      return Status::Error("no workflow definition " + hash);
    return it->second;
  }

  Result<CreatedRun> CreateRun(const NewRun& run) override {
    std::lock_guard lock(mutex_);
    if (!run.idempotency_key.empty()) {
      auto existing = by_key_.find(run.idempotency_key);
      if (existing != by_key_.end())
        return CreatedRun{runs_.at(existing->second).run, false};
    }
    if (runs_.count(run.id) != 0)
      return Status::Error("run " + run.id + " exists already");
    RunRecord record;
    record.id = run.id;
    record.workflow = run.workflow;
    record.definition_hash = run.definition_hash;
    record.inputs = run.inputs;
    record.idempotency_key = run.idempotency_key;
    record.callback_url = run.callback_url;
    record.created_ms = record.updated_ms = run.created_ms;
    runs_[run.id] = Entry{record, {}, next_order_++};
    if (!run.idempotency_key.empty()) by_key_[run.idempotency_key] = run.id;
    return CreatedRun{record, true};
  }

  Status Append(const std::string& run_id, int64_t expected_last_sequence,
                const std::vector<Event>& events, RunStatus status,
                const std::string& current_step, int64_t time_ms) override {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return Status::Error("no run " + run_id);
    RunRecord& run = it->second.run;
    if (run.last_sequence != expected_last_sequence) {
      return Status::Error(std::string(kSequenceConflict) + ": run " + run_id +
                           " is at " + std::to_string(run.last_sequence) +
                           ", not " + std::to_string(expected_last_sequence));
    }
    for (Event event : events) {
      event.sequence = ++run.last_sequence;
      it->second.journal.push_back(std::move(event));
    }
    run.status = status;
    run.current_step = current_step;
    run.updated_ms = time_ms;
    return Status::Ok();
  }

  Result<RunRecord> GetRun(const std::string& run_id) override {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return Status::Error("no run " + run_id);
    return it->second.run;
  }

  Result<std::optional<RunRecord>> FindRunByKey(
      const std::string& idempotency_key) override {
    std::lock_guard lock(mutex_);
    auto key = by_key_.find(idempotency_key);
    if (key == by_key_.end()) return std::optional<RunRecord>();
    return std::optional<RunRecord>(runs_.at(key->second).run);
  }

  Result<std::vector<Event>> ReadJournal(const std::string& run_id) override {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return Status::Error("no run " + run_id);
    return it->second.journal;
  }

  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override {
    std::lock_guard lock(mutex_);
    std::map<int64_t, const RunRecord*> ordered;
    for (const auto& [id, entry] : runs_) ordered[entry.order] = &entry.run;
    int64_t after = -1;
    if (!filter.after_id.empty()) {
      auto it = runs_.find(filter.after_id);
      if (it != runs_.end()) after = it->second.order;
    }
    std::vector<RunRecord> out;
    for (const auto& [order, run] : ordered) {
      if (order <= after || static_cast<int>(out.size()) >= filter.limit)
        continue;
      if (!filter.workflow.empty() && run->workflow != filter.workflow)
        continue;
      if (!filter.account.empty() && AccountOf(*run) != filter.account)
        continue;
      if (!filter.statuses.empty() &&
          std::find(filter.statuses.begin(), filter.statuses.end(),
                    run->status) == filter.statuses.end()) {
        continue;
      }
      out.push_back(*run);
    }
    return out;
  }

  Result<RunRecord> GetRunVersion(const std::string& run_id) override {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return Status::Error("no run " + run_id);
    RunRecord version;
    version.id = run_id;
    version.status = it->second.run.status;
    version.last_sequence = it->second.run.last_sequence;
    version.updated_ms = it->second.run.updated_ms;
    return version;
  }

  Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                             const std::string& type) override {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return std::optional<Event>();
    const std::vector<Event>& journal = it->second.journal;
    for (auto event = journal.rbegin(); event != journal.rend(); ++event) {
      if (event->type == type) return std::optional<Event>(*event);
    }
    return std::optional<Event>();
  }

  Result<std::map<RunStatus, int64_t>> CountRunsByStatus() override {
    std::lock_guard lock(mutex_);
    std::map<RunStatus, int64_t> counts;
    for (const auto& [id, entry] : runs_) ++counts[entry.run.status];
    return counts;
  }

 private:
  // The account_id input as RunFilter::account compares it.
  static std::string AccountOf(const RunRecord& run) {
    auto it = run.inputs.find("account_id");
    if (it == run.inputs.end()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
  }

  struct Entry {
    RunRecord run;
    std::vector<Event> journal;
    int64_t order = 0;
  };
  std::mutex mutex_;
  std::map<std::string, std::string> definitions_;
  std::map<std::string, Entry> runs_;
  std::map<std::string, std::string> by_key_;
  int64_t next_order_ = 0;
};

}  // namespace

std::unique_ptr<JournalStore> MakeMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace bssflow::engine
