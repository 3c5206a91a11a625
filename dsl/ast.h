// The abstract syntax tree of an expression, as the parser builds it: every
// node carries the byte offset of its source text, so that later stages can
// point at it. Macros (has, all, exists, exists_one, map, filter) are already
// expanded into Has and Comprehension nodes.
#ifndef BSSFLOW_DSL_AST_H_
#define BSSFLOW_DSL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/value.h"

namespace bssflow::dsl {

enum class NodeKind : uint8_t {
  kLiteral,        // literal
  kIdent,          // name
  kSelect,         // children[0].name
  kIndex,          // children[0][children[1]]
  kCall,           // name(children...) or children[0].name(children[1..])
  kList,           // [children...]
  kMap,            // {children[0]: children[1], ...}
  kUnary,          // op children[0]
  kBinary,         // children[0] op children[1]
  kAnd,            // children[0] && children[1]
  kOr,             // children[0] || children[1]
  kConditional,    // children[0] ? children[1] : children[2]
  kHas,            // has(children[0].name)
  kComprehension,  // children[0].macro(name, [children[1],] children.back())
};

enum class Operator : uint8_t {
  kNone,
  kNot,
  kNegate,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
};

/// The operator as written: "+", "==", "in", ...
const char* OperatorText(Operator op);

enum class Macro : uint8_t {
  kNone,
  kAll,        // range.all(x, predicate)
  kExists,     // range.exists(x, predicate)
  kExistsOne,  // range.exists_one(x, predicate)
  kMap,        // range.map(x, transform) or range.map(x, filter, transform)
  kFilter,     // range.filter(x, predicate)
  // Two-variable forms (index or key, then element or value):
  //   range.all(i, v, p), range.exists(i, v, p), range.existsOne(i, v, p)
  kTransformList,  // range.transformList(i, v, [filter,] transform) -> list
  kTransformMap,   // range.transformMap(k, v, [filter,] transform) -> map
};

/// The macro's name as written, e.g. "exists_one".
const char* MacroName(Macro macro);

struct Node;
using NodePtr = std::unique_ptr<Node>;

/// One node of the tree. Which fields are meaningful depends on `kind`
/// (see NodeKind); the rest keep their defaults.
struct Node {
  NodeKind kind = NodeKind::kLiteral;
  /// Byte offset of the node's text (of the operator for operators).
  int32_t offset = 0;
  /// Height of the subtree (a leaf is 1); bounded by Limits::max_ast_depth.
  int32_t depth = 1;
  Value literal;            // kLiteral
  std::string name;         // kIdent, kSelect, kCall, kHas, kComprehension var
  std::string second_name;  // kComprehension: the value variable of a
                            // two-variable macro, else empty
  Operator op = Operator::kNone;   // kUnary, kBinary
  Macro macro = Macro::kNone;      // kComprehension
  bool receiver_call = false;      // kCall: children[0] is the receiver
  bool parenthesized = false;      // written inside ( )
  bool root_scope = false;         // kIdent written `.name`: skips the
                                   // variables of comprehensions
  bool negatable_literal = false;  // an int literal not yet negated
  std::vector<NodePtr> children;
  /// Filled by the checker: the static kind, or nullopt when only known at
  /// run time (dyn).
  std::optional<ValueKind> type;
};

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_AST_H_
