// The function registry: every function an expression may call, with the
// call forms, arities and argument kinds the checker verifies before a run,
// and the implementation the planner binds to each call once.
#ifndef BSSFLOW_DSL_FUNCTIONS_H_
#define BSSFLOW_DSL_FUNCTIONS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dsl/value.h"

namespace bssflow::dsl {

class PostalCodeRules;

/// Arguments of one call; for a method call `args[0]` is the receiver.
using Args = std::span<const Value* const>;
/// Computes the result. Called only with the declared number of arguments;
/// for strict functions, never with an error argument. Must be thread-safe.
using FunctionImpl = std::function<Value(Args args)>;
/// A signature: one entry per argument, nullopt accepting any kind.
using Signature = std::vector<std::optional<ValueKind>>;

/// One function of the language.
struct FunctionDecl {
  std::string name;
  /// Callable as name(a, b).
  bool global = true;
  /// Callable as a.name(b); the receiver counts as the first argument.
  bool receiver = false;
  /// Accepted argument counts, the receiver included.
  int min_args = 1;
  int max_args = 1;
  /// The overloads, for static checking; empty accepts any kinds.
  std::vector<Signature> signatures;
  /// The result kind when it does not depend on the arguments.
  std::optional<ValueKind> result;
  /// When true an error argument is the result and `impl` is not called;
  /// `default()` is not strict, so that it can replace errors.
  bool strict = true;
  /// When true, calls with constant arguments are evaluated when planning.
  bool pure = true;
  /// How the documentation writes it, e.g. "string.startsWith(string) -> bool".
  std::string synopsis;
  FunctionImpl impl;
};

/// A set of functions by name. Immutable once built; share it freely between
/// threads.
class FunctionRegistry {
 public:
  /// Adds `decl`; a second function of the same name is an error.
  Status Register(FunctionDecl decl);

  /// The function called `name`, or nullptr.
  const FunctionDecl* Find(std::string_view name) const;

  /// All names, sorted (for "did you mean" and documentation).
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, FunctionDecl, std::less<>> functions_;
};

/// Registers CEL's standard functions: size, contains, startsWith, endsWith,
/// matches, int, uint, double, string, bytes, bool, dyn, type.
Status RegisterStandardFunctions(FunctionRegistry& registry);

/// Registers the domain functions: is_email, is_phone, postal_code_valid
/// (against `rules`), lower, upper, trim, default.
Status RegisterDomainFunctions(FunctionRegistry& registry,
                               std::shared_ptr<const PostalCodeRules> rules);

/// Standard and domain functions together.
Result<std::shared_ptr<const FunctionRegistry>> BuildDefaultRegistry(
    std::shared_ptr<const PostalCodeRules> rules);

/// Whether `text` matches the regular expression `pattern` anywhere (RE2
/// syntax, CEL's `matches`); an error value when the pattern is invalid.
Value MatchesPattern(const std::string& text, const std::string& pattern);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_FUNCTIONS_H_
