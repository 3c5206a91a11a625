#include "app/validate_command.h"

#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "app/configured_connectors.h"
#include "app/eval_command.h"
#include "engine/graph.h"

namespace bssflow::app {

int RunValidate(const ValidateOptions& options, std::ostream& out,
                std::ostream& err) {
  std::optional<engine::LoaderContext> context =
      MakeLoaderContext(options.data, "validate", err);
  if (!context.has_value()) return kExitUsage;
  // The files are checked against each other: a `workflow:` step must name
  // one of them (those that load by themselves) and fit its inputs.
  // A file named twice (`validate a.yaml ./a.yaml`, overlapping globs) is
  // one file, checked once.
  std::vector<std::string> files;
  std::set<std::filesystem::path> seen;
  for (const std::string& file : options.files) {
    std::error_code error;
    std::filesystem::path same = std::filesystem::weakly_canonical(file, error);
    if (seen.insert(error ? std::filesystem::path(file) : same).second)
      files.push_back(file);
  }
  std::vector<std::shared_ptr<const engine::Workflow>> loaded;
  for (const std::string& file : files) {
    engine::LoadResult first = engine::LoadWorkflowFile(file, *context);
    if (first.ok()) loaded.push_back(first.workflow);
  }
  Result<engine::ActionCatalog> workflows = engine::WorkflowCatalog(loaded);
  if (!workflows.ok()) {
    err << "bssflow validate: " << workflows.status().message() << "\n";
    return kExitExpressionError;
  }
  context->workflows = &workflows.value();
  // `call` steps are checked against the connectors' manifests: an unknown
  // action or argument is a problem here, not when the run reaches it.
  std::optional<ConnectorsConfig> connectors;
  if (!options.connectors_file.empty()) {
    ConnectorsConfigResult read =
        LoadConnectorsConfigFile(options.connectors_file);
    if (!read.ok()) {
      err << dsl::RenderAll(read.source, read.diagnostics);
      return kExitUsage;
    }
    connectors = std::move(read.config);
  }
  const engine::ActionCatalog actions =
      AllConnectorActions(connectors ? &*connectors : nullptr);
  context->actions = &actions;
  int status = kExitOk;
  for (const std::string& file : files) {
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
