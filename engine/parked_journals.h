// The journals of runs a Runner parked on a confirmation, kept in memory so
// that the drive an answer starts need not read them back from the store.
//
// A run parked by a drive of this Runner has its whole journal in that
// drive's hands as it was written. When the answer comes, the next drive
// would read it again from the store (a query and a parse per event). The
// Runner keeps it instead, up to a bounded number of runs (the oldest parked
// is dropped first), and takes it back for the answer.
//
// A kept journal is only used when it still is the run's journal: events
// are immutable once written and numbered without gaps, so a journal of
// exactly `last_sequence` events, all written, is the run's whole journal
// when the run's record says `last_sequence`. Anything else (another
// process moved the run on, the journal was dropped) reads the store.
//
// With the journal, the Runner may keep what the parking drive had made of
// it (ReplayedState): the run's inputs, step results and variables. The
// answer's drive then starts from them instead of replaying the journal up
// to the prompt (reading every journaled result back into values). The
// state is kept only for runs that have not opened a secret, so that no
// secret waits in memory in clear while its run is parked.
#ifndef BSSFLOW_ENGINE_PARKED_JOURNALS_H_
#define BSSFLOW_ENGINE_PARKED_JOURNALS_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dsl/value.h"
#include "engine/journal.h"

namespace bssflow::engine {

/// What a drive had made of a run's journal when it parked the run: the
/// values its expressions saw. A drive that starts from it goes on exactly
/// as one that replays the journal would (the values are the ones a replay
/// reads back), without reading the journaled results again.
struct ReplayedState {
  /// The sequence of the journal's last event when the run parked: the
  /// outcomes of steps up to it are in `steps` and `vars`.
  int64_t through_sequence = 0;
  dsl::Value inputs;
  /// `steps.ID` and `vars.NAME`, in the order they were first set.
  std::vector<std::pair<dsl::Value, dsl::Value>> steps;
  std::vector<std::pair<dsl::Value, dsl::Value>> vars;
};

/// A run's whole journal as written (events 1..n), and what the drive that
/// wrote it had made of it, when kept.
struct KnownJournal {
  std::vector<Event> events;
  std::optional<ReplayedState> state;
};

/// Not thread-safe: the Runner uses it on its executor only.
class ParkedJournals {
 public:
  /// Keeps at most `capacity` journals; 0 keeps none.
  explicit ParkedJournals(size_t capacity) : capacity_(capacity) {}

  /// Keeps `journal`, the whole journal of `run_id` as written, in place of
  /// any kept before; drops the oldest kept journal when full.
  void Keep(const std::string& run_id, KnownJournal journal);

  /// The journal kept for `run_id` if it holds exactly `last_sequence`
  /// events; nullopt otherwise. Forgets it either way: the caller now owns
  /// the run's journal, and a drive will park it again if it must.
  std::optional<KnownJournal> Take(const std::string& run_id,
                                   int64_t last_sequence);

  /// The journal kept for `run_id`, or null; it stays kept.
  const KnownJournal* Find(const std::string& run_id) const;

  /// Forgets the journal of `run_id`, if one is kept.
  void Forget(const std::string& run_id);

  size_t size() const { return journals_.size(); }

 private:
  struct Kept {
    KnownJournal journal;
    std::list<std::string>::iterator in_order;
  };

  size_t capacity_;
  std::unordered_map<std::string, Kept> journals_;
  /// Run ids, oldest kept first.
  std::list<std::string> order_;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_PARKED_JOURNALS_H_
