#include "dsl/planner.h"

#include <string>

namespace bssflow::dsl {

namespace {

bool IsConstant(const PlanPtr& node) { return node->constant() != nullptr; }

bool AllConstant(const std::vector<PlanPtr>& nodes) {
  for (const PlanPtr& n : nodes) {
    if (n->constant() == nullptr) return false;
  }
  return true;
}

class Planner {
 public:
  Planner(const Env& env, CheckMode mode, const Limits& limits)
      : env_(env), mode_(mode), limits_(limits) {}

  PlanPtr Plan(const Node& n) {
    switch (n.kind) {
      case NodeKind::kLiteral:
        return MakeConstant(n.literal, n.offset);
      case NodeKind::kIdent:
        return Ident(n);
      case NodeKind::kSelect: {
        PlanPtr operand = Plan(*n.children[0]);
        bool constant = IsConstant(operand);
        return Fold(MakeSelect(std::move(operand), n.name, n.offset), constant);
      }
      case NodeKind::kHas: {
        PlanPtr operand = Plan(*n.children[0]);
        bool constant = IsConstant(operand);
        return Fold(MakeHas(std::move(operand), n.name, n.offset), constant);
      }
      case NodeKind::kIndex: {
        std::vector<PlanPtr> parts = PlanAll(n);
        bool constant = AllConstant(parts);
        return Fold(
            MakeIndex(std::move(parts[0]), std::move(parts[1]), n.offset),
            constant);
      }
      case NodeKind::kList: {
        std::vector<PlanPtr> items = PlanAll(n);
        bool constant = AllConstant(items);
        return Fold(MakeList(std::move(items), n.offset), constant);
      }
      case NodeKind::kMap: {
        std::vector<PlanPtr> entries = PlanAll(n);
        bool constant = AllConstant(entries);
        return Fold(MakeMap(std::move(entries), n.offset), constant);
      }
      case NodeKind::kUnary: {
        PlanPtr operand = Plan(*n.children[0]);
        bool constant = IsConstant(operand);
        return Fold(MakeUnary(n.op, std::move(operand), n.offset), constant);
      }
      case NodeKind::kBinary:
        return Binary(n);
      case NodeKind::kAnd:
      case NodeKind::kOr:
        return Logical(n);
      case NodeKind::kConditional:
        return Conditional(n);
      case NodeKind::kCall:
        return Call(n);
      case NodeKind::kComprehension:
        return Comprehension(n);
    }
    return MakeConstant(Value(), n.offset);
  }

  int local_count() const { return local_count_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  std::vector<PlanPtr> PlanAll(const Node& n) {
    std::vector<PlanPtr> out;
    for (const NodePtr& child : n.children) out.push_back(Plan(*child));
    return out;
  }

  // Evaluates a node whose inputs are all constants, once, now.
  PlanPtr Evaluate(PlanPtr node) {
    Frame frame;
    frame.iterations_left = limits_.max_iterations;
    Value scratch;
    Value result = node->Eval(frame, scratch);
    return MakeConstant(std::move(result), node->offset());
  }

  // Replaces a node by its value when every input it was built from is a
  // constant (nodes keep their children private, so the caller says so).
  PlanPtr Fold(PlanPtr node, bool inputs_constant) {
    return inputs_constant ? Evaluate(std::move(node)) : std::move(node);
  }

  PlanPtr Error(ErrorKind kind, std::string message, int32_t offset) {
    return MakeConstant(Value::MakeError(kind, std::move(message), offset),
                        offset);
  }

  PlanPtr Ident(const Node& n) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend() && !n.root_scope;
         ++it) {
      if (it->first == n.name) return MakeLocal(it->second, n.offset);
    }
    int slot = env_.Find(n.name);
    if (slot >= 0) return MakeVariable(slot, n.offset);
    if (std::optional<ValueKind> type = TypeNamed(n.name)) {
      return MakeConstant(Value::Type(*type), n.offset);
    }
    return Error(ErrorKind::kUndeclaredReference,
                 "undeclared reference to '" + n.name + "'", n.offset);
  }

  PlanPtr Binary(const Node& n) {
    PlanPtr left = Plan(*n.children[0]);
    PlanPtr right = Plan(*n.children[1]);
    bool constant = left->constant() != nullptr && right->constant() != nullptr;
    bool relational = n.op == Operator::kEqual || n.op == Operator::kNotEqual ||
                      n.op == Operator::kLess || n.op == Operator::kLessEqual ||
                      n.op == Operator::kGreater ||
                      n.op == Operator::kGreaterEqual;
    if (relational && !constant) {
      for (PlanPtr* side : {&right, &left}) {
        const Value* c = (*side)->constant();
        if (c == nullptr || c->is_error()) continue;
        bool on_left = side == &left;
        return MakeCompareConstant(n.op, std::move(on_left ? right : left), *c,
                                   on_left, n.offset);
      }
    }
    return Fold(MakeBinary(n.op, std::move(left), std::move(right), n.offset),
                constant);
  }

