// Where now() and uuid() get their values. They are the expression
// language's only functions whose result is not fixed by their arguments, so
// a durable run must be able to decide them: the runner installs a source
// that answers from the run's journal (the step's journaled start time, ids
// derived from the run id), so that a run driven again after a crash, or a
// replay, sees the same values. Outside a run (bssflow eval), they are the
// wall clock and random version 4 UUIDs.
#ifndef BSSFLOW_DSL_NONDETERMINISM_H_
#define BSSFLOW_DSL_NONDETERMINISM_H_

#include <cstdint>
#include <string>

namespace bssflow::dsl {

/// Answers now() and uuid() for the evaluations of one thread.
class Nondeterminism {
 public:
  virtual ~Nondeterminism() = default;
  /// Milliseconds since the Unix epoch.
  virtual int64_t NowMs() = 0;
  /// A UUID in its 36-character text form.
  virtual std::string NewUuid() = 0;
};

/// Installs `source` for the evaluations that the calling thread runs while
/// this object lives (scopes nest; the previous source comes back at the
/// end). `source` must outlive the scope. Evaluation is synchronous, so a
/// scope around a Program::Evaluate covers exactly that evaluation.
class ScopedNondeterminism {
 public:
  explicit ScopedNondeterminism(Nondeterminism& source);
  ~ScopedNondeterminism();
  ScopedNondeterminism(const ScopedNondeterminism&) = delete;
  ScopedNondeterminism& operator=(const ScopedNondeterminism&) = delete;

 private:
  Nondeterminism* previous_;
};

/// The source installed on this thread, or the wall clock and random UUIDs.
Nondeterminism& CurrentNondeterminism();

/// RFC 3339 text of a time, UTC, with milliseconds:
/// "2026-11-23T09:30:00.250Z".
std::string FormatRfc3339(int64_t time_ms);

/// A version 4 UUID's text from 128 bits.
std::string FormatUuid(uint64_t high, uint64_t low);
/// A UUID's text from its 128 bits as they are (version and variant set by
/// the caller).
std::string FormatUuidBits(uint64_t high, uint64_t low);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_NONDETERMINISM_H_
