// The environment an expression is compiled against: the variables it may
// read (each with a slot, so that a run binds values by position and the
// evaluator never looks a name up) and the functions it may call.
#ifndef BSSFLOW_DSL_ENV_H_
#define BSSFLOW_DSL_ENV_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/functions.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// The fields a map variable is known to have, when they are known before
/// the run (the steps of a workflow, its inputs): the checker reports
/// `steps.acount` as a mistake, with a suggestion.
struct KnownFields {
  std::vector<std::string> names;
  /// What a field is, for messages: "step" gives "no step 'acount'".
  std::string noun = "field";
  /// Fields that exist but are not available here, with the reason, e.g.
  /// {"create", "step 'create' runs later"}.
  std::vector<std::pair<std::string, std::string>> unavailable;
  /// The static kind of those of `names` whose values always have it (a
  /// workflow's typed inputs); the others are dyn.
  std::map<std::string, ValueKind> kinds;
};

struct Variable {
  std::string name;
  /// The static kind, or nullopt for dyn (known only at run time).
  std::optional<ValueKind> kind;
  /// For a map variable whose fields are known; nullopt otherwise.
  std::optional<KnownFields> fields;
};

/// Build it once, compile many expressions against it, then treat it as
/// immutable: programs and activations keep a pointer to it, so it must
/// outlive them. Reading is thread-safe; declaring is not.
class Env {
 public:
  explicit Env(std::shared_ptr<const FunctionRegistry> functions);

  /// Declares `name` and returns its slot; declaring a name again returns the
  /// first slot and keeps the first kind.
  int Declare(std::string name, std::optional<ValueKind> kind = std::nullopt);

  /// Declares a map variable with known fields (see KnownFields); declaring
  /// it again replaces the fields and keeps the slot.
  int DeclareFields(std::string name, KnownFields fields);

  /// The slot of `name`, or -1.
  int Find(std::string_view name) const;

  const std::vector<Variable>& variables() const { return variables_; }
  const FunctionRegistry& functions() const { return *functions_; }
  const std::shared_ptr<const FunctionRegistry>& shared_functions() const {
    return functions_;
  }

 private:
  std::shared_ptr<const FunctionRegistry> functions_;
  std::vector<Variable> variables_;
};

/// The type names that are also expressions: `int`, `string`, `type`, ...
/// Returns the kind a name denotes, or nullopt.
std::optional<ValueKind> TypeNamed(std::string_view name);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_ENV_H_
