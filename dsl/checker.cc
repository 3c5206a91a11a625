#include "dsl/checker.h"

#include <algorithm>

namespace bssflow::dsl {

namespace {

using Kind = std::optional<ValueKind>;

bool IsNumber(Kind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint ||
         k == ValueKind::kDouble;
}

std::string Name(Kind k) {
  return k.has_value() ? std::string(KindName(*k)) : std::string("dyn");
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Checker {
 public:
  Checker(const Env& env) : env_(env) {}

  std::vector<Diagnostic> Run(Node& root) {
    Visit(root);
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return a.offset < b.offset;
                     });
    return std::move(diagnostics_);
  }

 private:
  void Report(int32_t offset, std::string message) {
    diagnostics_.push_back({offset, std::move(message)});
  }

  // Reports `node` when its kind is known and is not `wanted`.
  void Expect(const Node& node, ValueKind wanted, const std::string& what) {
    if (node.type.has_value() && *node.type != wanted) {
      Report(node.offset, what + " must be " + std::string(KindName(wanted)) +
                              ", got " + Name(node.type));
    }
  }

  void Visit(Node& n) {
    if (n.kind == NodeKind::kComprehension) {
      VisitComprehension(n);
      return;
    }
    for (NodePtr& child : n.children) Visit(*child);
    n.type = KindOf(n);
  }

  Kind KindOf(Node& n) {
    switch (n.kind) {
      case NodeKind::kLiteral:
        return n.literal.kind();
      case NodeKind::kIdent:
        return Ident(n);
      case NodeKind::kSelect:
        return Select(n);
      case NodeKind::kIndex:
        return Index(n);
      case NodeKind::kCall:
        return Call(n);
      case NodeKind::kList:
        return ValueKind::kList;
      case NodeKind::kMap:
        return MapLiteral(n);
      case NodeKind::kUnary:
        return Unary(n);
      case NodeKind::kBinary:
        return Binary(n);
      case NodeKind::kAnd:
      case NodeKind::kOr:
        return Logical(n);
      case NodeKind::kConditional:
        return Conditional(n);
      case NodeKind::kHas:
        return Has(n);
      case NodeKind::kComprehension:
        break;
    }
    return std::nullopt;
  }

