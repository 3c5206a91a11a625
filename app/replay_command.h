// `bssflow replay RECORDING...`: replays recordings (replay.h) on the
// current workflows, offline, and says for each whether it did the same.
#ifndef BSSFLOW_APP_REPLAY_COMMAND_H_
#define BSSFLOW_APP_REPLAY_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "app/workflow_files.h"
#include "engine/loader.h"

namespace bssflow::app {

struct ReplayCommandOptions {
  std::vector<std::string> recordings;
  /// The workflow file to replay every recording on; empty: the file of
  /// `workflows_dir` whose workflow has the recorded name.
  std::string workflow_file;
  /// Where recordings find their workflows by name.
  std::string workflows_dir;
  /// Replay on the definition each recording holds instead (a change of
  /// bssflow itself, not of the workflow).
  bool recorded_definition = false;
  /// A connectors file whose http endpoints workflows may call.
  std::string connectors_file;
  /// Rewrite each recording that diverges with what the replay did.
  bool update = false;
  DataFiles data = DefaultDataFiles();
};

/// Replays each recording in turn: "ok" or "FAIL" and the divergences on
/// `out`. Exit code 0 when every recording replays green (or was updated),
/// 1 when any diverges or cannot be replayed, 2 when a recording or a
/// workflow cannot be read.
int RunReplay(const ReplayCommandOptions& options, std::ostream& out,
              std::ostream& err);

/// The loader context the offline commands (replay, test) load workflows
/// with: data files, the connectors' manifests (plus the http endpoints of
/// `connectors_file`, when given) and the workflows of `workflows_dir` for
/// `workflow` steps. nullopt, with the reasons on `err` after `command`,
/// when any of them cannot be read.
struct OfflineLoader {
  engine::LoaderContext context;
  engine::ActionCatalog actions;
  engine::ActionCatalog workflows{/*qualified_names=*/false};
};
std::optional<std::unique_ptr<OfflineLoader>> MakeOfflineLoader(
    const DataFiles& data, const std::string& connectors_file,
    const std::string& workflows_dir, const std::string& command,
    std::ostream& err);

/// The workflow named `name` among the *.yaml files of `dir`, with its
/// text; an error when none or two of them are.
struct FoundWorkflow {
  std::shared_ptr<const engine::Workflow> workflow;
  std::string text;
};
Result<FoundWorkflow> FindWorkflowByName(const std::string& dir,
                                         const std::string& name,
                                         const engine::LoaderContext& context);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_REPLAY_COMMAND_H_
