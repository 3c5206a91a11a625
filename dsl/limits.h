// Bounds on the work one expression may cause. Exceeding one is an ordinary
// error (a diagnostic when compiling, an error value when evaluating), never
// a crash, a stack overflow or a hang.
#ifndef BSSFLOW_DSL_LIMITS_H_
#define BSSFLOW_DSL_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace bssflow::dsl {

struct Limits {
  /// Longest accepted expression, in bytes.
  size_t max_expression_length = 100'000;
  /// Deepest nesting of parentheses, brackets, braces, calls and conditional
  /// branches. CEL asks for at least 32; the parser recurses once per level.
  int max_nesting_depth = 64;
  /// Tallest syntax tree (a chain of 200 `||` is 200 tall). The evaluator
  /// recurses once per level.
  int max_ast_depth = 256;
  /// Iterations of all comprehensions (all, exists, map, ...) together in
  /// one evaluation.
  int64_t max_iterations = 100'000;
};

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_LIMITS_H_
