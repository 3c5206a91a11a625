// The executable form of an expression: a tree of planned nodes in which
// names are slots, functions are bound implementations, constant parts are
// folded and constant regexes are compiled. Evaluating it parses nothing and
// looks nothing up by name.
#ifndef BSSFLOW_DSL_PLAN_H_
#define BSSFLOW_DSL_PLAN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dsl/ast.h"
#include "dsl/functions.h"
#include "dsl/limits.h"
#include "dsl/regex.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// The variable of a comprehension: it refers to the current element in
/// place (no copy, no reference counting), or to `owned` for values the
/// comprehension makes itself, such as a list index.
struct LocalSlot {
  const Value* ref = nullptr;
  Value owned;
};

/// The state of one evaluation.
struct Frame {
  /// The activation's values, by slot.
  const Value* variables = nullptr;
  /// The variables of comprehensions, by local slot.
  LocalSlot* locals = nullptr;
  /// Comprehension iterations still allowed (Limits::max_iterations).
  int64_t iterations_left = 0;
};

/// One planned node. Immutable; Eval may run on many threads at once.
class PlanNode {
 public:
  explicit PlanNode(int32_t offset) : offset_(offset) {}
  virtual ~PlanNode() = default;
  PlanNode(const PlanNode&) = delete;
  PlanNode& operator=(const PlanNode&) = delete;

  /// Evaluates the node. The result is either `scratch` (assigned by the
  /// node) or a value that outlives the call: a constant, a variable, or a
  /// part of one. So reading a variable copies nothing.
  virtual const Value& Eval(Frame& frame, Value& scratch) const = 0;

  /// The value of a constant node, else nullptr.
  virtual const Value* constant() const { return nullptr; }

  /// For a node that only reads a variable or a comprehension variable: its
  /// slot, so that a parent can read the frame itself and save a call.
  struct SlotRead {
    bool local;
    int slot;
  };
  virtual std::optional<SlotRead> slot_read() const { return std::nullopt; }

  int32_t offset() const { return offset_; }

 protected:
  int32_t offset_;
};

using PlanPtr = std::unique_ptr<PlanNode>;

PlanPtr MakeConstant(Value value, int32_t offset);
PlanPtr MakeVariable(int slot, int32_t offset);
PlanPtr MakeLocal(int slot, int32_t offset);
PlanPtr MakeSelect(PlanPtr operand, std::string field, int32_t offset);
PlanPtr MakeHas(PlanPtr operand, std::string field, int32_t offset);
PlanPtr MakeIndex(PlanPtr container, PlanPtr index, int32_t offset);
PlanPtr MakeList(std::vector<PlanPtr> items, int32_t offset);
/// `entries` alternates keys and values.
PlanPtr MakeMap(std::vector<PlanPtr> entries, int32_t offset);
PlanPtr MakeUnary(Operator op, PlanPtr operand, int32_t offset);
PlanPtr MakeBinary(Operator op, PlanPtr left, PlanPtr right, int32_t offset);
/// A relational operator (==, !=, <, <=, >, >=) with one constant side.
PlanPtr MakeCompareConstant(Operator op, PlanPtr operand, Value constant,
                            bool constant_on_left, int32_t offset);
enum class StringTest { kContains, kStartsWith, kEndsWith };
/// text.contains(part) and friends.
PlanPtr MakeStringTest(StringTest test, PlanPtr text, PlanPtr part,
                       int32_t offset);
PlanPtr MakeAnd(PlanPtr left, PlanPtr right, int32_t offset);
PlanPtr MakeOr(PlanPtr left, PlanPtr right, int32_t offset);
PlanPtr MakeConditional(PlanPtr condition, PlanPtr then, PlanPtr otherwise,
                        int32_t offset);
/// A call of `function` (which must outlive the node).
PlanPtr MakeCall(const FunctionDecl* function, std::vector<PlanPtr> args,
                 int32_t offset);
/// text.matches(regex) with the regex compiled when planning.
PlanPtr MakeMatches(PlanPtr text, std::shared_ptr<const Regex> regex,
                    int32_t offset);
/// A comprehension. `local` holds the element (one-variable macros) or the
/// index/key (two-variable macros, whose `second_local` holds the element or
/// value; -1 otherwise). `filter` is the predicate of all, exists,
/// exists_one and filter, or the optional condition of map, transformList and
/// transformMap; `body` is the transform, null for the others.
PlanPtr MakeComprehension(Macro macro, int local, int second_local,
                          PlanPtr range, PlanPtr filter, PlanPtr body,
                          int32_t offset);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_PLAN_H_
