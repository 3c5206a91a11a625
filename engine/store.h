// JournalStore: where runs, their journals and the workflow definitions they
// run on are kept. Two implementations: MemoryStore (tests, benchmarks) and
// SqliteStore (the embedded default, durable). A PostgreSQL store for
// several engine processes is meant to be a third implementation of this
// same interface: every method is one transaction, and Append checks the
// sequence it extends, so two writers can never interleave a journal.
//
// All methods are thread-safe. Failures of the store itself (a locked or
// full database, a disk error) are Status errors that name the problem; no
// method leaves a half-written change behind.
#ifndef BSSFLOW_ENGINE_STORE_H_
#define BSSFLOW_ENGINE_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/journal.h"

namespace bssflow::engine {

struct NewRun {
  std::string id;  // chosen by the caller (a UUID)
  std::string workflow;
  std::string definition_hash;
  nlohmann::json inputs = nlohmann::json::object();
  std::string idempotency_key;  // empty: none
  int64_t created_ms = 0;
  std::string callback_url;  // empty: none
};

/// The record of `run` as created: pending, nothing journaled, updated
/// when created.
RunRecord RecordOf(const NewRun& run);

struct CreatedRun {
  RunRecord run;
  /// False when the idempotency key already named a run, which is returned
  /// unchanged.
  bool created = true;
};

struct RunFilter {
  std::vector<RunStatus> statuses;  // empty: any
  std::string workflow;             // empty: any
  /// Runs whose `account_id` input is this (a number or a string input
  /// matches its decimal or literal text); empty: any.
  std::string account;
  /// Paging: runs created after the run with this id (in listing order).
  std::string after_id;
  int limit = 100;
};

/// One append of a batch (JournalStore::AppendBatch): Append's arguments.
struct AppendRequest {
  std::string run_id;
  int64_t expected_last_sequence = 0;
  std::vector<Event> events;
  RunStatus status = RunStatus::kRunning;
  std::string current_step;
  int64_t time_ms = 0;
};

/// One write of a batch (JournalStore::WriteBatch): a run to create
/// (CreateRun's argument) or an append; exactly one of the two is set.
struct BatchedWrite {
  const NewRun* create = nullptr;
  const AppendRequest* append = nullptr;
};

/// What one BatchedWrite came to.
struct BatchedOutcome {
  Status status;
  /// For a create whose status is OK: what CreateRun would have returned.
  CreatedRun created;
};

/// Why an Append was refused: someone else appended first.
inline constexpr const char* kSequenceConflict = "journal sequence conflict";

/// In the message of a read that failed because a stored run is damaged
/// (a row edited or broken outside the engine), after the run's id: "run R
/// is damaged in the database: ...". Not transient: the same read fails
/// until the row is mended.
inline constexpr std::string_view kDamagedInStore =
    " is damaged in the database: ";

class JournalStore {
 public:
  virtual ~JournalStore() = default;

  /// Keeps a workflow definition under its content hash; storing the same
  /// hash again changes nothing.
  virtual Status PutDefinition(const std::string& hash, const std::string& name,
                               const std::string& text) = 0;
  /// The definition's text; an error when the hash is unknown.
  virtual Result<std::string> GetDefinition(const std::string& hash) = 0;

  /// Creates a run in status pending with an empty journal, or returns the
  /// run its idempotency key already names.
  virtual Result<CreatedRun> CreateRun(const NewRun& run) = 0;

  /// Appends `events` (numbered last_sequence + 1, ...) and sets the run's
  /// status and current step, all at once. Refused with a message starting
  /// with kSequenceConflict when the run's last sequence is not
  /// `expected_last_sequence`.
  virtual Status Append(const std::string& run_id,
                        int64_t expected_last_sequence,
                        const std::vector<Event>& events, RunStatus status,
                        const std::string& current_step, int64_t time_ms) = 0;

  /// Makes each write as CreateRun or Append would, in order, and answers
  /// one outcome per write. A write that fails (a sequence conflict, a
  /// value that does not encode) changes nothing and does not fail the
  /// others. Stores that can make them all in one transaction do
  /// (GroupsCommits); when that transaction fails, every write fails and
  /// nothing is written. The default makes them one call at a time.
  virtual std::vector<BatchedOutcome> WriteBatch(
      const std::vector<BatchedWrite>& writes);

  /// WriteBatch of appends only: one Status per request.
  std::vector<Status> AppendBatch(
      const std::vector<const AppendRequest*>& requests);

  /// Whether WriteBatch costs much less than the calls it stands for (one
  /// commit instead of one per write): the Runner then makes the writes of
  /// the runs it drives in batches (group commit).
  virtual bool GroupsCommits() const { return false; }

  /// The run; an error when it is unknown.
  virtual Result<RunRecord> GetRun(const std::string& run_id) = 0;
  /// Where the run stands, without its inputs: cheaper than GetRun for a
  /// reader that only needs to know whether the run changed (status,
  /// last_sequence, updated_ms; the other fields are left empty). An error
  /// when it is unknown, worded as GetRun's.
  virtual Result<RunRecord> GetRunVersion(const std::string& run_id) = 0;
  /// The run an idempotency key names, or nullopt when it names none.
  virtual Result<std::optional<RunRecord>> FindRunByKey(
      const std::string& idempotency_key) = 0;
  /// The run's journal, in sequence order.
  virtual Result<std::vector<Event>> ReadJournal(const std::string& run_id) = 0;
  /// The run's last event of `type`, or nullopt when it has none (or there
  /// is no such run): what a reader of a run's state needs (its prompt, its
  /// outputs) without reading the whole journal.
  virtual Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                                     const std::string& type) = 0;
  /// Runs matching `filter`, oldest first.
  virtual Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) = 0;
  /// How many runs there are in each status (statuses with none absent).
  virtual Result<std::map<RunStatus, int64_t>> CountRunsByStatus() = 0;
};

/// A store in memory: fast, and gone with the process.
std::unique_ptr<JournalStore> MakeMemoryStore();

struct SqliteOptions {
  /// How long a write waits for another writer's lock before it fails with
  /// "database is locked".
  int busy_timeout_ms = 5000;
  /// WAL checkpoints (sqlite_checkpointer.h): made on a thread of their own
  /// once this many pages were written since the last one...
  int checkpoint_pages = 1000;
  /// ...and by the writer itself, in its commit, past this many (when the
  /// thread falls behind, or without it).
  int writer_checkpoint_pages = 20000;
  /// False: no checkpoint thread (tests of the writer's checkpoints).
  bool background_checkpoints = true;
};

/// A SQLite store in `path` (created when missing), in WAL mode. An error
/// when the file cannot be opened or its schema created.
Result<std::unique_ptr<JournalStore>> OpenSqliteStore(
    const std::string& path, const SqliteOptions& options = SqliteOptions());

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_STORE_H_
