// The public face of the expression language: compile an expression once
// (parse -> check -> plan), then evaluate the program many times.
//
//   Env env(registry);
//   env.Declare("account");
//   CompileResult compiled = Compile(source, env);
//   if (!compiled.ok()) { print RenderAll(source, compiled.diagnostics); }
//   Activation activation(env);
//   activation.Bind("account", account_value);
//   Value result = compiled.program->Evaluate(activation);
#ifndef BSSFLOW_DSL_COMPILER_H_
#define BSSFLOW_DSL_COMPILER_H_

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "dsl/checker.h"
#include "dsl/env.h"
#include "dsl/limits.h"
#include "dsl/plan.h"
#include "dsl/source.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// Values for an Env's variables, by slot. Variables never bound evaluate to
/// an error value naming them.
class Activation {
 public:
  /// `env` must outlive the activation.
  explicit Activation(const Env& env);

  /// Binds `name`; false when the Env does not declare it.
  bool Bind(std::string_view name, Value value);
  /// Binds the variable of `slot` (from Env::Declare or Env::Find).
  void Bind(int slot, Value value) {
    values_[static_cast<size_t>(slot)] = std::move(value);
  }

  const Value* values() const { return values_.data(); }
  size_t size() const { return values_.size(); }

 private:
  const Env* env_;
  std::vector<Value> values_;
};

/// A compiled expression. Immutable: any number of threads may evaluate it at
/// once.
class Program {
 public:
  Program(PlanPtr root, int local_count, size_t variable_count, Limits limits,
          std::optional<ValueKind> result_kind,
          std::shared_ptr<const FunctionRegistry> functions);

  /// Evaluates against `activation`, which must come from the Env the
  /// program was compiled with. Never throws; failures are error values.
  Value Evaluate(const Activation& activation) const;

  /// The static kind of the result, or nullopt (dyn).
  std::optional<ValueKind> result_kind() const { return result_kind_; }

  /// The value when the whole expression folded to a constant, else nullptr.
  const Value* constant() const { return root_->constant(); }

 private:
  PlanPtr root_;
  int local_count_;
  size_t variable_count_;
  Limits limits_;
  std::optional<ValueKind> result_kind_;
  std::shared_ptr<const FunctionRegistry>
      functions_;  // keeps bound decls alive
};

struct CompileOptions {
  /// kStrict: mistakes are diagnostics; kDeferToRuntime: they are run-time
  /// errors (see CheckMode).
  CheckMode mode = CheckMode::kStrict;
  Limits limits;
};

struct CompileResult {
  /// Null when there are diagnostics.
  std::shared_ptr<const Program> program;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return program != nullptr; }
};

/// Parses, checks and plans `source` against `env`. Thread-safe for a
/// shared, no longer changing Env; never throws.
CompileResult Compile(const Source& source, const Env& env,
                      const CompileOptions& options = CompileOptions());

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_COMPILER_H_
