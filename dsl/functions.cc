#include "dsl/functions.h"

#include <re2/re2.h>

namespace bssflow::dsl {

Status FunctionRegistry::Register(FunctionDecl decl) {
  if (decl.name.empty() || !decl.impl) {
    return Status::Error(
        "function registration needs a name and an implementation");
  }
  if (functions_.count(decl.name) != 0) {
    return Status::Error("function '" + decl.name + "' is registered twice");
  }
  std::string name = decl.name;
  functions_.emplace(std::move(name), std::move(decl));
  return Status::Ok();
}

const FunctionDecl* FunctionRegistry::Find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, decl] : functions_) names.push_back(name);
  return names;
}

Result<std::shared_ptr<const FunctionRegistry>> BuildDefaultRegistry(
    std::shared_ptr<const PostalCodeRules> rules) {
  auto registry = std::make_shared<FunctionRegistry>();
  if (Status s = RegisterStandardFunctions(*registry); !s.ok()) return s;
  if (Status s = RegisterDomainFunctions(*registry, std::move(rules));
      !s.ok()) {
    return s;
  }
  return std::shared_ptr<const FunctionRegistry>(std::move(registry));
}

Value MatchesPattern(const std::string& text, const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) {
    return Value::MakeError(
        ErrorKind::kInvalidArgument,
        "invalid regular expression '" + pattern + "': " + re.error());
  }
  return Value::Bool(RE2::PartialMatch(text, re));
}

}  // namespace bssflow::dsl