  Kind Ident(const Node& n) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend() && !n.root_scope;
         ++it) {
      if (*it == n.name) return std::nullopt;
    }
    int slot = env_.Find(n.name);
    if (slot >= 0) return env_.variables()[static_cast<size_t>(slot)].kind;
    if (TypeNamed(n.name).has_value()) return ValueKind::kType;
    std::vector<std::string> candidates;
    if (!n.root_scope) candidates = scopes_;
    for (const Variable& v : env_.variables()) candidates.push_back(v.name);
    std::string message = "undeclared reference to '" + n.name + "'";
    std::string guess = ClosestMatch(n.name, candidates);
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    Report(n.offset, message);
    return std::nullopt;
  }

  Kind Select(const Node& n) {
    Kind operand = n.children[0]->type;
    if (operand.has_value() && *operand != ValueKind::kMap) {
      Report(n.offset,
             "no field '" + n.name + "' on a value of type " + Name(operand));
    } else if (const KnownFields* fields = FieldsOf(*n.children[0])) {
      CheckKnownField(n, *fields);
      auto kind = fields->kinds.find(n.name);
      if (kind != fields->kinds.end()) return kind->second;
    }
    return std::nullopt;
  }

  // The known fields of `operand` when it names an environment variable
  // (not shadowed by a comprehension variable) that has them.
  const KnownFields* FieldsOf(const Node& operand) const {
    if (operand.kind != NodeKind::kIdent) return nullptr;
    if (!operand.root_scope && std::find(scopes_.begin(), scopes_.end(),
                                         operand.name) != scopes_.end()) {
      return nullptr;
    }
    int slot = env_.Find(operand.name);
    if (slot < 0) return nullptr;
    const auto& fields = env_.variables()[static_cast<size_t>(slot)].fields;
    return fields.has_value() ? &*fields : nullptr;
  }

  void CheckKnownField(const Node& n, const KnownFields& fields) {
    if (std::find(fields.names.begin(), fields.names.end(), n.name) !=
        fields.names.end()) {
      return;
    }
    for (const auto& [name, reason] : fields.unavailable) {
      if (name == n.name) {
        Report(n.offset, fields.noun + " '" + n.name +
                             "' is not available here: " + reason);
        return;
      }
    }
    std::string message = "no " + fields.noun + " '" + n.name + "'";
    std::string guess = ClosestMatch(n.name, fields.names);
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    Report(n.offset, message);
  }

  Kind Index(const Node& n) {
    Kind container = n.children[0]->type;
    Kind index = n.children[1]->type;
    if (container == ValueKind::kList && index.has_value() &&
        !IsNumber(index)) {
      Report(n.children[1]->offset,
             "list index must be int, got " + Name(index));
    } else if (container.has_value() && container != ValueKind::kList &&
               container != ValueKind::kMap) {
      Report(n.offset, "cannot index a value of type " + Name(container));
    }
    return std::nullopt;
  }

  Kind MapLiteral(const Node& n) {
    for (size_t i = 0; i < n.children.size(); i += 2) {
      Kind key = n.children[i]->type;
      if (key.has_value() && !ValueMap::IsKeyKind(*key)) {
        Report(n.children[i]->offset,
               "map keys must be bool, int, uint or string, got " + Name(key));
      }
    }
    return ValueKind::kMap;
  }

  Kind Unary(const Node& n) {
    Kind operand = n.children[0]->type;
    if (n.op == Operator::kNot) {
      Expect(*n.children[0], ValueKind::kBool, "operand of '!'");
      return ValueKind::kBool;
    }
    if (operand.has_value() && operand != ValueKind::kInt &&
        operand != ValueKind::kDouble) {
      Report(n.offset,
             "operand of '-' must be int or double, got " + Name(operand));
    }
    return operand;
  }

  Kind Binary(const Node& n) {
    Kind left = n.children[0]->type, right = n.children[1]->type;
    bool known = left.has_value() && right.has_value();
    std::string mismatch = "no matching overload for '" +
                           std::string(OperatorText(n.op)) + "' applied to (" +
                           Name(left) + ", " + Name(right) + ")";
    switch (n.op) {
      case Operator::kEqual:
      case Operator::kNotEqual:
        if (known && left != right && left != ValueKind::kNull &&
            right != ValueKind::kNull && !(IsNumber(left) && IsNumber(right))) {
          Report(n.offset, "comparing " + Name(left) + " with " + Name(right) +
                               " is always " +
                               (n.op == Operator::kEqual ? "false" : "true"));
        }
        return ValueKind::kBool;
      case Operator::kLess:
      case Operator::kLessEqual:
      case Operator::kGreater:
      case Operator::kGreaterEqual:
        if (known && !(IsNumber(left) && IsNumber(right)) &&
            !(left == right &&
              (left == ValueKind::kBool || left == ValueKind::kString ||
               left == ValueKind::kBytes))) {
          Report(n.offset, mismatch);
        }
        return ValueKind::kBool;
      case Operator::kIn:
        if (right.has_value() && right != ValueKind::kList &&
            right != ValueKind::kMap) {
          Report(n.offset,
                 "right operand of 'in' must be a list or a map, got " +
                     Name(right));
        }
        return ValueKind::kBool;
      default:
        return Arithmetic(n, left, right, mismatch);
    }
  }

  Kind Arithmetic(const Node& n, Kind left, Kind right,
                  const std::string& mismatch) {
    if (!left.has_value() || !right.has_value()) return std::nullopt;
    bool ok = left == right;
    switch (*left) {
      case ValueKind::kInt:
      case ValueKind::kUint:
        break;
      case ValueKind::kDouble:
        ok = ok && n.op != Operator::kModulo;
        break;
      case ValueKind::kString:
      case ValueKind::kBytes:
      case ValueKind::kList:
        ok = ok && n.op == Operator::kAdd;
        break;
      default:
        ok = false;
    }
    if (!ok) {
      std::string hint;
      if (IsNumber(left) && IsNumber(right) && left != right) {
        hint = "; convert one side, e.g. with double() or int()";
      } else if (n.op == Operator::kAdd &&
                 (left == ValueKind::kString || right == ValueKind::kString)) {
        hint = "; convert with string()";
      }
      Report(n.offset, mismatch + hint);
      return std::nullopt;
    }
    return left;
  }

  Kind Logical(const Node& n) {
    const char* op = n.kind == NodeKind::kAnd ? "'&&'" : "'||'";
    Expect(*n.children[0], ValueKind::kBool,
           std::string("left operand of ") + op);
    Expect(*n.children[1], ValueKind::kBool,
           std::string("right operand of ") + op);
    return ValueKind::kBool;
  }

  Kind Conditional(const Node& n) {
    Expect(*n.children[0], ValueKind::kBool, "condition of '?:'");
    Kind then = n.children[1]->type, otherwise = n.children[2]->type;
    return then == otherwise ? then : std::nullopt;
  }

  Kind Has(const Node& n) {
    Kind operand = n.children[0]->type;
    if (operand.has_value() && operand != ValueKind::kMap) {
      Report(n.offset, "has() needs a map, got " + Name(operand));
    }
    return ValueKind::kBool;
  }

  void VisitComprehension(Node& n) {
    Visit(*n.children[0]);
    Kind range = n.children[0]->type;
    if (range.has_value() && range != ValueKind::kList &&
        range != ValueKind::kMap) {
      Report(n.children[0]->offset, std::string(MacroName(n.macro)) +
                                        "() needs a list or a map, got " +
                                        Name(range));
    }
    scopes_.push_back(n.name);
    if (!n.second_name.empty()) scopes_.push_back(n.second_name);
    for (size_t i = 1; i < n.children.size(); ++i) Visit(*n.children[i]);
    scopes_.resize(scopes_.size() - (n.second_name.empty() ? 1 : 2));
    bool transforms = n.macro == Macro::kMap ||
                      n.macro == Macro::kTransformList ||
                      n.macro == Macro::kTransformMap;
    size_t predicate = transforms ? (n.children.size() == 3 ? 1 : 0) : 1;
    if (predicate != 0) {
      Expect(*n.children[predicate], ValueKind::kBool,
             std::string("condition of ") + MacroName(n.macro) + "()");
    }
    n.type = n.macro == Macro::kTransformMap             ? ValueKind::kMap
             : (transforms || n.macro == Macro::kFilter) ? ValueKind::kList
                                                         : ValueKind::kBool;
  }

  Kind Call(const Node& n);
  std::string CallProblem(const Node& n, const FunctionDecl& f);

  const Env& env_;
  std::vector<std::string> scopes_;
  std::vector<Diagnostic> diagnostics_;
};

