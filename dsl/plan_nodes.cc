// The planned nodes: access, literals, operators, logic and calls.
#include <array>

#include "dsl/operators.h"
#include "dsl/plan.h"

namespace bssflow::dsl {

namespace {

// Evaluation results that live in a child's temporary must be copied out
// before the temporary dies; results in stable storage are passed through.
const Value& Forward(const Value& result, const Value& temporary,
                     Value& scratch) {
  if (&result != &temporary) return result;
  scratch = result;
  return scratch;
}

// Comparisons answer with one of these two, by reference: a bool result
// costs no construction and no destruction.
const Value kTrueValue = Value::Bool(true);
const Value kFalseValue = Value::Bool(false);

const Value& BoolRef(bool b) { return b ? kTrueValue : kFalseValue; }

bool IsRelational(Operator op) {
  return op == Operator::kEqual || op == Operator::kNotEqual ||
         op == Operator::kLess || op == Operator::kLessEqual ||
         op == Operator::kGreater || op == Operator::kGreaterEqual;
}

// The common same-kind cases of a relational operator, without going
// through the generic Equal/Compare: -1 when not handled here.
int FastRelation(Operator op, const Value& a, const Value& b) {
  int c;
  if (a.kind() != b.kind()) return -1;
  switch (a.kind()) {
    case ValueKind::kInt: {
      int64_t x = a.int_value(), y = b.int_value();
      c = x < y ? -1 : (x > y ? 1 : 0);
      break;
    }
    case ValueKind::kString: {
      const std::string& x = a.string_value();
      const std::string& y = b.string_value();
      if (op == Operator::kEqual) return SameBytes(x, y);
      if (op == Operator::kNotEqual) return !SameBytes(x, y);
      int r = x.compare(y);
      c = r < 0 ? -1 : (r > 0 ? 1 : 0);
      break;
    }
    case ValueKind::kBool: {
      int x = a.bool_value(), y = b.bool_value();
      c = x - y;
      break;
    }
    default:
      return -1;
  }
  switch (op) {
    case Operator::kEqual:
      return c == 0;
    case Operator::kNotEqual:
      return c != 0;
    case Operator::kLess:
      return c < 0;
    case Operator::kLessEqual:
      return c <= 0;
    case Operator::kGreater:
      return c > 0;
    default:
      return c >= 0;
  }
}

Value StampOffset(Value v, int32_t offset) {
  if (v.is_error() && v.error_value().offset < 0) {
    const Error& e = v.error_value();
    return Value::MakeError(e.kind, e.message, offset);
  }
  return v;
}

class ConstantNode final : public PlanNode {
 public:
  ConstantNode(Value value, int32_t offset)
      : PlanNode(offset), value_(std::move(value)) {}
  const Value& Eval(Frame&, Value&) const override { return value_; }
  const Value* constant() const override { return &value_; }

 private:
  Value value_;
};

// How a node reads an operand: through a child node, or straight from the
// frame when the operand is a variable or a comprehension variable (one
// virtual call fewer on the paths conditions take most).
struct NodeOperand {
  PlanPtr node;
  const Value& Read(Frame& frame, Value& temporary) const {
    return node->Eval(frame, temporary);
  }
};

struct VariableOperand {
  int slot;
  int32_t offset;
  const Value& Read(Frame& frame, Value& temporary) const {
    const Value& v = frame.variables[slot];
    if (v.is_error() && v.error_value().offset < 0) {
      temporary = StampOffset(v, offset);  // an unbound variable: point at it
      return temporary;
    }
    return v;
  }
};

struct LocalOperand {
  int slot;
  const Value& Read(Frame& frame, Value&) const {
    return *frame.locals[slot].ref;
  }
};

class VariableNode final : public PlanNode {
 public:
  VariableNode(int slot, int32_t offset)
      : PlanNode(offset), operand_{slot, offset} {}
  const Value& Eval(Frame& frame, Value& scratch) const override {
    return operand_.Read(frame, scratch);
  }
  std::optional<SlotRead> slot_read() const override {
    return SlotRead{false, operand_.slot};
  }

