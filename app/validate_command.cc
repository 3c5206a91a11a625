#include "app/validate_command.h"

#include <ostream>

#include "app/eval_command.h"
#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"
#include "engine/loader.h"

namespace bssflow::app {

int RunValidate(const ValidateOptions& options, std::ostream& out,
                std::ostream& err) {
  auto rules = dsl::PostalCodeRules::LoadFile(options.postal_code_rules);
  if (!rules.ok()) {
    err << "bssflow validate: " << rules.status().message() << "\n";
    return kExitUsage;
  }
  auto registry = dsl::BuildDefaultRegistry(rules.value());
  auto merge_fields = dsl::MergeFieldMap::LoadFile(options.merge_fields);
  if (!registry.ok() || !merge_fields.ok()) {
    err << "bssflow validate: "
        << (registry.ok() ? merge_fields.status() : registry.status()).message()
        << "\n";
    return kExitUsage;
  }
  engine::LoaderContext context;
  context.functions = registry.value();
  context.merge_fields = merge_fields.value();
  int status = kExitOk;
  for (const std::string& file : options.files) {
    engine::LoadResult result = engine::LoadWorkflowFile(file, context);
    if (!result.ok()) {
      err << dsl::RenderAll(result.source, result.diagnostics);
      status = kExitExpressionError;
      continue;
    }
    const engine::Workflow& w = *result.workflow;
    out << file << ": ok (workflow " << w.name << ", version " << w.version
        << ", " << w.steps.size() << " top-level step"
        << (w.steps.size() == 1 ? "" : "s") << ")\n";
  }
  return status;
}

}  // namespace bssflow::app
