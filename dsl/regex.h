// Regular expressions for `matches`: RE2 syntax and semantics (linear time,
// CEL's choice), with a faster path for the patterns workflows use most.
//
// Every pattern is compiled by RE2, which decides whether it is valid. When
// the pattern also falls in a simple ASCII subset (literals, classes, `.`,
// \d \w \s, groups, alternation, the usual quantifiers, ^ at the start and $
// at the end), it is compiled once more into a DFA table, and a match costs
// one table lookup per byte. Texts with non-ASCII bytes, and patterns outside
// the subset, go to RE2. Both paths give the same answer; regex_test.cc
// checks that on many patterns and texts.
#ifndef BSSFLOW_DSL_REGEX_H_
#define BSSFLOW_DSL_REGEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace re2 {
class RE2;
}

namespace bssflow::dsl {

/// Immutable once compiled; safe to use from many threads at once.
class Regex {
 public:
  /// Compiles `pattern`; an error with RE2's explanation when it is invalid.
  static Result<std::shared_ptr<const Regex>> Compile(
      const std::string& pattern);

  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  /// Whether the pattern matches anywhere in `text` (RE2::PartialMatch).
  bool PartialMatch(std::string_view text) const;

  /// Whether the DFA path exists for this pattern (for tests and benchmarks).
  bool has_dfa() const { return !table_.empty(); }

  /// RE2 alone, bypassing the DFA (for tests and benchmarks).
  bool PartialMatchWithRe2(std::string_view text) const;

 private:
  Regex() = default;
  bool MatchDfa(std::string_view text, bool& decided) const;

  std::unique_ptr<re2::RE2> re2_;
  // The DFA: table_[row + byte] is the entry of the next state: the offset of
  // its row (state * 256) in the high bits and flags (kAccepting, kDead,
  // kBail for a non-ASCII byte) in the low bits, so that one load answers
  // everything and the next index is one mask and one add away.
  std::vector<uint32_t> table_;
  uint32_t start_ = 0;  // an entry, with flags
  bool anchored_end_ = false;
};

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_REGEX_H_
