// Loading a workflow file: YAML -> checked Workflow (workflow.h), or every
// problem found, each with file:line:col, the line and a caret. Nothing runs
// a workflow that did not load without diagnostics.
//
// What is checked: YAML syntax; unknown or misspelt fields (with "did you
// mean"); field types; step ids (format, uniqueness); every expression and
// template, compiled and checked where it stands in the file, including
// references to unknown inputs, steps (or steps that run later) and
// variables; connector actions and their arguments against an ActionCatalog.
#ifndef BSSFLOW_ENGINE_LOADER_H_
#define BSSFLOW_ENGINE_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "dsl/functions.h"
#include "dsl/limits.h"
#include "dsl/merge_fields.h"
#include "dsl/source.h"
#include "engine/actions.h"
#include "engine/notification_templates.h"
#include "engine/workflow.h"

namespace bssflow::engine {

/// What the loader checks workflows against. Everything it points to must
/// outlive the loader call; the loaded workflow keeps what it needs.
struct LoaderContext {
  std::shared_ptr<const dsl::FunctionRegistry> functions;
  /// BSS merge fields for templates; null: a merge field is a diagnostic.
  std::shared_ptr<const dsl::MergeFieldMap> merge_fields;
  /// Connector actions; null: `call:` targets are not checked.
  const ActionCatalog* actions = nullptr;
  /// The workflows `workflow:` steps may call, each as an "action" whose
  /// arguments are its inputs (WorkflowCatalog); null: not checked.
  const ActionCatalog* workflows = nullptr;
  /// The notification templates `notify` steps name; null: a `notify` step
  /// must give `to` and sends no subject or body (tests of the runner).
  std::shared_ptr<const TemplateLibrary> templates;
  dsl::Limits limits;
};

/// A catalog of `workflows` for LoaderContext::workflows: one entry per
/// workflow, named by its `workflow:` name, its inputs as arguments. An
/// error naming both files when two have the same name ("two workflow files
/// are named 'W': a.yaml and b.yaml; rename one (the `workflow:` field)").
Result<ActionCatalog> WorkflowCatalog(
    const std::vector<std::shared_ptr<const Workflow>>& workflows);

struct LoadResult {
  /// Null when there are diagnostics.
  std::shared_ptr<const Workflow> workflow;
  /// The file, for rendering diagnostics: dsl::RenderAll(source, diagnostics).
  dsl::Source source;
  /// Every problem, in file order.
  std::vector<dsl::Diagnostic> diagnostics;

  bool ok() const { return workflow != nullptr; }
};

/// Loads a workflow from `text`; `file_name` names it in messages.
/// Thread-safe; never throws.
LoadResult LoadWorkflow(std::string file_name, std::string text,
                        const LoaderContext& context);

/// Reads and loads the file at `path`; an unreadable file is a diagnostic.
LoadResult LoadWorkflowFile(const std::string& path,
                            const LoaderContext& context);

/// The connector error kinds a retry policy may name.
const std::vector<std::string>& RetryableErrorKinds();

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_LOADER_H_
