// The JournalStore contract, run against every store.
#include "engine/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <map>
#include <thread>

namespace bssflow::engine {
namespace {

struct StoreMaker {
  const char* name;
  std::function<std::unique_ptr<JournalStore>(const std::string& dir)> make;
};

class StoreTest : public ::testing::TestWithParam<StoreMaker> {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "store_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  NewRun Run(const std::string& id, const std::string& key = "") {
    NewRun run;
    run.id = id;
    run.workflow = "microsoft.provision-tenant";
    run.definition_hash = "abc";
    run.inputs = {{"account_id", 42}};
    run.idempotency_key = key;
    run.created_ms = 1000;
    return run;
  }

  static Event MakeEvent(const std::string& type,
                         const std::string& step = "") {
    Event e;
    e.type = type;
    e.step = step;
    e.data = {{"n", 1}};
    e.time_ms = 2000;
    return e;
  }

  std::string dir_;
  std::unique_ptr<JournalStore> store_;
};

TEST_P(StoreTest, DefinitionsAreKeptByHash) {
  ASSERT_TRUE(store_->PutDefinition("h1", "w", "workflow: w").ok());
  ASSERT_TRUE(store_->PutDefinition("h1", "w", "ignored").ok());
  EXPECT_EQ(store_->GetDefinition("h1").value(), "workflow: w");
  EXPECT_EQ(store_->GetDefinition("h2").status().message(),
            "no workflow definition h2");
}

TEST_P(StoreTest, CreateAppendRead) {
  Result<CreatedRun> created = store_->CreateRun(Run("r1"));
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_TRUE(created.value().created);
  EXPECT_EQ(created.value().run.status, RunStatus::kPending);
  ASSERT_TRUE(store_
                  ->Append("r1", 0, {MakeEvent(event_type::kRunStarted)},
                           RunStatus::kRunning, "", 1500)
                  .ok());
  ASSERT_TRUE(store_
                  ->Append("r1", 1,
                           {MakeEvent(event_type::kStepStarted, "account"),
                            MakeEvent(event_type::kCallSent, "account")},
                           RunStatus::kRunning, "account", 1600)
                  .ok());
  RunRecord run = store_->GetRun("r1").value();
  EXPECT_EQ(run.last_sequence, 3);
  EXPECT_EQ(run.current_step, "account");
  EXPECT_EQ(run.status, RunStatus::kRunning);
  EXPECT_EQ(run.updated_ms, 1600);
  EXPECT_EQ(run.inputs, (nlohmann::json{{"account_id", 42}}));
  std::vector<Event> journal = store_->ReadJournal("r1").value();
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal[0].sequence, 1);
  EXPECT_EQ(journal[2].sequence, 3);
  EXPECT_EQ(journal[2].type, "call_sent");
  EXPECT_EQ(journal[2].step, "account");
  EXPECT_EQ(journal[2].data, (nlohmann::json{{"n", 1}}));
}

TEST_P(StoreTest, AppendRefusesAStaleSequence) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  ASSERT_TRUE(store_
                  ->Append("r1", 0, {MakeEvent(event_type::kRunStarted)},
                           RunStatus::kRunning, "", 1)
                  .ok());
  Status stale = store_->Append("r1", 0, {MakeEvent(event_type::kStepStarted)},
                                RunStatus::kFailed, "", 2);
  EXPECT_EQ(stale.message(),
            "journal sequence conflict: run r1 is at 1, not 0");
  EXPECT_EQ(store_->ReadJournal("r1").value().size(),
            1u);  // nothing half-written
  EXPECT_EQ(store_->GetRun("r1").value().status, RunStatus::kRunning);
  EXPECT_EQ(store_->Append("nope", 0, {}, RunStatus::kRunning, "", 1).message(),
            "no run nope");
}

