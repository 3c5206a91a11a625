// A store that counts what the Runner asks of it (group_commit_test.cc,
// parked_journals_test.cc): the batches it is given, the appends made on
// their own, the journals read. Everything is done by the store it wraps.
// CountingSqliteFixture: the runner's fixture on such a store over SQLite,
// in a directory of the test's own.
#ifndef BSSFLOW_ENGINE_TESTING_COUNTING_STORE_H_
#define BSSFLOW_ENGINE_TESTING_COUNTING_STORE_H_

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/store.h"
#include "engine/testing/runner_fixture.h"

namespace bssflow::engine::testing {

class CountingStore final : public JournalStore {
 public:
  explicit CountingStore(std::unique_ptr<JournalStore> inner)
      : inner_(std::move(inner)) {}

  int batches = 0;
  int requests = 0;  // appends in batches
  int creates = 0;   // creates in batches
  int appends = 0;   // appends on their own
  std::vector<size_t> batch_sizes;
  int journal_reads = 0;  // ReadJournal calls

  std::vector<BatchedOutcome> WriteBatch(
      const std::vector<BatchedWrite>& batch) override {
    ++batches;
    batch_sizes.push_back(batch.size());
    for (const BatchedWrite& write : batch)
      ++(write.create != nullptr ? creates : requests);
    return inner_->WriteBatch(batch);
  }
  bool GroupsCommits() const override { return inner_->GroupsCommits(); }

  Status Append(const std::string& run_id, int64_t expected,
                const std::vector<Event>& events, RunStatus status,
                const std::string& step, int64_t time_ms) override {
    ++appends;
    return inner_->Append(run_id, expected, events, status, step, time_ms);
  }
  Status PutDefinition(const std::string& hash, const std::string& name,
                       const std::string& text) override {
    return inner_->PutDefinition(hash, name, text);
  }
  Result<std::string> GetDefinition(const std::string& hash) override {
    return inner_->GetDefinition(hash);
  }
  Result<CreatedRun> CreateRun(const NewRun& run) override {
    return inner_->CreateRun(run);
  }
  Result<RunRecord> GetRun(const std::string& run_id) override {
    return inner_->GetRun(run_id);
  }
  Result<RunRecord> GetRunVersion(const std::string& run_id) override {
    return inner_->GetRunVersion(run_id);
  }
  Result<std::optional<RunRecord>> FindRunByKey(const std::string& key) override {
    return inner_->FindRunByKey(key);
  }
  Result<std::vector<Event>> ReadJournal(const std::string& run_id) override {
    ++journal_reads;
    return inner_->ReadJournal(run_id);
  }
  Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                             const std::string& type) override {
    return inner_->ReadLastEvent(run_id, type);
  }
  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override {
    return inner_->ListRuns(filter);
  }
  Result<std::map<RunStatus, int64_t>> CountRunsByStatus() override {
    return inner_->CountRunsByStatus();
  }

 private:
  std::unique_ptr<JournalStore> inner_;
};

class CountingSqliteFixture : public RunnerFixture {
 protected:
  explicit CountingSqliteFixture(const std::string& prefix) {
    dir_ = ::testing::TempDir() + prefix +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto sqlite = OpenSqliteStore(dir_ + "/journal.db");
    EXPECT_TRUE(sqlite.ok()) << sqlite.status().message();
    auto counting = std::make_unique<CountingStore>(std::move(sqlite.value()));
    counting_ = counting.get();
    store_ = std::move(counting);
    MakeRunner();
  }
  ~CountingSqliteFixture() override {
    runner_.reset();
    io_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  CountingStore* counting_ = nullptr;
};

}  // namespace bssflow::engine::testing

#endif  // BSSFLOW_ENGINE_TESTING_COUNTING_STORE_H_
