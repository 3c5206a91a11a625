#include "app/workflow_files.h"

#include <ostream>

#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"

namespace bssflow::app {

DataFiles DefaultDataFiles() {
  return {dsl::DefaultPostalCodeRulesPath(), dsl::DefaultMergeFieldsPath()};
}

std::optional<engine::LoaderContext> MakeLoaderContext(
    const DataFiles& files, const std::string& command, std::ostream& err) {
  auto rules = dsl::PostalCodeRules::LoadFile(files.postal_code_rules);
  if (!rules.ok()) {
    err << "bssflow " << command << ": " << rules.status().message() << "\n";
    return std::nullopt;
  }
  auto registry = dsl::BuildDefaultRegistry(rules.value());
  auto merge_fields = dsl::MergeFieldMap::LoadFile(files.merge_fields);
  if (!registry.ok() || !merge_fields.ok()) {
    err << "bssflow " << command << ": "
        << (registry.ok() ? merge_fields.status() : registry.status()).message()
        << "\n";
    return std::nullopt;
  }
  engine::LoaderContext context;
  context.functions = registry.value();
  context.merge_fields = merge_fields.value();
  return context;
}

}  // namespace bssflow::app