TEST_P(StoreTest, IdempotencyKeyReturnsTheSameRun) {
  ASSERT_TRUE(store_->CreateRun(Run("r1", "key-1")).ok());
  Result<CreatedRun> again = store_->CreateRun(Run("r2", "key-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().created);
  EXPECT_EQ(again.value().run.id, "r1");
  EXPECT_EQ(store_->GetRun("r2").status().message(), "no run r2");
  EXPECT_FALSE(store_->CreateRun(Run("r1")).ok());  // ids are unique
}

TEST_P(StoreTest, ListRunsFiltersAndPages) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store_->CreateRun(Run("r" + std::to_string(i))).ok());
  ASSERT_TRUE(
      store_
          ->Append("r1", 0, {}, RunStatus::kAwaitingConfirmation, "confirm", 5)
          .ok());
  ASSERT_TRUE(store_->Append("r3", 0, {}, RunStatus::kSucceeded, "", 5).ok());
  RunFilter waiting;
  waiting.statuses = {RunStatus::kAwaitingConfirmation};
  std::vector<RunRecord> runs = store_->ListRuns(waiting).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, "r1");
  RunFilter unfinished;
  unfinished.statuses = {RunStatus::kPending, RunStatus::kRunning,
                         RunStatus::kAwaitingConfirmation};
  EXPECT_EQ(store_->ListRuns(unfinished).value().size(), 4u);
  RunFilter page;
  page.limit = 2;
  runs = store_->ListRuns(page).value();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].id, "r1");
  page.after_id = runs[1].id;
  runs = store_->ListRuns(page).value();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, "r2");
  RunFilter other;
  other.workflow = "other";
  EXPECT_TRUE(store_->ListRuns(other).value().empty());
}

// Pages of 7 through 100 runs give each run once, in creation order (the
// memory store keeps runs in shards).
TEST_P(StoreTest, ListRunsPagesThroughManyRunsInCreationOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 100; ++i) {
    created.push_back("0190f0c2-7d1e-7a3b-9c4d-" +
                      std::to_string(100000 + i * 7919));
    ASSERT_TRUE(store_->CreateRun(Run(created.back())).ok());
  }
  RunFilter page;
  page.limit = 7;
  std::vector<std::string> listed;
  for (int pages = 0; pages < 20; ++pages) {
    std::vector<RunRecord> runs = store_->ListRuns(page).value();
    if (runs.empty()) break;
    for (const RunRecord& run : runs) listed.push_back(run.id);
    page.after_id = runs.back().id;
  }
  EXPECT_EQ(listed, created);
}

TEST_P(StoreTest, ListRunsFiltersByAccountInput) {
  NewRun numbered = Run("r1");  // account_id 42, a number
  NewRun named = Run("r2");
  named.inputs = {{"account_id", "A-7"}};
  NewRun none = Run("r3");
  none.inputs = nlohmann::json::object();
  for (const NewRun& run : {numbered, named, none})
    ASSERT_TRUE(store_->CreateRun(run).ok());
  RunFilter filter;
  filter.account = "42";
  std::vector<RunRecord> runs = store_->ListRuns(filter).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, "r1");
  filter.account = "A-7";
  runs = store_->ListRuns(filter).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, "r2");
  filter.account = "43";
  EXPECT_TRUE(store_->ListRuns(filter).value().empty());
}

TEST_P(StoreTest, KeepsTheCallbackUrl) {
  NewRun run = Run("r1", "key-1");
  run.callback_url = "http://bss.example/hooks/runs";
  ASSERT_EQ(store_->CreateRun(run).value().run.callback_url,
            "http://bss.example/hooks/runs");
  EXPECT_EQ(store_->GetRun("r1").value().callback_url,
            "http://bss.example/hooks/runs");
  EXPECT_EQ(store_->FindRunByKey("key-1").value()->callback_url,
            "http://bss.example/hooks/runs");
}

TEST_P(StoreTest, GetRunVersionSaysWhereTheRunStands) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  ASSERT_TRUE(store_
                  ->Append("r1", 0, {MakeEvent("run_started")},
                           RunStatus::kRunning, "a", 7)
                  .ok());
  RunRecord version = store_->GetRunVersion("r1").value();
  EXPECT_EQ(version.status, RunStatus::kRunning);
  EXPECT_EQ(version.last_sequence, 1);
  EXPECT_EQ(version.updated_ms, 7);
  EXPECT_EQ(store_->GetRunVersion("r2").status().message(), "no run r2");
}

TEST_P(StoreTest, ReadsTheLastEventOfAType) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  ASSERT_TRUE(store_
                  ->Append("r1", 0,
                           {MakeEvent("step_started", "a"),
                            MakeEvent("confirmation_requested", "a"),
                            MakeEvent("step_started", "b")},
                           RunStatus::kRunning, "b", 5)
                  .ok());
  std::optional<Event> last =
      store_->ReadLastEvent("r1", "step_started").value();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->sequence, 3);
  EXPECT_EQ(last->step, "b");
  EXPECT_EQ(last->data.dump(), R"({"n":1})");
  EXPECT_FALSE(store_->ReadLastEvent("r1", "run_finished").value().has_value());
  EXPECT_FALSE(store_->ReadLastEvent("r2", "step_started").value().has_value());
}

