#include "engine/parked_journals.h"

#include <utility>

namespace bssflow::engine {

void ParkedJournals::Keep(const std::string& run_id, KnownJournal journal) {
  if (capacity_ == 0) return;
  Forget(run_id);
  if (journals_.size() == capacity_) Forget(order_.front());
  order_.push_back(run_id);
  journals_.emplace(run_id, Kept{std::move(journal), std::prev(order_.end())});
}

std::optional<KnownJournal> ParkedJournals::Take(const std::string& run_id,
                                                 int64_t last_sequence) {
  auto it = journals_.find(run_id);
  if (it == journals_.end()) return std::nullopt;
  KnownJournal journal = std::move(it->second.journal);
  order_.erase(it->second.in_order);
  journals_.erase(it);
  if (static_cast<int64_t>(journal.events.size()) != last_sequence)
    return std::nullopt;
  return journal;
}

const KnownJournal* ParkedJournals::Find(const std::string& run_id) const {
  auto it = journals_.find(run_id);
  return it == journals_.end() ? nullptr : &it->second.journal;
}

void ParkedJournals::Forget(const std::string& run_id) {
  auto it = journals_.find(run_id);
  if (it == journals_.end()) return;
  order_.erase(it->second.in_order);
  journals_.erase(it);
}

}  // namespace bssflow::engine
