// What the loader knows of connector actions before anything runs: their
// names and arguments (to check `call:` steps) and their result fields and
// secret fields (for the journal). Connectors publish these in their
// manifests; the catalog gathers them.
#ifndef BSSFLOW_ENGINE_ACTIONS_H_
#define BSSFLOW_ENGINE_ACTIONS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dsl/value.h"

namespace bssflow::engine {

struct ActionArgument {
  std::string name;
  bool required = true;
  std::string description;
};

struct ActionSpec {
  /// "connector.action", e.g. "bss.get_account".
  std::string name;
  std::vector<ActionArgument> arguments;
  /// Fields of the result that hold secrets (never logged, encrypted in the
  /// journal), e.g. {"credentials.password"}.
  std::vector<std::string> secret_fields;
  std::string description;
};

/// Immutable once built; safe to share between threads.
class ActionCatalog {
 public:
  /// With `qualified_names`, every name must be "connector.action"; without
  /// it (a catalog of workflows, loader.h's WorkflowCatalog) any name goes.
  explicit ActionCatalog(bool qualified_names = true)
      : qualified_names_(qualified_names) {}

  /// Adds `spec`; a second action of the same name is an error.
  Status Add(ActionSpec spec);
  const ActionSpec* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  bool qualified_names_;
  std::map<std::string, ActionSpec, std::less<>> actions_;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_ACTIONS_H_