std::string Checker::CallProblem(const Node& n, const FunctionDecl& f) {
  if (n.receiver_call && !f.receiver) {
    return "'" + f.name + "' is a function, not a method; write " + f.name +
           "(...)";
  }
  if (!n.receiver_call && !f.global) {
    return "'" + f.name + "' is a method; write x." + f.name + "(...)";
  }
  int count = static_cast<int>(n.children.size());
  if (count < f.min_args || count > f.max_args) {
    int shown = n.receiver_call ? count - 1 : count;
    int wanted = n.receiver_call ? f.min_args - 1 : f.min_args;
    return "'" + f.name + "' takes " +
           Plural(static_cast<size_t>(wanted), "argument") + ", got " +
           std::to_string(shown);
  }
  if (f.signatures.empty()) return "";
  for (const Signature& sig : f.signatures) {
    bool fits = true;
    for (size_t i = 0; i < sig.size() && i < n.children.size(); ++i) {
      Kind actual = n.children[i]->type;
      if (sig[i].has_value() && actual.has_value() && sig[i] != actual)
        fits = false;
    }
    if (fits) return "";
  }
  std::string kinds;
  for (const NodePtr& child : n.children) {
    kinds += (kinds.empty() ? "" : ", ") + Name(child->type);
  }
  return "no matching overload for '" + f.name + "' applied to (" + kinds +
         "); expected " + f.synopsis;
}

Kind Checker::Call(const Node& n) {
  const FunctionDecl* f = env_.functions().Find(n.name);
  if (f == nullptr) {
    std::string message = "unknown function '" + n.name + "'";
    std::string guess = ClosestMatch(n.name, env_.functions().Names());
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    Report(n.offset, message);
    return std::nullopt;
  }
  std::string problem = CallProblem(n, *f);
  if (!problem.empty()) Report(n.offset, problem);
  return f->result;
}

}  // namespace

std::vector<Diagnostic> Check(Node& root, const Env& env, CheckMode mode) {
  std::vector<Diagnostic> diagnostics = Checker(env).Run(root);
  if (mode == CheckMode::kDeferToRuntime) diagnostics.clear();
  return diagnostics;
}

}  // namespace bssflow::dsl
