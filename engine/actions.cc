#include "engine/actions.h"

namespace bssflow::engine {

Status ActionCatalog::Add(ActionSpec spec) {
  if (qualified_names_ && spec.name.find('.') == std::string::npos) {
    return Status::Error("action '" + spec.name +
                         "' must be named connector.action");
  }
  std::string name = spec.name;
  if (!actions_.emplace(name, std::move(spec)).second) {
    return Status::Error("action '" + name + "' is declared twice");
  }
  return Status::Ok();
}

const ActionSpec* ActionCatalog::Find(std::string_view name) const {
  auto it = actions_.find(name);
  return it == actions_.end() ? nullptr : &it->second;
}

std::vector<std::string> ActionCatalog::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, spec] : actions_) names.push_back(name);
  return names;
}

}  // namespace bssflow::engine
