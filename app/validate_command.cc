#include "app/validate_command.h"

#include <ostream>

#include "app/eval_command.h"
#include "engine/graph.h"

namespace bssflow::app {

int RunValidate(const ValidateOptions& options, std::ostream& out,
                std::ostream& err) {
  std::optional<engine::LoaderContext> context =
      MakeLoaderContext(options.data, "validate", err);
  if (!context.has_value()) return kExitUsage;
  int status = kExitOk;
  for (const std::string& file : options.files) {
    engine::LoadResult result = engine::LoadWorkflowFile(file, *context);
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

int RunGraph(const GraphOptions& options, std::ostream& out,
             std::ostream& err) {
  std::optional<engine::LoaderContext> context =
      MakeLoaderContext(options.data, "graph", err);
  if (!context.has_value()) return kExitUsage;
  engine::LoadResult result = engine::LoadWorkflowFile(options.file, *context);
  if (!result.ok()) {
    err << dsl::RenderAll(result.source, result.diagnostics);
    return kExitExpressionError;
  }
  out << engine::MermaidGraph(*result.workflow);
  return kExitOk;
}

}  // namespace bssflow::app
