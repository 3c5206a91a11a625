#include "dsl/compiler.h"

#include "dsl/parser.h"
#include "dsl/planner.h"

namespace bssflow::dsl {

Activation::Activation(const Env& env) : env_(&env) {
  values_.reserve(env.variables().size());
  for (const Variable& v : env.variables()) {
    values_.push_back(
        Value::MakeError(ErrorKind::kUndeclaredReference,
                         "no value for variable '" + v.name + "'"));
  }
}

bool Activation::Bind(std::string_view name, Value value) {
  int slot = env_->Find(name);
  if (slot < 0) return false;
  Bind(slot, std::move(value));
  return true;
}

Program::Program(PlanPtr root, int local_count, size_t variable_count,
                 Limits limits, std::optional<ValueKind> result_kind,
                 std::shared_ptr<const FunctionRegistry> functions)
    : root_(std::move(root)),
      local_count_(local_count),
      variable_count_(variable_count),
      limits_(limits),
      result_kind_(result_kind),
      functions_(std::move(functions)) {}

Value Program::Evaluate(const Activation& activation) const {
  if (activation.size() < variable_count_) {
    return Value::MakeError(ErrorKind::kOther,
                            "the activation has fewer variables than the "
                            "environment the expression was compiled with");
  }
  Frame frame;
  frame.variables = activation.values();
  frame.iterations_left = limits_.max_iterations;
  Value scratch;
  if (local_count_ == 0) return root_->Eval(frame, scratch);
  constexpr int kInlineLocals = 4;
  if (local_count_ <= kInlineLocals) {
    LocalSlot locals[kInlineLocals];
    frame.locals = locals;
    return root_->Eval(frame, scratch);
  }
  std::vector<LocalSlot> locals(static_cast<size_t>(local_count_));
  frame.locals = locals.data();
  return root_->Eval(frame, scratch);
}

CompileResult Compile(const Source& source, const Env& env,
                      const CompileOptions& options) {
  CompileResult result;
  ParseResult parsed = Parse(source, options.limits);
  if (!parsed.diagnostics.empty()) {
    result.diagnostics = std::move(parsed.diagnostics);
    return result;
  }
  result.diagnostics = Check(*parsed.root, env, options.mode);
  if (!result.diagnostics.empty()) return result;
  PlanResult planned =
      PlanExpression(*parsed.root, env, options.mode, options.limits);
  if (!planned.diagnostics.empty()) {
    result.diagnostics = std::move(planned.diagnostics);
    return result;
  }
  result.program = std::make_shared<const Program>(
      std::move(planned.root), planned.local_count, env.variables().size(),
      options.limits, parsed.root->type, env.shared_functions());
  return result;
}

}  // namespace bssflow::dsl
