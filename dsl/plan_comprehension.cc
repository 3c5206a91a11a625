// The comprehension node behind all, exists, exists_one, map and filter.
#include "dsl/plan.h"

namespace bssflow::dsl {

namespace {

class ComprehensionNode final : public PlanNode {
 public:
  ComprehensionNode(Macro macro, int local, PlanPtr range, PlanPtr filter,
                    PlanPtr body, int32_t offset)
      : PlanNode(offset),
        macro_(macro),
        local_(local),
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
    if (range.kind() == ValueKind::kList) {
      scratch = Iterate(frame, range.list_value());
    } else if (range.kind() == ValueKind::kMap) {
      ValueList keys;
      keys.reserve(range.map_value().size());
      for (const auto& entry : range.map_value().entries()) keys.push_back(entry.first);
      scratch = Iterate(frame, keys);
    } else {
      scratch = Value::MakeError(ErrorKind::kNoMatchingOverload,
                                 std::string(MacroName(macro_)) +
                                     "() needs a list or a map, got " +
                                     std::string(KindName(range.kind())),
                                 offset_);
    }
    frame.locals[local_] = Value();
    return scratch;
  }

 private:
  Value Iterate(Frame& frame, const ValueList& items) const {
    switch (macro_) {
      case Macro::kAll: return Quantify(frame, items, false);
      case Macro::kExists: return Quantify(frame, items, true);
      case Macro::kExistsOne: return ExistsOne(frame, items);
      default: return Transform(frame, items);
    }
  }

  // Takes one step; false with `error` set when the iteration limit is spent.
  bool Step(Frame& frame, const Value& item, Value& error) const {
    if (--frame.iterations_left < 0) {
      error = Value::MakeError(ErrorKind::kLimitExceeded,
                               "comprehension iteration limit exceeded", offset_);
      return false;
    }
    frame.locals[local_] = item;
    return true;
  }

  // Evaluates the predicate: a bool, or an error value to report.
  Value Predicate(Frame& frame, const PlanNode& node) const {
    Value temporary;
    const Value& v = node.Eval(frame, temporary);
    if (v.is_bool() || v.is_error()) return v;
    return Value::MakeError(ErrorKind::kNoMatchingOverload,
                            std::string("condition of ") + MacroName(macro_) +
                                "() must be bool, got " + std::string(KindName(v.kind())),
                            node.offset());
  }

  // all() stops at the first false, exists() at the first true; an error
  // only decides when no element does.
  Value Quantify(Frame& frame, const ValueList& items, bool decisive) const {
    Value first_error;
    for (const Value& item : items) {
      Value error;
      if (!Step(frame, item, error)) return error;
      Value v = Predicate(frame, *filter_);
      if (v.is_bool()) {
        if (v.bool_value() == decisive) return v;
      } else if (first_error.is_null()) {
        first_error = std::move(v);
      }
    }
    if (!first_error.is_null()) return first_error;
    return Value::Bool(!decisive);
  }

  Value ExistsOne(Frame& frame, const ValueList& items) const {
    int64_t count = 0;
    for (const Value& item : items) {
      Value error;
      if (!Step(frame, item, error)) return error;
      Value v = Predicate(frame, *filter_);
      if (v.is_error()) return v;
      if (v.bool_value()) ++count;
    }
    return Value::Bool(count == 1);
  }

  // map() and filter().
  Value Transform(Frame& frame, const ValueList& items) const {
    ValueList out;
    for (const Value& item : items) {
      Value error;
      if (!Step(frame, item, error)) return error;
      if (filter_ != nullptr) {
        Value keep = Predicate(frame, *filter_);
        if (keep.is_error()) return keep;
        if (!keep.bool_value()) continue;
      }
      if (body_ == nullptr) {
        out.push_back(item);
        continue;
      }
      Value temporary;
      const Value& v = body_->Eval(frame, temporary);
      if (v.is_error()) return v;
      out.push_back(v);
    }
    return Value::List(std::move(out));
  }

  Macro macro_;
  int local_;
  PlanPtr range_, filter_, body_;
};

}  // namespace

PlanPtr MakeComprehension(Macro macro, int local, PlanPtr range, PlanPtr filter,
                          PlanPtr body, int32_t offset) {
  return std::make_unique<ComprehensionNode>(macro, local, std::move(range),
                                             std::move(filter), std::move(body), offset);
}

}  // namespace bssflow::dsl
