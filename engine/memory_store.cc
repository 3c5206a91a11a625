// MemoryStore: JournalStore in maps, the runs in shards with a mutex each.
//
// Journals are kept as text, compact JSON per event, not as the
// nlohmann::json trees the interface hands over: a parked run's 17 events
// take about 2 KB that way instead of 11 KB as trees (BM_ParkedRuns, the
// "100,000 parked runs in < 500 MB" target), and the text is made and read
// outside the locks, so Runners on two threads hold one only to move a
// string in or copy one out.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "engine/json_text.h"
#include "engine/store.h"

namespace bssflow::engine {

namespace {

// One journal event as the store keeps it: its type, step and data (as
// JSON) one after the other in `text`. Its sequence is its position in the
// journal (sequences start at 1 and have no gaps).
struct StoredEvent {
  int64_t time_ms = 0;
  uint32_t type_size = 0;
  uint32_t step_size = 0;
  std::string text;
};

StoredEvent Store(const Event& event) {
  StoredEvent stored;
  stored.time_ms = event.time_ms;
  stored.type_size = static_cast<uint32_t>(event.type.size());
  stored.step_size = static_cast<uint32_t>(event.step.size());
  // Written in a scratch buffer and copied once, so that the text kept
  // for the run's lifetime has no spare capacity.
  thread_local std::string scratch;
  scratch.assign(event.type).append(event.step);
  AppendJsonText(event.data, scratch);
  stored.text = scratch;
  return stored;
}

bool HasType(const StoredEvent& stored, const std::string& type) {
  return stored.type_size == type.size() &&
         stored.text.compare(0, type.size(), type) == 0;
}

Event Load(const StoredEvent& stored, int64_t sequence) {
  const std::string& text = stored.text;
  // The text was made by AppendJsonText: it parses.
  return Event{sequence, text.substr(0, stored.type_size),
               text.substr(stored.type_size, stored.step_size),
               ParseJsonText(std::string_view(text).substr(
                   stored.type_size + stored.step_size)),
               stored.time_ms};
}

// The account_id input as RunFilter::account compares it.
std::string AccountOf(const RunRecord& run) {
  auto it = run.inputs.find("account_id");
  if (it == run.inputs.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool Matches(const RunFilter& filter, const RunRecord& run) {
  if (!filter.workflow.empty() && run.workflow != filter.workflow) return false;
  if (!filter.account.empty() && AccountOf(run) != filter.account) return false;
  return filter.statuses.empty() ||
         std::find(filter.statuses.begin(), filter.statuses.end(),
                   run.status) != filter.statuses.end();
}

// Runs live in shards chosen from the last bytes of their id, each under a
// mutex of its own: Runners on several threads reach different runs at once, and
// each map grows (and rehashes, all its runs at once) by a sixteenth of
// the runs. Idempotency keys and definitions have a mutex each; a start
// with a key holds the keys' mutex, then its run's shard's, never the
// other way round.
class MemoryStore final : public JournalStore {
 public:
  Status PutDefinition(const std::string& hash, const std::string&,
                       const std::string& text) override {
    std::lock_guard lock(definitions_mutex_);
    definitions_.emplace(hash, text);
    return Status::Ok();
  }

  Result<std::string> GetDefinition(const std::string& hash) override {
    std::lock_guard lock(definitions_mutex_);
    auto it = definitions_.find(hash);
    if (it == definitions_.end())
      return Status::Error("no workflow definition " + hash);
    return it->second;
  }

  Result<CreatedRun> CreateRun(const NewRun& run) override {
    if (run.idempotency_key.empty()) return Create(run);
    std::lock_guard keys(keys_mutex_);
    auto existing = by_key_.find(run.idempotency_key);
    if (existing != by_key_.end()) {
      Result<RunRecord> record = GetRun(existing->second);
      if (!record.ok()) return record.status();
      return CreatedRun{std::move(record).value(), false};
    }
    Result<CreatedRun> created = Create(run);
    if (created.ok()) by_key_[run.idempotency_key] = run.id;
    return created;
  }

  Status Append(const std::string& run_id, int64_t expected_last_sequence,
                const std::vector<Event>& events, RunStatus status,
                const std::string& current_step, int64_t time_ms) override {
    std::vector<StoredEvent> stored;
    stored.reserve(events.size());
    try {
      for (const Event& event : events) stored.push_back(Store(event));
    } catch (const std::exception& e) {  // a string that is not UTF-8
      return Status::Error("run " + run_id +
                           ": cannot append to the journal: " + e.what());
    }
    Shard& shard = ShardOf(run_id);
    std::lock_guard lock(shard.mutex);
    auto it = shard.runs.find(run_id);
    if (it == shard.runs.end()) return Status::Error("no run " + run_id);
    RunRecord& run = it->second.run;
    if (run.last_sequence != expected_last_sequence) {
      return Status::Error(std::string(kSequenceConflict) + ": run " + run_id +
                           " is at " + std::to_string(run.last_sequence) +
                           ", not " + std::to_string(expected_last_sequence));
    }
    std::vector<StoredEvent>& journal = it->second.journal;
    for (StoredEvent& event : stored) journal.push_back(std::move(event));
    run.last_sequence = static_cast<int64_t>(journal.size());
    // A run that waits (for an answer, or for ever once it is over) keeps
    // its journal as it is: no room left for events that will not come.
    if (status != RunStatus::kRunning) journal.shrink_to_fit();
    run.status = status;
    run.current_step = current_step;
    run.updated_ms = time_ms;
    return Status::Ok();
  }

  Result<RunRecord> GetRun(const std::string& run_id) override {
    Shard& shard = ShardOf(run_id);
    std::lock_guard lock(shard.mutex);
    auto it = shard.runs.find(run_id);
    if (it == shard.runs.end()) return Status::Error("no run " + run_id);
    return it->second.run;
  }

  Result<std::optional<RunRecord>> FindRunByKey(
      const std::string& idempotency_key) override {
    std::string run_id;
    {
      std::lock_guard keys(keys_mutex_);
      auto key = by_key_.find(idempotency_key);
      if (key == by_key_.end()) return std::optional<RunRecord>();
      run_id = key->second;
    }
    Result<RunRecord> record = GetRun(run_id);
    if (!record.ok()) return record.status();
    return std::optional<RunRecord>(std::move(record).value());
  }

  Result<std::vector<Event>> ReadJournal(const std::string& run_id) override {
    std::vector<StoredEvent> stored;
    {
      Shard& shard = ShardOf(run_id);
      std::lock_guard lock(shard.mutex);
      auto it = shard.runs.find(run_id);
      if (it == shard.runs.end()) return Status::Error("no run " + run_id);
      stored = it->second.journal;
    }
    std::vector<Event> journal;
    journal.reserve(stored.size());
    for (size_t i = 0; i < stored.size(); ++i)
      journal.push_back(Load(stored[i], static_cast<int64_t>(i) + 1));
    return journal;
  }

  // The first `limit` matching runs in creation order: each shard's first
  // `limit` (copied under its lock), then the first `limit` of those.
  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override {
    int64_t after = -1;
    if (!filter.after_id.empty()) {
      Shard& shard = ShardOf(filter.after_id);
      std::lock_guard lock(shard.mutex);
      auto it = shard.runs.find(filter.after_id);
      if (it != shard.runs.end()) after = it->second.order;
    }
    const size_t limit = static_cast<size_t>(std::max(filter.limit, 0));
    std::vector<std::pair<int64_t, RunRecord>> firsts;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      std::vector<const Entry*> matching;
      for (const auto& [id, entry] : shard.runs) {
        if (entry.order > after && Matches(filter, entry.run))
          matching.push_back(&entry);
      }
      auto by_order = [](const Entry* a, const Entry* b) {
        return a->order < b->order;
      };
      const size_t kept = std::min(limit, matching.size());
      std::partial_sort(matching.begin(), matching.begin() + kept,
                        matching.end(), by_order);
      for (size_t i = 0; i < kept; ++i)
        firsts.emplace_back(matching[i]->order, matching[i]->run);
    }
    std::sort(firsts.begin(), firsts.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<RunRecord> out;
    for (size_t i = 0; i < firsts.size() && i < limit; ++i)
      out.push_back(std::move(firsts[i].second));
    return out;
  }

  Result<RunRecord> GetRunVersion(const std::string& run_id) override {
    Shard& shard = ShardOf(run_id);
    std::lock_guard lock(shard.mutex);
    auto it = shard.runs.find(run_id);
    if (it == shard.runs.end()) return Status::Error("no run " + run_id);
    RunRecord version;
    version.id = run_id;
    version.status = it->second.run.status;
    version.last_sequence = it->second.run.last_sequence;
    version.updated_ms = it->second.run.updated_ms;
    return version;
  }

  Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                             const std::string& type) override {
    StoredEvent found;
    int64_t sequence = 0;
    {
      Shard& shard = ShardOf(run_id);
      std::lock_guard lock(shard.mutex);
      auto it = shard.runs.find(run_id);
      if (it == shard.runs.end()) return std::optional<Event>();
      const std::vector<StoredEvent>& journal = it->second.journal;
      for (size_t i = journal.size(); i > 0; --i) {
        if (!HasType(journal[i - 1], type)) continue;
        found = journal[i - 1];
        sequence = static_cast<int64_t>(i);
        break;
      }
    }
    if (sequence == 0) return std::optional<Event>();
    return std::optional<Event>(Load(found, sequence));
  }

  Result<std::map<RunStatus, int64_t>> CountRunsByStatus() override {
    std::map<RunStatus, int64_t> counts;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      for (const auto& [id, entry] : shard.runs) ++counts[entry.run.status];
    }
    return counts;
  }

 private:
  struct Entry {
    RunRecord run;
    std::vector<StoredEvent> journal;
    /// Creation order, across shards (ListRuns).
    int64_t order = 0;
  };
  struct Shard {
    std::mutex mutex;
    // By id: lookups by a UUID are the store's hot path.
    std::unordered_map<std::string, Entry> runs;
  };
  static constexpr int kShardBits = 4;
  static constexpr size_t kShards = size_t{1} << kShardBits;

  // From the id's last 8 bytes, not a hash of all of it (the map hashes
  // it again): ids are UUIDs, whose ends are random.
  Shard& ShardOf(const std::string& run_id) {
    uint64_t mixed = 0;
    const size_t from = run_id.size() > 8 ? run_id.size() - 8 : 0;
    for (size_t i = from; i < run_id.size(); ++i)
      mixed = (mixed << 8) | static_cast<unsigned char>(run_id[i]);
    return shards_[(mixed * 0x9E3779B97F4A7C15ull) >> (64 - kShardBits)];
  }

  Result<CreatedRun> Create(const NewRun& run) {
    RunRecord record = RecordOf(run);
    Shard& shard = ShardOf(run.id);
    std::lock_guard lock(shard.mutex);
    auto [it, created] = shard.runs.try_emplace(run.id);
    if (!created) return Status::Error("run " + run.id + " exists already");
    it->second = Entry{record, {}, next_order_++};
    return CreatedRun{std::move(record), true};
  }

  std::mutex definitions_mutex_;
  std::map<std::string, std::string> definitions_;
  std::mutex keys_mutex_;
  std::unordered_map<std::string, std::string> by_key_;
  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> next_order_{0};
};

}  // namespace

std::unique_ptr<JournalStore> MakeMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace bssflow::engine