 private:
  VariableOperand operand_;
};

class LocalNode final : public PlanNode {
 public:
  LocalNode(int slot, int32_t offset) : PlanNode(offset), operand_{slot} {}
  const Value& Eval(Frame& frame, Value& scratch) const override {
    return operand_.Read(frame, scratch);
  }
  std::optional<SlotRead> slot_read() const override {
    return SlotRead{true, operand_.slot};
  }

 private:
  LocalOperand operand_;
};

// Builds Node<Operand> for the cheapest way of reading `operand`.
template <template <typename> class Node, typename... Args>
PlanPtr WithOperand(PlanPtr operand, Args&&... args) {
  std::optional<PlanNode::SlotRead> read = operand->slot_read();
  if (read.has_value() && read->local) {
    return std::make_unique<Node<LocalOperand>>(LocalOperand{read->slot},
                                                std::forward<Args>(args)...);
  }
  if (read.has_value()) {
    return std::make_unique<Node<VariableOperand>>(
        VariableOperand{read->slot, operand->offset()},
        std::forward<Args>(args)...);
  }
  return std::make_unique<Node<NodeOperand>>(NodeOperand{std::move(operand)},
                                             std::forward<Args>(args)...);
}

template <typename Operand>
class SelectNode final : public PlanNode {
 public:
  SelectNode(Operand operand, std::string field, int32_t offset, bool test_only)
      : PlanNode(offset),
        operand_(std::move(operand)),
        field_(Value::String(std::move(field))),
        test_only_(test_only) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& operand = operand_.Read(frame, temporary);
    if (operand.is_error()) return Forward(operand, temporary, scratch);
    if (test_only_) {
      scratch = ApplyHas(operand, field_, offset_);
      return scratch;
    }
    if (operand.kind() == ValueKind::kMap) {
      if (const Value* found = operand.map_value().Find(field_)) {
        if (&operand != &temporary) return *found;
        scratch = *found;
        return scratch;
      }
    }
    scratch = ApplySelect(operand, field_, offset_);
    return scratch;
  }

 private:
  Operand operand_;
  Value field_;
  bool test_only_;
};

class IndexNode final : public PlanNode {
 public:
  IndexNode(PlanPtr container, PlanPtr index, int32_t offset)
      : PlanNode(offset),
        container_(std::move(container)),
        index_(std::move(index)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value t1, t2;
    const Value& container = container_->Eval(frame, t1);
    if (container.is_error()) return Forward(container, t1, scratch);
    const Value& index = index_->Eval(frame, t2);
    if (index.is_error()) return Forward(index, t2, scratch);
    scratch = ApplyIndex(container, index, offset_);
    return scratch;
  }

 private:
  PlanPtr container_, index_;
};

class ListNode final : public PlanNode {
 public:
  ListNode(std::vector<PlanPtr> items, int32_t offset)
      : PlanNode(offset), items_(std::move(items)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    ValueList values;
    values.reserve(items_.size());
    for (const PlanPtr& item : items_) {
      Value temporary;
      const Value& v = item->Eval(frame, temporary);
      if (v.is_error()) return Forward(v, temporary, scratch);
      values.push_back(v);
    }
    scratch = Value::List(std::move(values));
    return scratch;
  }

 private:
  std::vector<PlanPtr> items_;
};

class MapNode final : public PlanNode {
 public:
  MapNode(std::vector<PlanPtr> entries, int32_t offset)
      : PlanNode(offset), entries_(std::move(entries)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    ValueMap map;
    for (size_t i = 0; i < entries_.size(); i += 2) {
      Value t1, t2;
      const Value& key = entries_[i]->Eval(frame, t1);
      if (key.is_error()) return Forward(key, t1, scratch);
      const Value& value = entries_[i + 1]->Eval(frame, t2);
      if (value.is_error()) return Forward(value, t2, scratch);
      switch (map.Insert(key, value)) {
        case ValueMap::InsertResult::kInserted:
          break;
        case ValueMap::InsertResult::kRepeatedKey:
          scratch = Value::MakeError(ErrorKind::kRepeatedKey,
                                     "repeated map key " + DebugString(key),
                                     entries_[i]->offset());
          return scratch;
        case ValueMap::InsertResult::kUnsupportedKeyType:
          scratch = Value::MakeError(
              ErrorKind::kUnsupportedKeyType,
              "map keys must be bool, int, uint or string, got " +
                  std::string(KindName(key.kind())),
              entries_[i]->offset());
          return scratch;
      }
    }
    scratch = Value::Map(std::move(map));
    return scratch;
  }