TEST_P(StoreTest, CountsRunsByStatus) {
  EXPECT_TRUE(store_->CountRunsByStatus().value().empty());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->CreateRun(Run("r" + std::to_string(i))).ok());
  ASSERT_TRUE(store_->Append("r1", 0, {}, RunStatus::kSucceeded, "", 5).ok());
  std::map<RunStatus, int64_t> expected = {{RunStatus::kPending, 2},
                                           {RunStatus::kSucceeded, 1}};
  EXPECT_EQ(store_->CountRunsByStatus().value(), expected);
}

TEST_P(StoreTest, AppendBatchMakesEachRequestAndIsolatesAFailure) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  ASSERT_TRUE(store_->CreateRun(Run("r2")).ok());
  AppendRequest first{"r1", 0, {MakeEvent(event_type::kRunStarted)},
                      RunStatus::kRunning, "", 1500};
  AppendRequest stale{"r2", 5, {MakeEvent(event_type::kRunStarted)},
                      RunStatus::kRunning, "", 1500};
  AppendRequest second{"r1", 1,
                       {MakeEvent(event_type::kStepStarted, "account"),
                        MakeEvent(event_type::kCallSent, "account")},
                       RunStatus::kRunning, "account", 1600};
  AppendRequest unknown{"r9", 0, {MakeEvent(event_type::kRunStarted)},
                        RunStatus::kRunning, "", 1500};
  std::vector<Status> statuses =
      store_->AppendBatch({&first, &stale, &second, &unknown});
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].message();
  EXPECT_EQ(statuses[1].message().rfind(kSequenceConflict, 0), 0u)
      << statuses[1].message();
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].message();
  EXPECT_FALSE(statuses[3].ok());
  EXPECT_EQ(store_->GetRun("r1").value().last_sequence, 3);
  EXPECT_EQ(store_->GetRun("r1").value().current_step, "account");
  EXPECT_EQ(store_->ReadJournal("r1").value().size(), 3u);
  EXPECT_EQ(store_->GetRun("r2").value().last_sequence, 0);
  EXPECT_TRUE(store_->ReadJournal("r2").value().empty());
}

TEST_P(StoreTest, WriteBatchCreatesAndAppendsAndIsolatesAFailure) {
  ASSERT_TRUE(store_->CreateRun(Run("r0", "key-0")).ok());
  NewRun fresh = Run("r1", "key-1");
  NewRun again = Run("r2", "key-0");  // the key names r0 already
  NewRun taken = Run("r0");           // the id is taken
  AppendRequest first{"r1", 0, {MakeEvent(event_type::kRunStarted)},
                      RunStatus::kRunning, "", 1500};
  std::vector<BatchedOutcome> outcomes = store_->WriteBatch(
      {{&fresh, nullptr}, {&again, nullptr}, {&taken, nullptr},
       {nullptr, &first}});
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].status.ok()) << outcomes[0].status.message();
  EXPECT_TRUE(outcomes[0].created.created);
  EXPECT_EQ(outcomes[0].created.run.id, "r1");
  EXPECT_EQ(outcomes[0].created.run.status, RunStatus::kPending);
  EXPECT_TRUE(outcomes[1].status.ok()) << outcomes[1].status.message();
  EXPECT_FALSE(outcomes[1].created.created);
  EXPECT_EQ(outcomes[1].created.run.id, "r0");
  EXPECT_FALSE(outcomes[2].status.ok());
  EXPECT_TRUE(outcomes[3].status.ok()) << outcomes[3].status.message();
  EXPECT_EQ(store_->GetRun("r1").value().last_sequence, 1);
  EXPECT_EQ(store_->FindRunByKey("key-1").value()->id, "r1");
  EXPECT_FALSE(store_->GetRun("r2").ok());
  EXPECT_EQ(store_->ListRuns(RunFilter()).value().size(), 2u);
}

