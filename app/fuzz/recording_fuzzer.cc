// libFuzzer target: any byte string as a recording file (`bssflow replay`,
// app/replay.h). The bytes are read as JSON, as ReadRecordingFile reads
// them, then by ParseRecording; a recording that reads is replayed on its
// own recorded definition (`bssflow replay --recorded`: loaded with the
// loader context of the offline commands, the connectors' manifests and the
// shipped workflows for `workflow` steps), strictly and accepting changes,
// and the report is rendered. Whatever the input: a parse error, a replay
// error or a report; no crash, no sanitizer report, no leak, no hang.
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "app/replay.h"
#include "app/replay_command.h"
#include "app/workflow_files.h"
#include "engine/loader.h"

namespace {

using namespace bssflow;

struct Fixture {
  std::unique_ptr<app::OfflineLoader> loader;

  Fixture() {
    std::ostringstream err;
    auto made = app::MakeOfflineLoader(
        app::DefaultDataFiles(), "", BSSFLOW_FUZZ_WORKFLOWS_DIR, "replay", err);
    if (!made.has_value()) {
      std::cerr << "recording_fuzzer: " << err.str();
      std::abort();
    }
    loader = std::move(*made);
    // As the workflow fuzzer: a comprehension may not spin for long.
    loader->context.limits.max_iterations = 10'000;
  }
};

void ReplayOnce(const app::Recording& recording,
                std::shared_ptr<const engine::Workflow> workflow,
                const engine::ActionCatalog& actions, bool accept_changes) {
  app::ReplayOptions options{std::move(workflow), recording.definition,
                             &actions, accept_changes};
  Result<app::ReplayReport> report = app::Replay(recording, options);
  if (!report.ok()) {
    if (report.status().message().empty()) __builtin_trap();
    return;
  }
  std::string rendered = app::RenderDivergences(report.value(), "  ");
  if (!report.value().divergences.empty() && rendered.empty()) __builtin_trap();
  // The replay's own recording is what --update writes: it must read back.
  if (!app::ParseRecording(report.value().recording).ok()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  nlohmann::json document = nlohmann::json::parse(data, data + size, nullptr,
                                                  /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  Result<app::Recording> recording = app::ParseRecording(document);
  if (!recording.ok()) {
    if (recording.status().message().empty()) __builtin_trap();
    return 0;
  }
  engine::LoadResult loaded = engine::LoadWorkflow("recording.json#workflow",
                                                   recording.value().definition,
                                                   fixture.loader->context);
  if (!loaded.ok()) return 0;
  ReplayOnce(recording.value(), loaded.workflow, fixture.loader->actions,
             /*accept_changes=*/false);
  ReplayOnce(recording.value(), loaded.workflow, fixture.loader->actions,
             /*accept_changes=*/true);
  return 0;
}
