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
#ifndef BSSFLOW_ENGINE_PARKED_JOURNALS_H_
#define BSSFLOW_ENGINE_PARKED_JOURNALS_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/journal.h"

namespace bssflow::engine {

/// Not thread-safe: the Runner uses it on its executor only.
class ParkedJournals {
 public:
  /// Keeps at most `capacity` journals; 0 keeps none.
  explicit ParkedJournals(size_t capacity) : capacity_(capacity) {}

  /// Keeps `journal`, the whole journal of `run_id` as written (events
  /// 1..n), in place of any kept before; drops the oldest kept journal when
  /// full.
  void Keep(const std::string& run_id, std::vector<Event> journal);

  /// The journal kept for `run_id` if it holds exactly `last_sequence`
  /// events; nullopt otherwise. Forgets it either way: the caller now owns
  /// the run's journal, and a drive will park it again if it must.
  std::optional<std::vector<Event>> Take(const std::string& run_id,
                                         int64_t last_sequence);

  /// Forgets the journal of `run_id`, if one is kept.
  void Forget(const std::string& run_id);

  size_t size() const { return journals_.size(); }

 private:
  struct Kept {
    std::vector<Event> journal;
    std::list<std::string>::iterator in_order;
  };

  size_t capacity_;
  std::unordered_map<std::string, Kept> journals_;
  /// Run ids, oldest kept first.
  std::list<std::string> order_;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_PARKED_JOURNALS_H_
