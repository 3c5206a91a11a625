#include "app/workflow_files.h"

#include <ostream>
#include <string>
#include <vector>

#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"

namespace bssflow::app {

DataFiles DefaultDataFiles() {
  return {dsl::DefaultPostalCodeRulesPath(), dsl::DefaultMergeFieldsPath(),
          engine::DefaultTemplatesDirectory()};
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
  std::vector<std::string> problems;
  auto templates =
      engine::TemplateLibrary::LoadDirectory(files.templates_dir, problems);
  if (!problems.empty()) {
    for (const std::string& problem : problems) {
      err << "bssflow " << command << ": " << problem
          << (problem.ends_with('\n') ? "" : "\n");
    }
    return std::nullopt;
  }
  engine::LoaderContext context;
  context.functions = registry.value();
  context.merge_fields = merge_fields.value();
  context.templates = std::move(templates);
  return context;
}

}  // namespace bssflow::app
