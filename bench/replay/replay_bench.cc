// replay_bench: how fast testers' regression material runs (docs/
// benchmarks.md, "Record and replay"). Everything is offline and in the
// process: the recordings of tests/microsoft/scenarios/recordings, the
// workflows of workflows/microsoft and the scenario files of
// tests/microsoft/scenarios.
//
//   BM_ReadRecording        the baseline: the JSON text of every recording
//                           parsed and read (ParseRecording), no run.
//   BM_ReplayOne/<name>     one recording replayed (bssflow replay without
//                           the files): a whole offline run, its calls
//                           compared with the recording's.
//   BM_ReplayAll            every recording replayed; recordings/s.
//   BM_Scenarios            every scenario file of the Microsoft workflows
//                           run and checked (bssflow test without the
//                           threads); scenarios/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/replay.h"
#include "app/replay_command.h"
#include "app/scenario.h"

namespace {

namespace app = bssflow::app;

struct Loaded {
  std::string name;
  std::string text;
  app::Recording recording;
  app::FoundWorkflow workflow;
};

struct Corpus {
  std::unique_ptr<app::OfflineLoader> loader;
  std::vector<Loaded> recordings;
  std::vector<std::pair<app::Scenario, app::FoundWorkflow>> scenarios;
};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> FilesIn(const std::string& dir,
                                           const std::string& extension) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Loads everything once; exits when something does not load, since every
// figure would then be wrong.
const Corpus& TheCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    auto loader = app::MakeOfflineLoader(app::DefaultDataFiles(), "",
                                         BSSFLOW_BENCH_WORKFLOWS_DIR,
                                         "replay_bench", std::cerr);
    if (!loader.has_value()) std::exit(2);
    c.loader = std::move(*loader);
    for (const auto& file :
         FilesIn(BSSFLOW_BENCH_SCENARIOS_DIR "/recordings", ".json")) {
      Loaded loaded;
      loaded.name = file.stem().string();
      loaded.text = ReadText(file);
      bssflow::Result<app::Recording> recording =
          app::ReadRecordingFile(file.string());
      bssflow::Result<app::FoundWorkflow> workflow =
          recording.ok() ? app::FindWorkflowByName(
                               BSSFLOW_BENCH_WORKFLOWS_DIR,
                               recording.value().workflow_name,
                               c.loader->context)
                         : bssflow::Result<app::FoundWorkflow>(
                               recording.status());
      if (!workflow.ok()) {
        std::cerr << "replay_bench: " << workflow.status().message() << "\n";
        std::exit(2);
      }
      loaded.recording = std::move(recording.value());
      loaded.workflow = std::move(workflow.value());
      c.recordings.push_back(std::move(loaded));
    }
    for (const auto& file : FilesIn(BSSFLOW_BENCH_SCENARIOS_DIR, ".yaml")) {
      app::ScenarioFileResult read = app::ReadScenarioFile(file.string());
      if (!read.scenario.has_value()) {
        std::cerr << "replay_bench: " << file << " has problems\n";
        std::exit(2);
      }
      bssflow::engine::LoadResult workflow = bssflow::engine::LoadWorkflow(
          read.scenario->workflow_file, ReadText(read.scenario->workflow_file),
          c.loader->context);
      if (!workflow.ok()) std::exit(2);
      c.scenarios.emplace_back(
          std::move(*read.scenario),
          app::FoundWorkflow{workflow.workflow,
                             ReadText(read.scenario->workflow_file)});
    }
    return c;
  }();
  return corpus;
}

void ReplayOrDie(benchmark::State& state, const Loaded& loaded) {
  const Corpus& corpus = TheCorpus();
  app::ReplayOptions options{loaded.workflow.workflow, loaded.workflow.text,
                             &corpus.loader->actions, false};
  bssflow::Result<app::ReplayReport> report =
      app::Replay(loaded.recording, options);
  if (!report.ok() || !report.value().divergences.empty())
    state.SkipWithError(("the replay of " + loaded.name + " diverged").c_str());
}

void BM_ReadRecording(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  for (auto _ : state) {
    for (const Loaded& loaded : corpus.recordings) {
      nlohmann::json document = nlohmann::json::parse(loaded.text);
      bssflow::Result<app::Recording> read = app::ParseRecording(document);
      benchmark::DoNotOptimize(read);
    }
  }
  state.counters["recordings/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * corpus.recordings.size()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadRecording);

void BM_ReplayOne(benchmark::State& state, const std::string& name) {
  const Corpus& corpus = TheCorpus();
  auto it = std::find_if(corpus.recordings.begin(), corpus.recordings.end(),
                         [&name](const Loaded& l) { return l.name == name; });
  if (it == corpus.recordings.end()) {
    state.SkipWithError(("no recording " + name).c_str());
    return;
  }
  for (auto _ : state) ReplayOrDie(state, *it);
  state.counters["recordings/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_ReplayOne, new_tenant, std::string("account-1001"));
BENCHMARK_CAPTURE(BM_ReplayOne, failed_prerequisite,
                  std::string("account-1003"));
BENCHMARK_CAPTURE(BM_ReplayOne, confirmed_link,
                  std::string("account-4002-confirmed"));

void BM_ReplayAll(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  for (auto _ : state) {
    for (const Loaded& loaded : corpus.recordings) ReplayOrDie(state, loaded);
  }
  state.counters["recordings/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * corpus.recordings.size()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReplayAll);

void BM_Scenarios(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  for (auto _ : state) {
    for (const auto& [scenario, workflow] : corpus.scenarios) {
      auto failures = app::RunScenario(scenario, workflow.workflow,
                                       workflow.text, &corpus.loader->actions);
      if (!failures.ok() || !failures.value().empty())
        state.SkipWithError(("scenario failed: " + scenario.file).c_str());
    }
  }
  state.counters["scenarios/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * corpus.scenarios.size()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Scenarios);

}  // namespace

BENCHMARK_MAIN();
