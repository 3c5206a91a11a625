// The comprehension node behind all, exists, exists_one, map, filter and the
// two-variable macros (all, exists, existsOne, transformList, transformMap
// with an index or key variable and an element or value variable).
#include "dsl/plan.h"

namespace bssflow::dsl {

namespace {

// The positions a comprehension walks: list elements, or map entries.
class Sequence {
 public:
  explicit Sequence(const Value& range)
      : list_(range.kind() == ValueKind::kList ? &range.list_value() : nullptr),
        map_(range.kind() == ValueKind::kMap ? &range.map_value() : nullptr) {}

  bool valid() const { return list_ != nullptr || map_ != nullptr; }
  size_t size() const {
    return list_ != nullptr ? list_->size() : map_->size();
  }

  // Binds the one-variable binding (element, or key), or the two-variable
  // index or key.
  void BindFirst(size_t i, bool two_variables, LocalSlot& slot) const {
    if (list_ == nullptr) {
      slot.ref = &map_->entries()[i].first;
    } else if (two_variables) {
      slot.owned = Value::Int(static_cast<int64_t>(i));
      slot.ref = &slot.owned;
    } else {
      slot.ref = &(*list_)[i];
    }
  }
  // The two-variable element or value.
  const Value& Second(size_t i) const {
    return list_ != nullptr ? (*list_)[i] : map_->entries()[i].second;
  }

 private:
  const ValueList* list_;
  const ValueMap* map_;
};

class ComprehensionNode final : public PlanNode {
 public:
  ComprehensionNode(Macro macro, int local, int second_local, PlanPtr range,
                    PlanPtr filter, PlanPtr body, int32_t offset)
      : PlanNode(offset),
        macro_(macro),
        local_(local),
        second_local_(second_local),
        range_(std::move(range)),
        filter_(std::move(filter)),
        body_(std::move(body)) {}

  const Value& Eval(Frame& frame, Value& scratch) const override {
    Value temporary;
    const Value& range = range_->Eval(frame, temporary);
    if (range.is_error()) {
      scratch = range;
      return scratch;
    }
    Sequence sequence(range);
    if (!sequence.valid()) {
      scratch = Value::MakeError(ErrorKind::kNoMatchingOverload,
                                 std::string(MacroName(macro_)) +
                                     "() needs a list or a map, got " +
                                     std::string(KindName(range.kind())),
                                 offset_);
      return scratch;
    }
    scratch = Iterate(frame, sequence);
    frame.locals[local_] = LocalSlot();
    if (second_local_ >= 0) frame.locals[second_local_] = LocalSlot();
    return scratch;
  }

 private:
  Value Iterate(Frame& frame, const Sequence& sequence) const {
    switch (macro_) {
      case Macro::kAll:
        return Quantify(frame, sequence, false);
      case Macro::kExists:
        return Quantify(frame, sequence, true);
      case Macro::kExistsOne:
        return ExistsOne(frame, sequence);
      default:
        return Transform(frame, sequence);
    }
  }

  // Binds the variables to position `i`; false with `error` set when the
  // iteration limit is spent.
  bool Step(Frame& frame, const Sequence& sequence, size_t i,
            Value& error) const {
    if (--frame.iterations_left < 0) {
      error =
          Value::MakeError(ErrorKind::kLimitExceeded,
                           "comprehension iteration limit exceeded", offset_);
      return false;
    }
    bool two = second_local_ >= 0;
    sequence.BindFirst(i, two, frame.locals[local_]);
    if (two) frame.locals[second_local_].ref = &sequence.Second(i);
    return true;
  }

  // The error for a condition that gave neither a bool nor an error.
  Value NotBool(const Value& v, const PlanNode& node) const {
    return Value::MakeError(ErrorKind::kNoMatchingOverload,
                            std::string("condition of ") + MacroName(macro_) +
                                "() must be bool, got " +
                                std::string(KindName(v.kind())),
                            node.offset());
  }

  // Evaluates the predicate: a bool, or an error value to report.
  Value Predicate(Frame& frame, const PlanNode& node) const {
    Value temporary;
    const Value& v = node.Eval(frame, temporary);
    if (v.is_bool() || v.is_error()) return v;
    return NotBool(v, node);
  }

  // all() stops at the first false, exists() at the first true; an error
  // only decides when no element does.
  Value Quantify(Frame& frame, const Sequence& sequence, bool decisive) const {
    Value first_error;
    for (size_t i = 0; i < sequence.size(); ++i) {
      Value error;
      if (!Step(frame, sequence, i, error)) return error;
      Value temporary;
      const Value& v = filter_->Eval(frame, temporary);
      if (v.is_bool()) {
        if (v.bool_value() == decisive) return v;
      } else if (IsFatal(v)) {
        return v;
      } else if (first_error.is_null()) {
        first_error = v.is_error() ? v : NotBool(v, *filter_);
      }
    }
    if (!first_error.is_null()) return first_error;
    return Value::Bool(!decisive);
  }

  Value ExistsOne(Frame& frame, const Sequence& sequence) const {
    int64_t count = 0;
    for (size_t i = 0; i < sequence.size(); ++i) {
      Value error;
      if (!Step(frame, sequence, i, error)) return error;
      Value v = Predicate(frame, *filter_);
      if (v.is_error()) return v;
      if (v.bool_value()) ++count;
    }
    return Value::Bool(count == 1);
  }

  // map(), filter(), transformList() and transformMap().
  Value Transform(Frame& frame, const Sequence& sequence) const {
    ValueList list;
    ValueMap map;
    for (size_t i = 0; i < sequence.size(); ++i) {
      Value error;
      if (!Step(frame, sequence, i, error)) return error;
      if (filter_ != nullptr) {
        Value keep = Predicate(frame, *filter_);
        if (keep.is_error()) return keep;
        if (!keep.bool_value()) continue;
      }
      Value temporary;
      const Value& v = body_ != nullptr ? body_->Eval(frame, temporary)
                                        : *frame.locals[local_].ref;
      if (v.is_error()) return v;
      if (macro_ == Macro::kTransformMap) {
        map.Insert(*frame.locals[local_].ref, v);
      } else {
        list.push_back(v);
      }
    }
    return macro_ == Macro::kTransformMap ? Value::Map(std::move(map))
                                          : Value::List(std::move(list));
  }

  Macro macro_;
  int local_;
  int second_local_;
  PlanPtr range_, filter_, body_;
};

}  // namespace

PlanPtr MakeComprehension(Macro macro, int local, int second_local,
                          PlanPtr range, PlanPtr filter, PlanPtr body,
                          int32_t offset) {
  return std::make_unique<ComprehensionNode>(
      macro, local, second_local, std::move(range), std::move(filter),
      std::move(body), offset);
}

}  // namespace bssflow::dsl
