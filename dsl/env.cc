#include "dsl/env.h"

namespace bssflow::dsl {

Env::Env(std::shared_ptr<const FunctionRegistry> functions)
    : functions_(std::move(functions)) {}

int Env::Declare(std::string name, std::optional<ValueKind> kind) {
  int existing = Find(name);
  if (existing >= 0) return existing;
  variables_.push_back({std::move(name), kind, std::nullopt});
  return static_cast<int>(variables_.size()) - 1;
}

int Env::DeclareFields(std::string name, KnownFields fields) {
  int slot = Declare(std::move(name), ValueKind::kMap);
  variables_[static_cast<size_t>(slot)].fields = std::move(fields);
  return slot;
}

int Env::Find(std::string_view name) const {
  for (size_t i = 0; i < variables_.size(); ++i) {
    if (variables_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<ValueKind> TypeNamed(std::string_view name) {
  static constexpr ValueKind kKinds[] = {ValueKind::kNull,   ValueKind::kBool,
                                         ValueKind::kInt,    ValueKind::kUint,
                                         ValueKind::kDouble, ValueKind::kString,
                                         ValueKind::kBytes,  ValueKind::kList,
                                         ValueKind::kMap,    ValueKind::kType};
  for (ValueKind kind : kKinds) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace bssflow::dsl