// A payload that does not encode (not UTF-8) fails its own write of a
// batch, with nothing of it written; the writes around it are made.
TEST_P(StoreTest, WriteBatchRefusesAPayloadThatDoesNotEncodeAlone) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  ASSERT_TRUE(store_->CreateRun(Run("r2")).ok());
  ASSERT_TRUE(store_->CreateRun(Run("r3")).ok());
  Event cut = MakeEvent(event_type::kCallFailed, "account");
  cut.data = {{"error", "cut \xe2\x82"}};
  AppendRequest before{"r1", 0, {MakeEvent(event_type::kRunStarted)},
                       RunStatus::kRunning, "", 1500};
  AppendRequest bad{"r2", 0, {MakeEvent(event_type::kRunStarted), cut},
                    RunStatus::kRunning, "account", 1500};
  AppendRequest after{"r3", 0, {MakeEvent(event_type::kRunStarted)},
                      RunStatus::kRunning, "", 1500};
  std::vector<BatchedOutcome> outcomes = store_->WriteBatch(
      {{nullptr, &before}, {nullptr, &bad}, {nullptr, &after}});
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].status.ok()) << outcomes[0].status.message();
  EXPECT_EQ(outcomes[1].status.message(),
            "run r2: cannot append to the journal: "
            "[json.exception.type_error.316] incomplete UTF-8 string; last "
            "byte: 0x82");
  EXPECT_TRUE(outcomes[2].status.ok()) << outcomes[2].status.message();
  EXPECT_EQ(store_->GetRun("r1").value().last_sequence, 1);
  EXPECT_EQ(store_->GetRun("r2").value().last_sequence, 0);
  EXPECT_EQ(store_->GetRun("r2").value().status, RunStatus::kPending);
  EXPECT_TRUE(store_->ReadJournal("r2").value().empty());
  EXPECT_EQ(store_->GetRun("r3").value().last_sequence, 1);
}

