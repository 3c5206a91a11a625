// Check: finds the mistakes that can be found before an expression runs
// (unknown names, wrong arities, operands of the wrong kind) and records the
// static kind of every node for the planner.
#ifndef BSSFLOW_DSL_CHECKER_H_
#define BSSFLOW_DSL_CHECKER_H_

#include <vector>

#include "dsl/ast.h"
#include "dsl/env.h"
#include "dsl/source.h"

namespace bssflow::dsl {

enum class CheckMode {
  /// Every problem is a diagnostic; the expression does not compile. For
  /// workflows and `bssflow eval`.
  kStrict,
  /// Nothing is rejected: unknown names and wrong kinds become error values
  /// when (and only if) the expression reaches them, as with CEL's
  /// `disable_check`. For the conformance suite and for data whose shape is
  /// not declared.
  kDeferToRuntime,
};

/// Annotates `root` (Node::type) and returns every problem found, in source
/// order; always empty in kDeferToRuntime mode.
std::vector<Diagnostic> Check(Node& root, const Env& env, CheckMode mode);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_CHECKER_H_