 private:
  std::vector<PlanPtr> entries_;
};

class UnaryNode final : public PlanNode {
 public:
  UnaryNode(Operator op, PlanPtr operand, int32_t offset)
      : PlanNode(offset), op_(op), operand_(std::move(operand)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& operand = operand_->Eval(frame, temporary);
    if (operand.is_error()) return Forward(operand, temporary, scratch);
    scratch = ApplyUnary(op_, operand, offset_);
    return scratch;
  }

 private:
  Operator op_;
  PlanPtr operand_;
};

class BinaryNode final : public PlanNode {
 public:
  BinaryNode(Operator op, PlanPtr left, PlanPtr right, int32_t offset)
      : PlanNode(offset),
        op_(op),
        left_(std::move(left)),
        right_(std::move(right)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value t1, t2;
    const Value& left = left_->Eval(frame, t1);
    if (left.is_error()) return Forward(left, t1, scratch);
    const Value& right = right_->Eval(frame, t2);
    if (right.is_error()) return Forward(right, t2, scratch);
    if (relational_) {
      int fast = FastRelation(op_, left, right);
      if (fast >= 0) return BoolRef(fast != 0);
    } else if (op_ == Operator::kAdd && left.kind() == right.kind() &&
               (left.kind() == ValueKind::kString ||
                left.kind() == ValueKind::kBytes)) {
      scratch = Value::Concatenation(left.string_value(), right.string_value(),
                                     left.kind());
      return scratch;
    }
    scratch = ApplyBinary(op_, left, right, offset_);
    if (scratch.is_bool()) return BoolRef(scratch.bool_value());
    return scratch;
  }

 private:
  Operator op_;
  bool relational_ = IsRelational(op_);
  PlanPtr left_, right_;
};

// `x op constant` (or `constant op x`) for a relational operator: the most
// common shape of a workflow condition, compared without evaluating a
// constant node.
template <typename Operand>
class CompareConstantNode final : public PlanNode {
 public:
  CompareConstantNode(Operand operand, Operator op, Value constant,
                      bool constant_on_left, int32_t offset)
      : PlanNode(offset),
        op_(op),
        operand_(std::move(operand)),
        constant_(std::move(constant)),
        constant_on_left_(constant_on_left) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& v = operand_.Read(frame, temporary);
    if (v.is_error()) return Forward(v, temporary, scratch);
    const Value& left = constant_on_left_ ? constant_ : v;
    const Value& right = constant_on_left_ ? v : constant_;
    int fast = FastRelation(op_, left, right);
    if (fast >= 0) return BoolRef(fast != 0);
    scratch = ApplyBinary(op_, left, right, offset_);
    if (scratch.is_bool()) return BoolRef(scratch.bool_value());
    return scratch;
  }

 private:
  Operator op_;
  Operand operand_;
  Value constant_;
  bool constant_on_left_;
};

// s.contains(t), s.startsWith(t), s.endsWith(t), bound when planning.
class StringTestNode final : public PlanNode {
 public:
  StringTestNode(StringTest test, PlanPtr text, PlanPtr part, int32_t offset)
      : PlanNode(offset),
        test_(test),
        text_(std::move(text)),
        part_(std::move(part)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value t1, t2;
    const Value& text = text_->Eval(frame, t1);
    if (text.is_error()) return Forward(text, t1, scratch);
    const Value& part = part_->Eval(frame, t2);
    if (part.is_error()) return Forward(part, t2, scratch);
    if (text.kind() != ValueKind::kString ||
        part.kind() != ValueKind::kString) {
      const Value* args[] = {&text, &part};
      scratch = NoMatchingOverload(Name(), args, 2, offset_);
      return scratch;
    }
    std::string_view s = text.string_value(), p = part.string_value();
    switch (test_) {
      case StringTest::kContains:
        return BoolRef(s.find(p) != std::string_view::npos);
      case StringTest::kStartsWith:
        return BoolRef(s.size() >= p.size() &&
                       SameBytes(s.substr(0, p.size()), p));
      case StringTest::kEndsWith:
        return BoolRef(s.size() >= p.size() &&
                       SameBytes(s.substr(s.size() - p.size()), p));
    }
    return kFalseValue;
  }