TEST_P(StoreTest, ConcurrentAppendersNeverInterleaveAJournal) {
  ASSERT_TRUE(store_->CreateRun(Run("r1")).ok());
  std::atomic<int> appended{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        // Read, then append after what was read: losers get a conflict.
        int64_t last = store_->GetRun("r1").value().last_sequence;
        if (store_
                ->Append("r1", last, {MakeEvent(event_type::kStepStarted)},
                         RunStatus::kRunning, "", 1)
                .ok()) {
          ++appended;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<Event> journal = store_->ReadJournal("r1").value();
  ASSERT_EQ(static_cast<int>(journal.size()), appended.load());
  for (size_t i = 0; i < journal.size(); ++i)
    EXPECT_EQ(journal[i].sequence, int64_t(i + 1));
}

TEST_P(StoreTest, ConcurrentStartsWithOneKeyMakeOneRun) {
  std::vector<std::string> ids(4);
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Result<CreatedRun> run =
          store_->CreateRun(Run("r" + std::to_string(t), "order-1"));
      ASSERT_TRUE(run.ok()) << run.status().message();
      if (run.value().created) ++created;
      ids[static_cast<size_t>(t)] = run.value().run.id;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(store_->FindRunByKey("order-1").value()->id, ids[0]);
  EXPECT_EQ(store_->ListRuns(RunFilter()).value().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreTest,
    ::testing::Values(
        StoreMaker{"memory",
                   [](const std::string&) { return MakeMemoryStore(); }},
        StoreMaker{"sqlite",
                   [](const std::string& dir) {
                     auto store = OpenSqliteStore(dir + "/runs.db");
                     EXPECT_TRUE(store.ok()) << store.status().message();
                     return store.ok() ? std::move(store).value() : nullptr;
                   }}),
    [](const ::testing::TestParamInfo<StoreMaker>& param_info) {
      return param_info.param.name;
    });

TEST(SqliteStoreTest, SurvivesReopening) {
  std::string path = ::testing::TempDir() + "reopen.db";
  std::filesystem::remove(path);
  {
    auto store = OpenSqliteStore(path).value();
    ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
    Event e;
    e.type = "run_started";
    ASSERT_TRUE(store->Append("r1", 0, {e}, RunStatus::kRunning, "", 2).ok());
  }
  auto store = OpenSqliteStore(path).value();
  EXPECT_EQ(store->GetRun("r1").value().last_sequence, 1);
  EXPECT_EQ(store->ReadJournal("r1").value()[0].type, "run_started");
}

// A store remembers the rowid of each run it wrote; another writer of the
// same file (a second engine) that moved a run on in between is not missed,
// nor overwritten.
TEST(SqliteStoreTest, AStatusAnotherWriterChangedIsStillWritten) {
  std::string path = ::testing::TempDir() + "two_writers.db";
  std::filesystem::remove(path);
  auto first = OpenSqliteStore(path).value();
  auto second = OpenSqliteStore(path).value();
  ASSERT_TRUE(first->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  Event e;
  e.type = "step_started";
  ASSERT_TRUE(first->Append("r1", 0, {e}, RunStatus::kRunning, "a", 2).ok());
  ASSERT_TRUE(second->Append("r1", 1, {e}, RunStatus::kAwaitingConfirmation,
                             "b", 3)
                  .ok());
  ASSERT_TRUE(first->Append("r1", 2, {e}, RunStatus::kRunning, "c", 4).ok());
  RunRecord run = first->GetRun("r1").value();
  EXPECT_EQ(run.status, RunStatus::kRunning);
  EXPECT_EQ(run.current_step, "c");
  EXPECT_EQ(run.last_sequence, 3);
  // And unchanged, the status stays as it is.
  ASSERT_TRUE(first->Append("r1", 3, {e}, RunStatus::kRunning, "d", 5).ok());
  EXPECT_EQ(second->GetRun("r1").value().status, RunStatus::kRunning);
  EXPECT_EQ(second->GetRun("r1").value().last_sequence, 4);
  // A stale sequence is still refused with the sequence it is at.
  Status stale = first->Append("r1", 3, {e}, RunStatus::kRunning, "e", 6);
  EXPECT_EQ(stale.message(),
            "journal sequence conflict: run r1 is at 4, not 3");
}

// The runs table of the earliest journal.db: before runs had a
// callback_url, with events in a table of their own (`events`, added by
// each test that needs it).
constexpr const char* kEarliestRunsTable =
    "CREATE TABLE runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT "
    "NULL UNIQUE, workflow TEXT NOT NULL, definition_hash TEXT NOT NULL, "
    "status TEXT NOT NULL, inputs TEXT NOT NULL, idempotency_key TEXT "
    "UNIQUE, current_step TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT "
    "NULL, updated_ms INTEGER NOT NULL, last_sequence INTEGER NOT NULL "
    "DEFAULT 0);";

// A journal.db from before runs had a callback_url gains the column, and
// its runs read back with none.
TEST(SqliteStoreTest, MigratesAnEarlierSchema) {
  std::string path = ::testing::TempDir() + "migrate.db";
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string earlier = std::string(kEarliestRunsTable) +
                        "INSERT INTO runs (id, workflow, definition_hash, "
                        "status, inputs, created_ms, updated_ms) VALUES "
                        "('old', 'w', 'h', 'succeeded', '{}', 1, 2);";
  ASSERT_EQ(sqlite3_exec(db, earlier.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store.value()->GetRun("old").value().callback_url, "");
  NewRun run{"new", "w", "h", {}, "", 3, "http://bss.example/hook"};
  ASSERT_TRUE(store.value()->CreateRun(run).ok());
  EXPECT_EQ(store.value()->GetRun("new").value().callback_url,
            "http://bss.example/hook");
}

// A journal.db whose events are in the earlier `events` table (keyed by
// the run's UUID) has them moved to `journal` when it is opened, with the
// callback_url column added in the same opening: the runs read back their
// journals as they were and go on appending after them.
TEST(SqliteStoreTest, MovesTheEventsOfAnEarlierSchema) {
  std::string path = ::testing::TempDir() + "migrate_events.db";
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string earlier =
      std::string(kEarliestRunsTable) +
      "CREATE TABLE events (run_id TEXT NOT NULL, sequence INTEGER NOT NULL, "
      "type TEXT NOT NULL, step TEXT NOT NULL, data TEXT NOT NULL, time_ms "
      "INTEGER NOT NULL, PRIMARY KEY (run_id, sequence)) WITHOUT ROWID;"
      "INSERT INTO runs (id, workflow, definition_hash, status, inputs, "
      "created_ms, updated_ms, last_sequence) VALUES "
      "('b', 'w', 'h', 'running', '{}', 1, 2, 2), "
      "('a', 'w', 'h', 'succeeded', '{}', 1, 2, 1);"
      "INSERT INTO events VALUES ('a', 1, 'run_started', '', '{\"n\":1}', 5), "
      "('b', 2, 'step_started', 'x', '{}', 7), "
      "('b', 1, 'run_started', '', '{}', 6);";
  ASSERT_EQ(sqlite3_exec(db, earlier.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::vector<Event> b = store.value()->ReadJournal("b").value();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].type, "run_started");
  EXPECT_EQ(b[1].sequence, 2);
  EXPECT_EQ(b[1].step, "x");
  EXPECT_EQ(b[1].time_ms, 7);
  EXPECT_EQ(store.value()->GetRun("a").value().callback_url, "");
  std::vector<Event> a = store.value()->ReadJournal("a").value();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].data, (nlohmann::json{{"n", 1}}));
  Event next;
  next.type = "step_succeeded";
  next.step = "x";
  ASSERT_TRUE(store.value()
                  ->Append("b", 2, {next}, RunStatus::kRunning, "x", 8)
                  .ok());
  EXPECT_EQ(store.value()->ReadJournal("b").value().back().sequence, 3);
  EXPECT_EQ(store.value()->ReadLastEvent("b", "run_started").value()->time_ms,
            6);
  store.value().reset();
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  int tables = -1;
  sqlite3_exec(
      db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events'",
      [](void* out, int, char** values, char**) {
        *static_cast<int*>(out) = std::atoi(values[0]);
        return 0;
      },
      &tables, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(tables, 0);
}

// An event whose data does not encode (not UTF-8) is refused by an
// exception, and the transaction it was in is rolled back: the next append
// works.
TEST(MemoryStoreTest, AStringThatIsNotUtf8IsRefusedAndNothingIsWritten) {
  auto store = MakeMemoryStore();
  ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  Event good;
  good.type = "run_started";
  Event bad;
  bad.type = "call_failed";
  bad.data = {{"error", "cut \xe2\x82"}};
  Status refused =
      store->Append("r1", 0, {good, bad}, RunStatus::kRunning, "", 2);
  EXPECT_EQ(refused.message(),
            "run r1: cannot append to the journal: "
            "[json.exception.type_error.316] incomplete UTF-8 string; last "
            "byte: 0x82");
  EXPECT_TRUE(store->ReadJournal("r1").value().empty());
  EXPECT_EQ(store->GetRun("r1").value().last_sequence, 0);
}

TEST(MemoryStoreTest, KeepsEveryPartOfAnEventAsItWasGiven) {
  auto store = MakeMemoryStore();
  ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  Event first;
  first.type = "step";  // a prefix of the next event's type
  first.step = "a\nb";
  first.data = {{"text", "line\n{\"x\": 1}"}, {"n", nullptr}};
  first.time_ms = 7;
  Event second;
  second.type = "step_started";
  second.data = nlohmann::json::array({1.5, true});
  ASSERT_TRUE(
      store->Append("r1", 0, {first, second}, RunStatus::kRunning, "", 8).ok());
  std::vector<Event> journal = store->ReadJournal("r1").value();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0].sequence, 1);
  EXPECT_EQ(journal[0].type, "step");
  EXPECT_EQ(journal[0].step, "a\nb");
  EXPECT_EQ(journal[0].data, first.data);
  EXPECT_EQ(journal[0].time_ms, 7);
  EXPECT_EQ(journal[1].sequence, 2);
  EXPECT_EQ(journal[1].step, "");
  EXPECT_EQ(journal[1].data, second.data);
  std::optional<Event> last = store->ReadLastEvent("r1", "step").value();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->sequence, 1);
  EXPECT_EQ(last->data, first.data);
}

TEST(SqliteStoreTest, AnAppendThatThrowsLeavesNoTransactionOpen) {
  std::string path = ::testing::TempDir() + "throwing.db";
  std::filesystem::remove(path);
  auto store = OpenSqliteStore(path).value();
  ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  Event bad;
  bad.type = "call_failed";
  bad.data = {{"error", "cut \xe2\x82"}};
  EXPECT_THROW(store->Append("r1", 0, {bad}, RunStatus::kRunning, "", 2),
               std::exception);
  Event good;
  good.type = "run_started";
  ASSERT_TRUE(store->Append("r1", 0, {good}, RunStatus::kRunning, "", 3).ok());
  EXPECT_EQ(store->ReadJournal("r1").value().size(), 1u);
}

TEST(SqliteStoreTest, UnopenableFileIsAClearError) {
  auto store = OpenSqliteStore("/nonexistent-dir/runs.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(
      store.status().message(),
      "cannot open the SQLite store /nonexistent-dir/runs.db: unable to open "
      "database file");
}

// A second writer holds the lock: the append fails with a clear error and
// leaves nothing behind; once the lock is gone, the same append succeeds.
TEST(SqliteStoreTest, LockedDatabaseIsAClearErrorAndNothingIsHalfWritten) {
  std::string path = ::testing::TempDir() + "locked.db";
  std::filesystem::remove(path);
  SqliteOptions no_wait;
  no_wait.busy_timeout_ms = 0;
  auto store = OpenSqliteStore(path, no_wait).value();
  ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  Event e;
  e.type = "run_started";
  Status locked = store->Append("r1", 0, {e}, RunStatus::kRunning, "", 2);
  EXPECT_EQ(locked.message(),
            "SQLite store " + path +
                ": appending to a journal failed: database is locked");
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(store->GetRun("r1").value().last_sequence, 0);
  EXPECT_TRUE(store->ReadJournal("r1").value().empty());
  EXPECT_TRUE(store->Append("r1", 0, {e}, RunStatus::kRunning, "", 2).ok());
}

// Rows damaged outside the engine (a disk, a hand edit) are errors that
// name the run and what is wrong, not a pending run or an empty event that
// would be driven as what it never was.
TEST(SqliteStoreTest, ADamagedRowIsAnErrorNamingTheRun) {
  std::string path = ::testing::TempDir() + "damaged.db";
  std::filesystem::remove(path);
  auto store = OpenSqliteStore(path).value();
  ASSERT_TRUE(store->CreateRun({"r1", "w", "h", {}, "", 1, ""}).ok());
  Event e;
  e.type = "step_started";
  e.step = "ask";
  ASSERT_TRUE(store->Append("r1", 0, {e, e}, RunStatus::kRunning, "", 2).ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  auto exec = [&](const char* sql) {
    ASSERT_EQ(sqlite3_exec(other, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  };
  exec("UPDATE journal SET data = '{\"n\": ' WHERE sequence = 2");
  EXPECT_EQ(store->ReadJournal("r1").status().message(),
            "run r1 is damaged in the database: the data of its event 2 "
            "(step_started) is not JSON: parse error at line 1, column 7: "
            "syntax error while parsing value - unexpected end of input; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(store->ReadLastEvent("r1", "step_started").status().message(),
            store->ReadJournal("r1").status().message());
  exec("UPDATE journal SET data = 'null' WHERE sequence = 2");
  EXPECT_EQ(store->ReadJournal("r1").status().message(),
            "run r1 is damaged in the database: the data of its event 2 "
            "(step_started) is not a JSON object");
  // Parsed, it would overflow the stack where it is copied or printed.
  std::string deep = "{\"a\":" + std::string(50000, '[') +
                     std::string(50000, ']') + "}";
  exec(("UPDATE journal SET data = '" + deep + "' WHERE sequence = 2").c_str());
  EXPECT_EQ(store->ReadJournal("r1").status().message(),
            "run r1 is damaged in the database: the data of its event 2 "
            "(step_started) is nested deeper than 1000 levels");
  // Driven on, its step would run again.
  exec("UPDATE journal SET data = '{}', type = 'bogus' WHERE sequence = 2");
  EXPECT_EQ(store->ReadJournal("r1").status().message(),
            "run r1 is damaged in the database: its event 2 has the type "
            "'bogus', which is not one bssflow writes");
  exec("UPDATE runs SET inputs = 'not json'");
  EXPECT_EQ(store->GetRun("r1").status().message(),
            "run r1 is damaged in the database: its inputs are not JSON: "
            "parse error at line 1, column 2: syntax error while parsing "
            "value - invalid literal; last read: 'no'");
  RunFilter by_account;
  by_account.account = "7";
  EXPECT_EQ(store->ListRuns(by_account).status().message(),
            "SQLite store " + path +
                ": listing runs failed: the inputs of a run are damaged in "
                "the database (not JSON); list without the account filter to "
                "see which run");
  exec("UPDATE runs SET inputs = '{}', status = 'runing'");
  const std::string bad_status =
      "run r1 is damaged in the database: 'runing' is not a run status";
  EXPECT_EQ(store->GetRun("r1").status().message(), bad_status);
  EXPECT_EQ(store->ListRuns(RunFilter()).status().message(), bad_status);
  sqlite3_close(other);
}

}  // namespace
}  // namespace bssflow::engine
