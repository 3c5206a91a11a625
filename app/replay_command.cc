#include "app/replay_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>

#include "app/configured_connectors.h"
#include "app/eval_command.h"
#include "app/replay.h"
#include "app/run_command.h"
#include "base/read_file.h"
#include "dsl/source.h"

namespace bssflow::app {

namespace {

Result<std::string> ReadText(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return Status::Error(path + ": " + text.status().message());
  return text;
}

std::vector<std::string> YamlFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string extension = entry.path().extension().string();
    if (extension == ".yaml" || extension == ".yml")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The workflow a recording replays on, by the options; diagnostics of a
// file that does not load go to `err`.
Result<FoundWorkflow> WorkflowFor(
    const Recording& recording, const std::string& recording_path,
    const ReplayCommandOptions& options, const engine::LoaderContext& context,
    std::map<std::string, Result<FoundWorkflow>>& found_by_name,
    std::ostream& err) {
  if (options.recorded_definition) {
    engine::LoadResult loaded = engine::LoadWorkflow(
        recording_path + "#workflow", recording.definition, context);
    if (!loaded.ok()) {
      err << dsl::RenderAll(loaded.source, loaded.diagnostics);
      return Status::Error(recording_path +
                           ": the recorded definition does not load");
    }
    return FoundWorkflow{loaded.workflow, recording.definition};
  }
  if (options.workflow_file.empty()) {
    // Many recordings of one workflow: its directory is read once.
    auto found = found_by_name.find(recording.workflow_name);
    if (found == found_by_name.end()) {
      found = found_by_name
                  .emplace(recording.workflow_name,
                           FindWorkflowByName(options.workflows_dir,
                                              recording.workflow_name, context))
                  .first;
    }
    return found->second;
  }
  Result<std::string> text = ReadText(options.workflow_file);
  if (!text.ok()) return text.status();
  engine::LoadResult loaded =
      engine::LoadWorkflow(options.workflow_file, text.value(), context);
  if (!loaded.ok()) {
    err << dsl::RenderAll(loaded.source, loaded.diagnostics);
    return Status::Error(options.workflow_file + " does not load");
  }
  if (loaded.workflow->name != recording.workflow_name) {
    return Status::Error(recording_path + " is a run of " +
                         recording.workflow_name + ", not of " +
                         loaded.workflow->name + " (" + options.workflow_file +
                         ")");
  }
  return FoundWorkflow{loaded.workflow, text.value()};
}

}  // namespace

std::optional<std::unique_ptr<OfflineLoader>> MakeOfflineLoader(
    const DataFiles& data, const std::string& connectors_file,
    const std::string& workflows_dir, const std::string& command,
    std::ostream& err) {
  std::optional<engine::LoaderContext> context =
      MakeLoaderContext(data, command, err);
  if (!context.has_value()) return std::nullopt;
  auto loader = std::make_unique<OfflineLoader>();
  loader->context = std::move(*context);
  std::optional<ConnectorsConfig> connectors;
  if (!connectors_file.empty()) {
    ConnectorsConfigResult read = LoadConnectorsConfigFile(connectors_file);
    if (!read.ok()) {
      err << dsl::RenderAll(read.source, read.diagnostics);
      return std::nullopt;
    }
    connectors = std::move(read.config);
  }
  loader->actions = AllConnectorActions(connectors ? &*connectors : nullptr);
  loader->context.actions = &loader->actions;
  // `workflow` steps are checked against the workflows beside them.
  std::vector<std::shared_ptr<const engine::Workflow>> library;
  if (!workflows_dir.empty()) {
    for (const std::string& file : YamlFiles(workflows_dir)) {
      engine::LoadResult loaded = engine::LoadWorkflowFile(file, loader->context);
      if (loaded.ok()) library.push_back(loaded.workflow);
    }
  }
  Result<engine::ActionCatalog> workflows = engine::WorkflowCatalog(library);
  if (!workflows.ok()) {
    err << "bssflow " << command << ": " << workflows.status().message()
        << "\n";
    return std::nullopt;
  }
  loader->workflows = std::move(workflows.value());
  loader->context.workflows = &loader->workflows;
  return loader;
}

Result<FoundWorkflow> FindWorkflowByName(const std::string& dir,
                                         const std::string& name,
                                         const engine::LoaderContext& context) {
  std::optional<FoundWorkflow> found;
  std::string found_in;
  for (const std::string& file : YamlFiles(dir)) {
    Result<std::string> text = ReadText(file);
    if (!text.ok()) continue;
    engine::LoadResult loaded = engine::LoadWorkflow(file, text.value(), context);
    if (!loaded.ok() || loaded.workflow->name != name) continue;
    if (found.has_value()) {
      return Status::Error("two files of " + dir + " are workflow " + name +
                           ": " + found_in + " and " + file);
    }
    found = FoundWorkflow{loaded.workflow, text.value()};
    found_in = file;
  }
  if (!found.has_value()) {
    return Status::Error("no file of " + dir + " is a valid workflow " + name +
                         " (bssflow validate says why a file does not load); "
                         "name one with --workflow FILE");
  }
  return std::move(*found);
}

int RunReplay(const ReplayCommandOptions& options, std::ostream& out,
              std::ostream& err) {
  auto loader = MakeOfflineLoader(options.data, options.connectors_file,
                                  options.workflows_dir, "replay", err);
  if (!loader.has_value()) return kExitUsage;
  const engine::LoaderContext& context = (*loader)->context;
  std::map<std::string, Result<FoundWorkflow>> found_by_name;
  int diverged = 0;
  int updated = 0;
  // A recording that cannot be read, or whose workflow cannot be found, is
  // reported and the others are replayed still: one broken file must not
  // hide whether the rest replay the same.
  int unreadable = 0;
  for (const std::string& path : options.recordings) {
    Result<Recording> recording = ReadRecordingFile(path);
    if (!recording.ok()) {
      err << "bssflow replay: " << recording.status().message() << "\n";
      ++unreadable;
      continue;
    }
    Result<FoundWorkflow> workflow =
        WorkflowFor(recording.value(), path, options, context, found_by_name,
                    err);
    if (!workflow.ok()) {
      err << "bssflow replay: " << workflow.status().message() << "\n";
      ++unreadable;
      continue;
    }
    ReplayOptions replay{workflow.value().workflow, workflow.value().text,
                         &(*loader)->actions, options.update};
    Result<ReplayReport> report = Replay(recording.value(), replay);
    if (!report.ok()) {
      out << "FAIL " << path << ": " << report.status().message() << "\n";
      ++diverged;
      continue;
    }
    const ReplayReport& done = report.value();
    if (done.divergences.empty()) {
      out << "ok   " << path << " (" << recording.value().workflow_name << ", "
          << done.calls << " call" << (done.calls == 1 ? "" : "s") << ")\n";
      continue;
    }
    if (options.update) {
      Status written = WriteRecording(done.recording, path);
      if (!written.ok()) {
        err << "bssflow replay: " << written.message() << "\n";
        return kExitUsage;
      }
      out << "updated " << path << " (" << recording.value().workflow_name
          << ", " << done.calls << " call" << (done.calls == 1 ? "" : "s")
          << "); accepted:\n"
          << RenderDivergences(done, "  ");
      ++updated;
      continue;
    }
    out << "FAIL " << path << " (" << recording.value().workflow_name
        << ")\n"
        << RenderDivergences(done, "  ");
    ++diverged;
  }
  const size_t total = options.recordings.size();
  out << total << " recording" << (total == 1 ? "" : "s") << ": "
      << total - diverged - updated - unreadable << " same";
  if (updated > 0) out << ", " << updated << " updated";
  if (diverged > 0) out << ", " << diverged << " diverged";
  if (unreadable > 0) out << ", " << unreadable << " not replayed";
  out << "\n";
  if (unreadable > 0) return kExitUsage;
  return diverged > 0 ? kExitExpressionError : kExitOk;
}

}  // namespace bssflow::app