 private:
  const char* Name() const {
    switch (test_) {
      case StringTest::kContains:
        return "contains";
      case StringTest::kStartsWith:
        return "startsWith";
      case StringTest::kEndsWith:
        return "endsWith";
    }
    return "";
  }

  StringTest test_;
  PlanPtr text_, part_;
};

// `a && b` and `a || b` with CEL's commutative error absorption: the
// deciding value (false for &&, true for ||) wins over an error or a
// non-bool on either side; otherwise an error is the result.
class LogicalNode final : public PlanNode {
 public:
  LogicalNode(bool is_and, PlanPtr left, PlanPtr right, int32_t offset)
      : PlanNode(offset),
        is_and_(is_and),
        left_(std::move(left)),
        right_(std::move(right)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    const bool decisive = !is_and_;
    Value t1, t2;
    const Value& left = left_->Eval(frame, t1);
    if (left.is_bool() && left.bool_value() == decisive) {
      return Forward(left, t1, scratch);
    }
    if (IsFatal(left)) return Forward(left, t1, scratch);
    const Value& right = right_->Eval(frame, t2);
    if (IsFatal(right)) return Forward(right, t2, scratch);
    if (right.is_bool()) {
      if (right.bool_value() == decisive || left.is_bool()) {
        return Forward(right, t2, scratch);
      }
    }
    if (left.is_error()) return Forward(left, t1, scratch);
    if (right.is_error()) return Forward(right, t2, scratch);
    const Value* args[] = {&left, &right};
    scratch = NoMatchingOverload(is_and_ ? "&&" : "||", args, 2, offset_);
    return scratch;
  }

 private:
  bool is_and_;
  PlanPtr left_, right_;
};

class ConditionalNode final : public PlanNode {
 public:
  ConditionalNode(PlanPtr condition, PlanPtr then, PlanPtr otherwise,
                  int32_t offset)
      : PlanNode(offset),
        condition_(std::move(condition)),
        then_(std::move(then)),
        otherwise_(std::move(otherwise)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& condition = condition_->Eval(frame, temporary);
    if (condition.is_bool()) {
      return (condition.bool_value() ? then_ : otherwise_)
          ->Eval(frame, scratch);
    }
    if (condition.is_error()) return Forward(condition, temporary, scratch);
    const Value* args[] = {&condition};
    scratch = NoMatchingOverload("?:", args, 1, offset_);
    return scratch;
  }

 private:
  PlanPtr condition_, then_, otherwise_;
};

class CallNode final : public PlanNode {
 public:
  static constexpr size_t kInlineArgs = 4;

  CallNode(const FunctionDecl* function, std::vector<PlanPtr> args,
           int32_t offset)
      : PlanNode(offset), function_(function), args_(std::move(args)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    if (args_.size() <= kInlineArgs) {
      std::array<Value, kInlineArgs> temporaries;
      return Call(frame, temporaries.data(), scratch);
    }
    std::vector<Value> temporaries(args_.size());
    return Call(frame, temporaries.data(), scratch);
  }

 private:
  const Value& Call(Frame& frame, Value* temporaries, Value& scratch) const {
    std::array<const Value*, kInlineArgs> inline_pointers;
    std::vector<const Value*> heap_pointers;
    const Value** pointers = inline_pointers.data();
    if (args_.size() > kInlineArgs) {
      heap_pointers.resize(args_.size());
      pointers = heap_pointers.data();
    }
    for (size_t i = 0; i < args_.size(); ++i) {
      const Value& v = args_[i]->Eval(frame, temporaries[i]);
      if (v.is_error() && function_->strict)
        return Forward(v, temporaries[i], scratch);
      pointers[i] = &v;
    }
    scratch =
        StampOffset(function_->impl(Args(pointers, args_.size())), offset_);
    return scratch;
  }

