// SqliteStore: JournalStore in one SQLite file, WAL mode. Writes go through
// one connection under a mutex; reads through a small pool of connections
// of their own, which in WAL mode neither wait for the writer nor make it
// wait. Every method is one transaction.
//
// WAL checkpoints are made on a thread of their own (sqlite_checkpointer.h),
// not in the commit that crosses SQLite's threshold.
//
// Durability: synchronous=NORMAL, which in WAL mode survives any crash of
// the process (kill -9 included) and loses at most the last transactions on
// a power failure; BSSFLOW_SQLITE_SYNCHRONOUS=FULL trades speed for that.
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "dsl/json_value.h"
#include "engine/json_text.h"
#include "engine/sqlite_checkpointer.h"
#include "engine/store.h"

namespace bssflow::engine {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS definitions (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  workflow TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  inputs TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  callback_url TEXT NOT NULL DEFAULT '',
  current_step TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, seq);
CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY,
  run_seq INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  step TEXT NOT NULL,
  data TEXT NOT NULL,
  time_ms INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS journal_by_run ON journal (run_seq, sequence);
)sql";

// Journal events are rows in the order they were written (`id`), found by
// their run's `seq` (journal_by_run). Rows keyed by a run's UUID, as an
// earlier schema had them (`events`), spread the runs written together over
// as many pages as there were runs, and a commit writes every page it
// touched to the WAL: with 200 runs in a batch, about a 4 KB page per
// append. In write order, the events of a batch fill a few pages at the end
// of the table, and the index entries of runs started together share pages.
constexpr const char* kMoveEarlierEvents = R"sql(
INSERT INTO journal (run_seq, sequence, type, step, data, time_ms)
  SELECT runs.seq, events.sequence, events.type, events.step, events.data,
         events.time_ms
  FROM events JOIN runs ON runs.id = events.run_id
  ORDER BY runs.seq, events.sequence;
DROP TABLE events;
)sql";

