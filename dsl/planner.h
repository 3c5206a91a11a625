// Plan: checked syntax tree -> planned nodes (plan.h). Resolves variables to
// slots and functions to their declarations, folds constant subexpressions
// and compiles constant regular expressions, reporting those that RE2
// rejects.
#ifndef BSSFLOW_DSL_PLANNER_H_
#define BSSFLOW_DSL_PLANNER_H_

#include <vector>

#include "dsl/ast.h"
#include "dsl/checker.h"
#include "dsl/env.h"
#include "dsl/limits.h"
#include "dsl/plan.h"
#include "dsl/source.h"

namespace bssflow::dsl {

struct PlanResult {
  PlanPtr root;  // null when there are diagnostics
  int local_count = 0;
  std::vector<Diagnostic> diagnostics;
};

/// Plans `root`, which the checker has annotated. In kDeferToRuntime mode
/// problems become nodes that evaluate to error values instead of
/// diagnostics.
PlanResult PlanExpression(const Node& root, const Env& env, CheckMode mode,
                          const Limits& limits);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_PLANNER_H_