  const FunctionDecl* function_;
  std::vector<PlanPtr> args_;
};

class MatchesNode final : public PlanNode {
 public:
  MatchesNode(PlanPtr text, std::shared_ptr<const Regex> regex, int32_t offset)
      : PlanNode(offset), text_(std::move(text)), regex_(std::move(regex)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& text = text_->Eval(frame, temporary);
    if (text.is_error()) return Forward(text, temporary, scratch);
    if (text.kind() != ValueKind::kString) {
      scratch =
          Value::MakeError(ErrorKind::kNoMatchingOverload,
                           "no matching overload for 'matches' applied to (" +
                               std::string(KindName(text.kind())) + ", string)",
                           offset_);
      return scratch;
    }
    return BoolRef(regex_->PartialMatch(text.string_value()));
  }

 private:
  PlanPtr text_;
  std::shared_ptr<const Regex> regex_;
};

}  // namespace

PlanPtr MakeConstant(Value value, int32_t offset) {
  return std::make_unique<ConstantNode>(std::move(value), offset);
}
PlanPtr MakeVariable(int slot, int32_t offset) {
  return std::make_unique<VariableNode>(slot, offset);
}
PlanPtr MakeLocal(int slot, int32_t offset) {
  return std::make_unique<LocalNode>(slot, offset);
}
PlanPtr MakeSelect(PlanPtr operand, std::string field, int32_t offset) {
  return WithOperand<SelectNode>(std::move(operand), std::move(field), offset,
                                 false);
}
PlanPtr MakeHas(PlanPtr operand, std::string field, int32_t offset) {
  return WithOperand<SelectNode>(std::move(operand), std::move(field), offset,
                                 true);
}
PlanPtr MakeIndex(PlanPtr container, PlanPtr index, int32_t offset) {
  return std::make_unique<IndexNode>(std::move(container), std::move(index),
                                     offset);
}
PlanPtr MakeList(std::vector<PlanPtr> items, int32_t offset) {
  return std::make_unique<ListNode>(std::move(items), offset);
}
PlanPtr MakeMap(std::vector<PlanPtr> entries, int32_t offset) {
  return std::make_unique<MapNode>(std::move(entries), offset);
}
PlanPtr MakeUnary(Operator op, PlanPtr operand, int32_t offset) {
  return std::make_unique<UnaryNode>(op, std::move(operand), offset);
}
PlanPtr MakeBinary(Operator op, PlanPtr left, PlanPtr right, int32_t offset) {
  return std::make_unique<BinaryNode>(op, std::move(left), std::move(right),
                                      offset);
}
PlanPtr MakeCompareConstant(Operator op, PlanPtr operand, Value constant,
                            bool constant_on_left, int32_t offset) {
  return WithOperand<CompareConstantNode>(
      std::move(operand), op, std::move(constant), constant_on_left, offset);
}
PlanPtr MakeStringTest(StringTest test, PlanPtr text, PlanPtr part,
                       int32_t offset) {
  return std::make_unique<StringTestNode>(test, std::move(text),
                                          std::move(part), offset);
}
PlanPtr MakeAnd(PlanPtr left, PlanPtr right, int32_t offset) {
  return std::make_unique<LogicalNode>(true, std::move(left), std::move(right),
                                       offset);
}
PlanPtr MakeOr(PlanPtr left, PlanPtr right, int32_t offset) {
  return std::make_unique<LogicalNode>(false, std::move(left), std::move(right),
                                       offset);
}
PlanPtr MakeConditional(PlanPtr condition, PlanPtr then, PlanPtr otherwise,
                        int32_t offset) {
  return std::make_unique<ConditionalNode>(
      std::move(condition), std::move(then), std::move(otherwise), offset);
}
PlanPtr MakeCall(const FunctionDecl* function, std::vector<PlanPtr> args,
                 int32_t offset) {
  return std::make_unique<CallNode>(function, std::move(args), offset);
}
PlanPtr MakeMatches(PlanPtr text, std::shared_ptr<const Regex> regex,
                    int32_t offset) {
  return std::make_unique<MatchesNode>(std::move(text), std::move(regex),
                                       offset);
}

}  // namespace bssflow::dsl
