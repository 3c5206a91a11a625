// The run-time semantics of CEL's operators on values, as pure functions.
// Each takes operands that are not errors (callers propagate errors first)
// and returns the result or an error value; `offset` is stamped on errors so
// that they can point at the operator.
#ifndef BSSFLOW_DSL_OPERATORS_H_
#define BSSFLOW_DSL_OPERATORS_H_

#include <cstdint>

#include "dsl/ast.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// `op` is one of the arithmetic, comparison or `in` operators.
Value ApplyBinary(Operator op, const Value& left, const Value& right,
                  int32_t offset);

/// `op` is kNot or kNegate.
Value ApplyUnary(Operator op, const Value& operand, int32_t offset);

/// container[index] for lists and maps.
Value ApplyIndex(const Value& container, const Value& index, int32_t offset);

/// operand.field: the value under key `field` of a map.
Value ApplySelect(const Value& operand, const Value& field, int32_t offset);

/// has(operand.field).
Value ApplyHas(const Value& operand, const Value& field, int32_t offset);

/// The error for an operator or function that has no overload for these
/// operand kinds: "no matching overload for '+' applied to (int, uint)".
Value NoMatchingOverload(const char* what, const Value* const* args, int count,
                         int32_t offset);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_OPERATORS_H_
