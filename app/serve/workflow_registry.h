// The workflows `bssflow serve` offers: the *.yaml files of one directory,
// loaded and validated together, and reloaded atomically (SIGHUP, the
// reload route, a change in the directory).
//
// A reload loads every file again. A file that no longer loads keeps the
// version it had (runs can still start on it) and its diagnostics are
// reported; a file that is gone takes its workflow with it. Readers hold a
// snapshot (Current), so a reload never changes what a request in flight
// sees; runs in flight are not affected at all, since a run keeps the
// definition it started on (engine/runner.h).
#ifndef BSSFLOW_APP_SERVE_WORKFLOW_REGISTRY_H_
#define BSSFLOW_APP_SERVE_WORKFLOW_REGISTRY_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/loader.h"
#include "engine/runner.h"

namespace bssflow::serve {

/// The diagnostics of one file that did not load, each rendered as
/// "file:line:col: message", the line and a caret.
struct FileProblem {
  std::string file;
  std::vector<std::string> diagnostics;
};

struct WorkflowSet {
  /// By workflow name.
  std::map<std::string, engine::NamedWorkflow> workflows;
  std::vector<FileProblem> problems;
  /// The workflow name each offered file defines, by path.
  std::map<std::string, std::string> files;
};

struct ReloadReport {
  std::vector<std::string> loaded;   // every workflow name now offered
  std::vector<std::string> changed;  // added, removed or of a new version
  std::vector<FileProblem> problems;
};

class WorkflowRegistry {
 public:
  /// `context` must outlive the registry (its catalogs are pointers).
  WorkflowRegistry(std::string dir, engine::LoaderContext context);

  /// Loads the directory again and swaps the result in. Thread-safe;
  /// reloads are serialized.
  ReloadReport Reload();

  /// The workflows as of the last reload. Thread-safe.
  std::shared_ptr<const WorkflowSet> Current() const;

  /// The workflow called `name`, or a NamedWorkflow with no workflow.
  engine::NamedWorkflow Find(const std::string& name) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  engine::LoaderContext context_;
  std::mutex reload_mutex_;
  mutable std::mutex current_mutex_;
  std::shared_ptr<const WorkflowSet> current_;
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_WORKFLOW_REGISTRY_H_