// Prepared statements by their SQL, kept for the life of the connection:
// preparing costs more than running the small statements of an append.
// Used by one caller at a time (the mutex of its connection).
class StatementCache {
 public:
  ~StatementCache() { Clear(); }
  // Finalizes every statement; the connection cannot close before.
  void Clear() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }
  // The statement for `sql`, prepared on first use; nullptr when it does
  // not prepare (sqlite3_errmsg says why).
  sqlite3_stmt* Get(sqlite3* db, const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }

 private:
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// One use of a cached statement: reset, bindings cleared, when it ends, so
// that no read transaction stays open and no bound text outlives the call.
class Statement {
 public:
  Statement(StatementCache& cache, sqlite3* db, const std::string& sql)
      : stmt_(cache.Get(db, sql)), ok_(stmt_ != nullptr) {}
  ~Statement() { Reset(); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return ok_; }
  Statement& Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  /// Binds `text` without a copy: it must stay as it is until the
  /// statement has been stepped and reset.
  Statement& BindUncopied(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
    return *this;
  }
  Statement& Bind(int i, int64_t n) {
    sqlite3_bind_int64(stmt_, i, n);
    return *this;
  }
  Statement& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  /// Makes the statement ready to run again with new bindings.
  void Reset() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text == nullptr ? "" : reinterpret_cast<const char*>(text);
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

constexpr const char* kRunColumns =
    "id, workflow, definition_hash, status, inputs, idempotency_key, "
    "current_step, "
    "created_ms, updated_ms, last_sequence, callback_url";

// `text`, a column that holds a JSON object (or null, with `null_too`:
// the inputs of a run created without any), parsed. The error says what is
// wrong with it (a damaged database): "not JSON: <why>" without nlohmann's
// "[json.exception...]" prefix, or "not a JSON object".
Result<nlohmann::json> ParseObjectColumn(const std::string& text,
                                         bool null_too = false) {
  // Far deeper than real journals nest (values read back nest at most 100
  // levels; call arguments an expression's 64 more), far shallower than
  // what overflows the stack when the document is copied or printed (some
  // 50,000 levels).
  constexpr int kMaxDepth = 1000;
  if (dsl::NestsDeeperThan(text, kMaxDepth)) {
    return Status::Error("nested deeper than " + std::to_string(kMaxDepth) +
                         " levels");
  }
  nlohmann::json json;
  try {
    json = ParseJsonText(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error("not JSON: " + JsonErrorText(e));
  }
  if (!json.is_object() && !(null_too && json.is_null()))
    return Status::Error("not a JSON object");
  return json;
}

// "run R is damaged in the database: <what>" (kDamagedInStore).
Status Damaged(const std::string& run_id, const std::string& what) {
  return Status::Error("run " + run_id + std::string(kDamagedInStore) + what);
}

// A row of `runs`. A status the engine does not know or inputs that are
// not a JSON object are errors naming the run: read as pending or as
// nothing, the run would be driven from what it never was.
Result<RunRecord> ReadRun(const Statement& row) {
  RunRecord run;
  run.id = row.Text(0);
  run.workflow = row.Text(1);
  run.definition_hash = row.Text(2);
  std::optional<RunStatus> status = ParseRunStatus(row.Text(3));
  if (!status.has_value()) {
    return Damaged(run.id, "'" + row.Text(3) + "' is not a run status");
  }
  run.status = *status;
  Result<nlohmann::json> inputs =
      ParseObjectColumn(row.Text(4), /*null_too=*/true);
  if (!inputs.ok()) {
    return Damaged(run.id, "its inputs are " + inputs.status().message());
  }
  run.inputs = std::move(inputs.value());
  run.idempotency_key = row.Text(5);
  run.current_step = row.Text(6);
  run.created_ms = row.Int(7);
  run.updated_ms = row.Int(8);
  run.last_sequence = row.Int(9);
  run.callback_url = row.Text(10);
  return run;
}

// A row of `journal` (sequence, type, step, data, time_ms) of run `run_id`.
// A type bssflow does not write, or data that is not a JSON object (every
// payload is one) or nests past ParseObjectColumn's limit, is an error
// naming the event: read as it is, it would replay as a step that never
// ran (its call made again), stop the engine, or overflow its stack.
Result<Event> ReadEvent(const std::string& run_id, const Statement& row) {
  if (!IsEventType(row.Text(1))) {
    return Damaged(run_id, "its event " + std::to_string(row.Int(0)) +
                               " has the type '" + row.Text(1) +
                               "', which is not one bssflow writes");
  }
  Result<nlohmann::json> data = ParseObjectColumn(row.Text(3));
  if (!data.ok()) {
    return Damaged(run_id, "the data of its event " +
                               std::to_string(row.Int(0)) + " (" +
                               row.Text(1) + ") is " + data.status().message());
  }
  return Event{row.Int(0), row.Text(1), row.Text(2), std::move(data.value()),
               row.Int(4)};
}

// A connection of the store's read pool, with its statements. Used by one
// caller at a time (its mutex). In WAL mode readers do not wait for the
// writer, and a read sees every transaction committed before it began.
struct ReadConnection {
  ~ReadConnection() {
    cache.Clear();
    sqlite3_close(db);
  }
  sqlite3* db = nullptr;
  StatementCache cache;
  std::mutex mutex;
};

// One read's hold on a connection of the pool.
class Reading {
 public:
  explicit Reading(ReadConnection& connection)
      : lock_(connection.mutex), connection_(&connection) {}
  sqlite3* db() const { return connection_->db; }
  StatementCache& cache() const { return connection_->cache; }

 private:
  std::unique_lock<std::mutex> lock_;
  ReadConnection* connection_;
};

// The events' data as the journal keeps it: compact JSON, one text per
// event. Throws (nlohmann's type_error) on a string that is not UTF-8.
std::vector<std::string> EncodePayloads(const std::vector<Event>& events) {
  std::vector<std::string> payloads;
  payloads.reserve(events.size());
  for (const Event& event : events) payloads.push_back(JsonText(event.data));
  return payloads;
}

// An append of a batch with its payloads encoded, or why they do not
// encode (the append's outcome then, with nothing written).
struct EncodedAppend {
  std::vector<std::string> payloads;
  Status refused;
};

EncodedAppend Encode(const AppendRequest& request) {
  EncodedAppend encoded;
  try {
    encoded.payloads = EncodePayloads(request.events);
  } catch (const std::exception& e) {
    encoded.refused = Status::Error("run " + request.run_id +
                                    ": cannot append to the journal: " +
                                    e.what());
  }
  return encoded;
}

class SqliteStore final : public JournalStore {
 public:
  SqliteStore(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    checkpointer_.reset();  // before the connection it hooks is closed
    cache_.Clear();
    sqlite3_close(db_);
  }

  Status Init(const SqliteOptions& options) {
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    const char* sync = std::getenv("BSSFLOW_SQLITE_SYNCHRONOUS");
    std::string pragmas =
        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
        (sync != nullptr && std::string(sync) == "FULL" ? "FULL" : "NORMAL") +
        ";";
    if (Status s = Exec(pragmas, "setting WAL mode"); !s.ok()) return s;
    if (Status s = Exec(kSchema, "creating the schema"); !s.ok()) return s;
    if (Status s = Migrate(); !s.ok()) return s;
    CheckpointPolicy policy;
    policy.background_pages = options.checkpoint_pages;
    policy.writer_pages = options.writer_checkpoint_pages;
    policy.background = options.background_checkpoints;
    auto checkpointer =
        Checkpointer::Start(db_, path_, policy, options.busy_timeout_ms);
    if (!checkpointer.ok()) return checkpointer.status();
    checkpointer_ = std::move(checkpointer.value());
    return Status::Ok();
  }

  // Opens the read pool, once the schema is in place: `count`
  // connections to the same file that only read (query_only).
  Status OpenReaders(int count, const SqliteOptions& options) {
    for (int i = 0; i < count; ++i) {
      auto reader = std::make_unique<ReadConnection>();
      int rc = sqlite3_open_v2(path_.c_str(), &reader->db,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                               nullptr);
      if (rc != SQLITE_OK ||
          sqlite3_exec(reader->db, "PRAGMA query_only=1", nullptr, nullptr,
                       nullptr) != SQLITE_OK) {
        std::string message = reader->db != nullptr
                                  ? sqlite3_errmsg(reader->db)
                                  : "out of memory";
        return Status::Error("cannot open the SQLite store " + path_ +
                             " for reading: " + message);
      }
      sqlite3_busy_timeout(reader->db, options.busy_timeout_ms);
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  // Brings a journal.db made by an earlier version up to kSchema.
  Status Migrate() {
    if (Status s = AddCallbackUrl(); !s.ok()) return s;
    return MoveEarlierEvents();
  }

  // Events kept in the earlier `events` table move to `journal`, in one
  // transaction.
  Status MoveEarlierEvents() {
    Statement table(cache_, db_,
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                    "name = 'events'");
    if (!table.ok()) return Failure("reading the schema");
    int rc = table.Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Failure("reading the schema");
    table.Reset();
    if (Status s = Exec(std::string("BEGIN IMMEDIATE;") + kMoveEarlierEvents +
                            "COMMIT;",
                        "moving the journal to its new table");
        !s.ok()) {
      Exec("ROLLBACK", "moving the journal to its new table");
      return s;
    }
    return Status::Ok();
  }

  Status AddCallbackUrl() {
    Statement column(cache_, db_,
                     "SELECT 1 FROM pragma_table_info('runs') "
                     "WHERE name = 'callback_url'");
    if (!column.ok()) return Failure("reading the schema");
    int rc = column.Step();
    if (rc == SQLITE_ROW) return Status::Ok();
    if (rc != SQLITE_DONE) return Failure("reading the schema");
    return Exec(
        "ALTER TABLE runs ADD COLUMN callback_url TEXT NOT NULL DEFAULT ''",
        "adding runs.callback_url");
  }

  Status PutDefinition(const std::string& hash, const std::string& name,
                       const std::string& text) override {
    std::lock_guard lock(mutex_);
    Statement insert(cache_, db_,
                     "INSERT OR IGNORE INTO definitions (hash, name, text) "
                     "VALUES (?, ?, ?)");
    if (!insert.ok()) return Failure("saving a definition");
    if (insert.Bind(1, hash).Bind(2, name).Bind(3, text).Step() !=
        SQLITE_DONE) {
      return Failure("saving a definition");
    }
    return Status::Ok();
  }

  Result<std::string> GetDefinition(const std::string& hash) override {
    Reading reading = Read();
    Statement select(reading.cache(), reading.db(), "SELECT text FROM definitions WHERE hash = ?");
    if (!select.ok()) return Failure(reading.db(), "reading a definition");
    int rc = select.Bind(1, hash).Step();
    if (rc == SQLITE_ROW) return select.Text(0);
    if (rc == SQLITE_DONE)
      return Status::Error("no workflow definition " + hash);
    return Failure(reading.db(), "reading a definition");
  }

  Result<CreatedRun> CreateRun(const NewRun& run) override {
    std::lock_guard lock(mutex_);
    if (Status s = Run("BEGIN IMMEDIATE", "creating a run"); !s.ok()) return s;
    Result<CreatedRun> result = RollingBackOnThrow(
        "creating a run", [&] { return CreateRunLocked(run); });
    if (Status s = Run(result.ok() ? "COMMIT" : "ROLLBACK", "creating a run");
        !s.ok()) {
      return s;
    }
    return result;
  }

  Status Append(const std::string& run_id, int64_t expected_last_sequence,
                const std::vector<Event>& events, RunStatus status,
                const std::string& current_step, int64_t time_ms) override {
    // Throws, before anything is written, on a payload that does not encode.
    const std::vector<std::string> payloads = EncodePayloads(events);
    std::lock_guard lock(mutex_);
    if (Status s = Run("BEGIN IMMEDIATE", "appending to a journal"); !s.ok())
      return s;
    Status result = RollingBackOnThrow("appending to a journal", [&] {
      return AppendLocked(run_id, expected_last_sequence, events, payloads,
                          status, current_step, time_ms);
    });
    if (!result.ok()) {
      Run("ROLLBACK", "appending to a journal");
      return result;
    }
    return Run("COMMIT", "appending to a journal");
  }

  // One transaction for the whole batch, a savepoint per write: a write
  // that fails is rolled back alone, and one commit makes them all durable.
  std::vector<BatchedOutcome> WriteBatch(
      const std::vector<BatchedWrite>& writes) override {
    // The payloads are encoded before the lock: the other Runners' batches
    // need not wait for this one's JSON, only for its SQL.
    std::vector<EncodedAppend> encoded(writes.size());
    for (size_t i = 0; i < writes.size(); ++i) {
      if (writes[i].append != nullptr) encoded[i] = Encode(*writes[i].append);
    }
    std::lock_guard lock(mutex_);
    std::vector<BatchedOutcome> outcomes;
    outcomes.reserve(writes.size());
    if (Status s = Run("BEGIN IMMEDIATE", "writing a batch"); !s.ok())
      return FailedBatch(writes.size(), s);
    for (size_t i = 0; i < writes.size(); ++i) {
      const BatchedWrite& write = writes[i];
      if (!encoded[i].refused.ok()) {
        outcomes.push_back({encoded[i].refused, CreatedRun()});
        continue;
      }
      BatchedOutcome outcome = WriteInSavepoint(write, encoded[i].payloads);
      // SQLite rolls the whole transaction back by itself on some errors
      // (a full disk, an I/O error, no memory), and a savepoint that cannot
      // be rolled back or released leaves the batch in doubt: then nothing
      // of the batch is written, and every write fails.
      if (sqlite3_get_autocommit(db_) != 0 || batch_broken_) {
        batch_broken_ = false;
        if (sqlite3_get_autocommit(db_) == 0)
          Run("ROLLBACK", "writing a batch");
        return FailedBatch(writes.size(), outcome.status.ok()
                                              ? Failure("writing a batch")
                                              : outcome.status);
      }
      outcomes.push_back(std::move(outcome));
    }
    if (Status s = Run("COMMIT", "writing a batch"); !s.ok()) {
      Run("ROLLBACK", "writing a batch");
      return FailedBatch(writes.size(), s);
    }
    return outcomes;
  }

  bool GroupsCommits() const override { return true; }

  Result<RunRecord> GetRun(const std::string& run_id) override {
    Reading reading = Read();
    Statement select(
        reading.cache(), reading.db(), std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    if (!select.ok()) return Failure(reading.db(), "reading a run");
    int rc = select.Bind(1, run_id).Step();
    if (rc == SQLITE_ROW) return ReadRun(select);
    if (rc == SQLITE_DONE) return Status::Error("no run " + run_id);
    return Failure(reading.db(), "reading a run");
  }

  Result<std::optional<RunRecord>> FindRunByKey(
      const std::string& idempotency_key) override {
    Reading reading = Read();
    Statement select(reading.cache(), reading.db(),
                     std::string("SELECT ") + kRunColumns +
                         " FROM runs WHERE idempotency_key = ?");
    if (!select.ok()) return Failure(reading.db(), "finding a run");
    int rc = select.Bind(1, idempotency_key).Step();
    if (rc == SQLITE_ROW) {
      Result<RunRecord> run = ReadRun(select);
      if (!run.ok()) return run.status();
      return std::optional<RunRecord>(std::move(run.value()));
    }
    if (rc == SQLITE_DONE) return std::optional<RunRecord>();
    return Failure(reading.db(), "finding a run");
  }

  Result<std::vector<Event>> ReadJournal(const std::string& run_id) override {
    Reading reading = Read();
    Statement exists(reading.cache(), reading.db(), "SELECT seq FROM runs WHERE id = ?");
    if (!exists.ok() || exists.Bind(1, run_id).Step() != SQLITE_ROW) {
      return Status::Error("no run " + run_id);
    }
    const int64_t run_seq = exists.Int(0);
    Statement select(reading.cache(), reading.db(),
                     "SELECT sequence, type, step, data, time_ms FROM journal "
                     "WHERE run_seq = ? ORDER BY sequence");
    if (!select.ok()) return Failure(reading.db(), "reading a journal");
    select.Bind(1, run_seq);
    std::vector<Event> events;
    int rc;
    while ((rc = select.Step()) == SQLITE_ROW) {
      Result<Event> event = ReadEvent(run_id, select);
      if (!event.ok()) return event.status();
      events.push_back(std::move(event.value()));
    }
    if (rc != SQLITE_DONE) return Failure(reading.db(), "reading a journal");
    return events;
  }

  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override {
    Reading reading = Read();
    std::string sql =
        std::string("SELECT ") + kRunColumns + " FROM runs WHERE 1";
    if (!filter.after_id.empty()) {
      sql += " AND seq > COALESCE((SELECT seq FROM runs WHERE id = ?), -1)";
    }
    if (!filter.workflow.empty()) sql += " AND workflow = ?";
    if (!filter.account.empty()) {
      sql += " AND CAST(json_extract(inputs, '$.account_id') AS TEXT) = ?";
    }
    if (!filter.statuses.empty()) {
      sql += " AND status IN (";
      for (size_t i = 0; i < filter.statuses.size(); ++i)
        sql += i == 0 ? "?" : ", ?";
      sql += ")";
    }
    sql += " ORDER BY seq LIMIT ?";
    Statement select(reading.cache(), reading.db(), sql);
    if (!select.ok()) return Failure(reading.db(), "listing runs");
    int i = 1;
    if (!filter.after_id.empty()) select.Bind(i++, filter.after_id);
    if (!filter.workflow.empty()) select.Bind(i++, filter.workflow);
    if (!filter.account.empty()) select.Bind(i++, filter.account);
    for (RunStatus s : filter.statuses)
      select.Bind(i++, std::string(RunStatusName(s)));
    select.Bind(i, static_cast<int64_t>(filter.limit));
    std::vector<RunRecord> runs;
    int rc;
    while ((rc = select.Step()) == SQLITE_ROW) {
      Result<RunRecord> run = ReadRun(select);
      if (!run.ok()) return run.status();
      runs.push_back(std::move(run.value()));
    }
    if (rc != SQLITE_DONE) {
      // The account filter reads every run's inputs: one that is not JSON
      // fails the query before its row could be named.
      if (!filter.account.empty() &&
          std::string_view(sqlite3_errmsg(reading.db())) == "malformed JSON") {
        return Status::Error(
            "SQLite store " + path_ +
            ": listing runs failed: the inputs of a run are damaged in the "
            "database (not JSON); list without the account filter to see "
            "which run");
      }
      return Failure(reading.db(), "listing runs");
    }
    return runs;
  }

  Result<RunRecord> GetRunVersion(const std::string& run_id) override {
    Reading reading = Read();
    Statement select(reading.cache(), reading.db(),
                     "SELECT status, last_sequence, updated_ms FROM runs "
                     "WHERE id = ?");
    if (!select.ok()) return Failure(reading.db(), "reading a run");
    int rc = select.Bind(1, run_id).Step();
    if (rc == SQLITE_DONE) return Status::Error("no run " + run_id);
    if (rc != SQLITE_ROW) return Failure(reading.db(), "reading a run");
    RunRecord version;
    version.id = run_id;
    version.status =
        ParseRunStatus(select.Text(0)).value_or(RunStatus::kPending);
    version.last_sequence = select.Int(1);
    version.updated_ms = select.Int(2);
    return version;
  }

  Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                             const std::string& type) override {
    Reading reading = Read();
    Statement select(reading.cache(), reading.db(),
                     "SELECT sequence, type, step, data, time_ms FROM journal "
                     "WHERE run_seq = (SELECT seq FROM runs WHERE id = ?) "
                     "AND type = ? ORDER BY sequence DESC LIMIT 1");
    if (!select.ok()) return Failure(reading.db(), "reading a journal");
    int rc = select.Bind(1, run_id).Bind(2, type).Step();
    if (rc == SQLITE_DONE) return std::optional<Event>();
    if (rc != SQLITE_ROW) return Failure(reading.db(), "reading a journal");
    Result<Event> event = ReadEvent(run_id, select);
    if (!event.ok()) return event.status();
    return std::optional<Event>(std::move(event.value()));
  }

  Result<std::map<RunStatus, int64_t>> CountRunsByStatus() override {
    Reading reading = Read();
    Statement select(reading.cache(), reading.db(),
                     "SELECT status, COUNT(*) FROM runs GROUP BY status");
    if (!select.ok()) return Failure(reading.db(), "counting runs");
    std::map<RunStatus, int64_t> counts;
    int rc;
    while ((rc = select.Step()) == SQLITE_ROW) {
      std::optional<RunStatus> status = ParseRunStatus(select.Text(0));
      if (status.has_value()) counts[*status] += select.Int(1);
    }
    if (rc != SQLITE_DONE) return Failure(reading.db(), "counting runs");
    return counts;
  }

 private:
  // Runs `body` inside the open transaction; when it throws (a JSON value
  // that does not encode), rolls the transaction back before the exception
  // goes on, so that the connection is never left inside it.
  template <typename Body>
  auto RollingBackOnThrow(const char* doing, Body body) -> decltype(body()) {
    try {
      return body();
    } catch (...) {
      Run("ROLLBACK", doing);
      throw;
    }
  }

  Status Failure(const std::string& doing) const {
    return Failure(db_, doing);
  }
  Status Failure(sqlite3* db, const std::string& doing) const {
    return Status::Error("SQLite store " + path_ + ": " + doing +
                         " failed: " + sqlite3_errmsg(db));
  }

  // A connection of the read pool, taken in turn; it is this caller's
  // until the Reading is gone.
  Reading Read() {
    size_t turn = next_reader_.fetch_add(1, std::memory_order_relaxed);
    return Reading(*readers_[turn % readers_.size()]);
  }

  // One statement without results, from the cache (BEGIN, COMMIT, ...).
  Status Run(const std::string& sql, const std::string& doing) {
    Statement statement(cache_, db_, sql);
    if (!statement.ok() || statement.Step() != SQLITE_DONE) {
      return Failure(doing);
    }
    return Status::Ok();
  }

  Status Exec(const std::string& sql, const std::string& doing) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) ==
        SQLITE_OK) {
      return Status::Ok();
    }
    std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return Status::Error("SQLite store " + path_ + ": " + doing +
                         " failed: " + text);
  }

  Result<CreatedRun> CreateRunLocked(const NewRun& run) {
    if (!run.idempotency_key.empty()) {
      Statement existing(cache_, db_, std::string("SELECT ") + kRunColumns +
                                  " FROM runs WHERE idempotency_key = ?");
      if (!existing.ok()) return Failure("creating a run");
      int rc = existing.Bind(1, run.idempotency_key).Step();
      if (rc == SQLITE_ROW) {
        Result<RunRecord> existing_run = ReadRun(existing);
        if (!existing_run.ok()) return existing_run.status();
        return CreatedRun{std::move(existing_run.value()), false};
      }
      if (rc != SQLITE_DONE) return Failure("creating a run");
    }
    Statement insert(
        cache_, db_,
        "INSERT INTO runs (id, workflow, definition_hash, status, inputs, "
        "idempotency_key, created_ms, updated_ms, callback_url) VALUES (?, ?, "
        "?, ?, ?, ?, ?, ?, ?)");
    if (!insert.ok()) return Failure("creating a run");
    insert.Bind(1, run.id).Bind(2, run.workflow).Bind(3, run.definition_hash);
    insert.Bind(4, std::string(RunStatusName(RunStatus::kPending)))
        .Bind(5, run.inputs.dump());
    if (run.idempotency_key.empty()) {
      insert.BindNull(6);
    } else {
      insert.Bind(6, run.idempotency_key);
    }
    insert.Bind(7, run.created_ms).Bind(8, run.created_ms);
    insert.Bind(9, run.callback_url);
    if (insert.Step() != SQLITE_DONE) return Failure("creating run " + run.id);
    RunRecord record = RecordOf(run);
    RememberSeq(run.id, sqlite3_last_insert_rowid(db_));
    return CreatedRun{record, true};
  }

  static std::vector<BatchedOutcome> FailedBatch(size_t size,
                                                 const Status& failure) {
    return std::vector<BatchedOutcome>(size, BatchedOutcome{failure, {}});
  }

  // One write of WriteBatch, inside its transaction.
  BatchedOutcome WriteInSavepoint(const BatchedWrite& write,
                                  const std::vector<std::string>& payloads) {
    BatchedOutcome outcome;
    if (Status s = Run("SAVEPOINT request", "writing a batch"); !s.ok()) {
      outcome.status = s;
      return outcome;
    }
    try {
      if (write.create != nullptr) {
        Result<CreatedRun> created = CreateRunLocked(*write.create);
        if (created.ok()) {
          outcome.created = std::move(created.value());
        } else {
          outcome.status = created.status();
        }
      } else {
        const AppendRequest& request = *write.append;
        outcome.status = AppendLocked(
            request.run_id, request.expected_last_sequence, request.events,
            payloads, request.status, request.current_step, request.time_ms);
      }
    } catch (const std::exception& e) {
      outcome.status =
          write.create != nullptr
              ? Status::Error("cannot create run " + write.create->id + ": " +
                              e.what())
              : Status::Error("run " + write.append->run_id +
                              ": cannot append to the journal: " + e.what());
    }
    if (!outcome.status.ok() &&
        !Run("ROLLBACK TO request", "writing a batch").ok()) {
      batch_broken_ = true;
    }
    Status released = Run("RELEASE request", "writing a batch");
    if (!released.ok()) {
      batch_broken_ = true;
      if (outcome.status.ok()) outcome.status = released;
    }
    return outcome;
  }

  // The run's row is updated first, by its rowid (seq), and only if it is
  // that run's and at the expected sequence: one statement both checks and
  // moves the run on. Its seq comes from run_seqs_, else from the index of
  // ids; a remembered one that does not match is read again.
  // `payloads`: the events' data, as EncodePayloads made it.
  Status AppendLocked(const std::string& run_id, int64_t expected_last_sequence,
                      const std::vector<Event>& events,
                      const std::vector<std::string>& payloads,
                      RunStatus status, const std::string& current_step,
                      int64_t time_ms) {
    const int64_t last =
        expected_last_sequence + static_cast<int64_t>(events.size());
    std::optional<int64_t> run_seq;
    for (bool remembered : {true, false}) {
      if (!remembered) run_seqs_.erase(run_id);
      Result<int64_t> seq = SeqOf(run_id);
      if (!seq.ok()) return seq.status();
      Statement update(
          cache_, db_,
          "UPDATE runs SET status = ?, current_step = ?, updated_ms = ?, "
          "last_sequence = ? WHERE seq = ? AND id = ? AND last_sequence = ?");
      if (!update.ok()) return Failure("appending to a journal");
      update.BindUncopied(1, RunStatusName(status))
          .BindUncopied(2, current_step);
      update.Bind(3, time_ms).Bind(4, last).Bind(5, seq.value());
      update.BindUncopied(6, run_id).Bind(7, expected_last_sequence);
      if (update.Step() != SQLITE_DONE)
        return Failure("appending to a journal");
      if (sqlite3_changes(db_) == 1) {
        run_seq = seq.value();
        break;
      }
    }
    if (!run_seq.has_value())
      return NotAppendable(run_id, expected_last_sequence);
    Statement insert(
        cache_, db_,
        "INSERT INTO journal (run_seq, sequence, type, step, data, time_ms) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert.ok()) return Failure("appending to a journal");
    int64_t sequence = expected_last_sequence;
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& event = events[i];
      insert.Reset();
      insert.Bind(1, *run_seq).Bind(2, ++sequence);
      insert.BindUncopied(3, event.type).BindUncopied(4, event.step);
      insert.BindUncopied(5, payloads[i]).Bind(6, event.time_ms);
      if (insert.Step() != SQLITE_DONE)
        return Failure("appending to a journal");
    }
    return Status::Ok();
  }

  // Why the run's row did not move on: there is no such run, or its journal
  // is not at `expected`.
  Status NotAppendable(const std::string& run_id, int64_t expected) {
    Statement select(cache_, db_,
                     "SELECT last_sequence FROM runs WHERE id = ?");
    if (!select.ok()) return Failure("appending to a journal");
    int rc = select.Bind(1, run_id).Step();
    if (rc == SQLITE_DONE) return Status::Error("no run " + run_id);
    if (rc != SQLITE_ROW) return Failure("appending to a journal");
    return Status::Error(std::string(kSequenceConflict) + ": run " + run_id +
                         " is at " + std::to_string(select.Int(0)) + ", not " +
                         std::to_string(expected));
  }

  // The rowid of run `run_id`: remembered, or read from the index of ids.
  Result<int64_t> SeqOf(const std::string& run_id) {
    if (auto it = run_seqs_.find(run_id); it != run_seqs_.end())
      return it->second;
    Statement select(cache_, db_, "SELECT seq FROM runs WHERE id = ?");
    if (!select.ok()) return Failure("appending to a journal");
    int rc = select.Bind(1, run_id).Step();
    if (rc == SQLITE_DONE) return Status::Error("no run " + run_id);
    if (rc != SQLITE_ROW) return Failure("appending to a journal");
    RememberSeq(run_id, select.Int(0));
    return select.Int(0);
  }

  // A run's seq never changes once committed; one remembered from a
  // transaction that was rolled back may name another run later, which
  // AppendLocked finds out (the id does not match). Bounded: when full, it
  // starts again.
  void RememberSeq(const std::string& run_id, int64_t seq) {
    if (run_seqs_.size() >= kRememberedSeqs) run_seqs_.clear();
    run_seqs_.emplace(run_id, seq);
  }

  std::mutex mutex_;
  // Set by WriteInSavepoint when a savepoint could not be rolled back or
  // released: the batch is in doubt and WriteBatch abandons it.
  bool batch_broken_ = false;
  sqlite3* db_;  // the writer's connection, under mutex_
  std::string path_;
  StatementCache cache_;
  std::vector<std::unique_ptr<ReadConnection>> readers_;
  std::atomic<size_t> next_reader_{0};
  std::unique_ptr<Checkpointer> checkpointer_;
  static constexpr size_t kRememberedSeqs = 100000;
  std::unordered_map<std::string, int64_t> run_seqs_;  // under mutex_
};

}  // namespace

// Connections of the read pool: the engine's thread and the HTTP server's
// threads read at once without waiting for each other or for the writer.
constexpr int kReaders = 4;

Result<std::unique_ptr<JournalStore>> OpenSqliteStore(
    const std::string& path, const SqliteOptions& options) {
  sqlite3* db = nullptr;
  // NOMUTEX: the writer's connection is used under SqliteStore::mutex_
  // only, so SQLite's own mutex on it would be taken for nothing.
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Error("cannot open the SQLite store " + path + ": " +
                         message);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  if (Status s = store->Init(options); !s.ok()) return s;
  if (Status s = store->OpenReaders(kReaders, options); !s.ok()) return s;
  return std::unique_ptr<JournalStore>(std::move(store));
}

}  // namespace bssflow::engine