  PlanPtr Logical(const Node& n) {
    bool is_and = n.kind == NodeKind::kAnd;
    PlanPtr left = Plan(*n.children[0]);
    PlanPtr right = Plan(*n.children[1]);
    // A constant that decides the result (false for &&, true for ||) decides
    // it whatever the other side is: CEL absorbs errors on either side.
    for (const PlanPtr* side : {&left, &right}) {
      const Value* c = (*side)->constant();
      if (c != nullptr && c->is_bool() && c->bool_value() != is_and) {
        return MakeConstant(*c, n.offset);
      }
    }
    bool constant = left->constant() != nullptr && right->constant() != nullptr;
    PlanPtr node = is_and ? MakeAnd(std::move(left), std::move(right), n.offset)
                          : MakeOr(std::move(left), std::move(right), n.offset);
    return Fold(std::move(node), constant);
  }

  PlanPtr Conditional(const Node& n) {
    PlanPtr condition = Plan(*n.children[0]);
    PlanPtr then = Plan(*n.children[1]);
    PlanPtr otherwise = Plan(*n.children[2]);
    const Value* c = condition->constant();
    if (c != nullptr && c->is_bool()) {
      return c->bool_value() ? std::move(then) : std::move(otherwise);
    }
    return MakeConditional(std::move(condition), std::move(then),
                           std::move(otherwise), n.offset);
  }

  PlanPtr Call(const Node& n);
  PlanPtr Matches(const Node& n, std::vector<PlanPtr> args);
  PlanPtr Comprehension(const Node& n);

  const Env& env_;
  CheckMode mode_;
  const Limits& limits_;
  std::vector<std::pair<std::string, int>> scopes_;
  int local_count_ = 0;
  std::vector<Diagnostic> diagnostics_;
};

PlanPtr Planner::Call(const Node& n) {
  const FunctionDecl* f = env_.functions().Find(n.name);
  if (f == nullptr) {
    return Error(ErrorKind::kUnboundFunction,
                 "unknown function '" + n.name + "'", n.offset);
  }
  int count = static_cast<int>(n.children.size());
  bool style_ok = n.receiver_call ? f->receiver : f->global;
  if (!style_ok || count < f->min_args || count > f->max_args) {
    return Error(ErrorKind::kNoMatchingOverload,
                 "no matching overload for '" + n.name + "' with " +
                     std::to_string(count) + " argument" +
                     (count == 1 ? "" : "s"),
                 n.offset);
  }
  std::vector<PlanPtr> args = PlanAll(n);
  if (n.receiver_call && !AllConstant(args)) {
    std::optional<StringTest> test;
    if (n.name == "contains") test = StringTest::kContains;
    if (n.name == "startsWith") test = StringTest::kStartsWith;
    if (n.name == "endsWith") test = StringTest::kEndsWith;
    if (test.has_value()) {
      return MakeStringTest(*test, std::move(args[0]), std::move(args[1]),
                            n.offset);
    }
  }
  if (n.name == "matches" && args[1]->constant() != nullptr &&
      args[1]->constant()->kind() == ValueKind::kString) {
    return Matches(n, std::move(args));
  }
  bool constant = f->pure && AllConstant(args);
  return Fold(MakeCall(f, std::move(args), n.offset), constant);
}

PlanPtr Planner::Matches(const Node& n, std::vector<PlanPtr> args) {
  const std::string& pattern = args[1]->constant()->string_value();
  Result<std::shared_ptr<const Regex>> regex = Regex::Compile(pattern);
  if (!regex.ok()) {
    std::string message =
        "invalid regular expression: " + regex.status().message();
    if (mode_ == CheckMode::kStrict) {
      diagnostics_.push_back({n.children[1]->offset, message});
    }
    return Error(ErrorKind::kInvalidArgument, message, n.children[1]->offset);
  }
  bool constant = args[0]->constant() != nullptr;
  return Fold(
      MakeMatches(std::move(args[0]), std::move(regex).value(), n.offset),
      constant);
}

PlanPtr Planner::Comprehension(const Node& n) {
  PlanPtr range = Plan(*n.children[0]);
  int local = local_count_++;
  int second = n.second_name.empty() ? -1 : local_count_++;
  scopes_.emplace_back(n.name, local);
  if (second >= 0) scopes_.emplace_back(n.second_name, second);
  PlanPtr filter, body;
  if (n.macro == Macro::kMap || n.macro == Macro::kTransformList ||
      n.macro == Macro::kTransformMap) {
    if (n.children.size() == 3) filter = Plan(*n.children[1]);
    body = Plan(*n.children.back());
  } else {
    filter = Plan(*n.children[1]);
  }
  scopes_.resize(scopes_.size() - (second >= 0 ? 2 : 1));
  return MakeComprehension(n.macro, local, second, std::move(range),
                           std::move(filter), std::move(body), n.offset);
}

}  // namespace

PlanResult PlanExpression(const Node& root, const Env& env, CheckMode mode,
                          const Limits& limits) {
  Planner planner(env, mode, limits);
  PlanResult result;
  result.root = planner.Plan(root);
  result.local_count = planner.local_count();
  result.diagnostics = std::move(planner.diagnostics());
  if (!result.diagnostics.empty()) result.root.reset();
  return result;
}

}  // namespace bssflow::dsl
