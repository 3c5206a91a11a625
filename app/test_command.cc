#include "app/test_command.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "app/eval_command.h"
#include "app/replay_command.h"
#include "app/scenario.h"
#include "base/read_file.h"
#include "engine/runner.h"

namespace bssflow::app {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string XmlEscaped(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        // XML 1.0 has no place for other control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' &&
            c != '\r') {
          escaped += '?';
        } else {
          escaped += c;
        }
    }
  }
  return escaped;
}

// The workflows scenarios run on, each file loaded once.
class WorkflowCache {
 public:
  explicit WorkflowCache(const engine::LoaderContext& context)
      : context_(context) {}

  struct Entry {
    std::shared_ptr<const engine::Workflow> workflow;
    std::string text;
    std::string problems;  // rendered diagnostics when it does not load
  };

  const Entry& Get(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(path);
    if (it != entries_.end()) return it->second;
    Entry entry;
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) {
      entry.problems = path + ": " + text.status().message();
    } else {
      entry.text = std::move(text).value();
      engine::LoadResult loaded = engine::LoadWorkflow(path, entry.text, context_);
      if (loaded.ok()) {
        entry.workflow = loaded.workflow;
      } else {
        entry.problems = dsl::RenderAll(loaded.source, loaded.diagnostics);
      }
    }
    return entries_.emplace(path, std::move(entry)).first->second;
  }

 private:
  const engine::LoaderContext& context_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// Splits rendered diagnostics into lines (a verdict's failures).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

ScenarioVerdict RunOne(const std::string& file, WorkflowCache& workflows,
                       const engine::ActionCatalog* actions) {
  const Clock::time_point start = Clock::now();
  ScenarioVerdict verdict;
  verdict.file = file;
  ScenarioFileResult read = ReadScenarioFile(file);
  if (!read.scenario.has_value()) {
    verdict.title = file;
    verdict.failures = Lines(dsl::RenderAll(read.source, read.diagnostics));
    verdict.seconds = SecondsSince(start);
    return verdict;
  }
  const Scenario& scenario = *read.scenario;
  verdict.title = scenario.title;
  const WorkflowCache::Entry& workflow = workflows.Get(scenario.workflow_file);
  std::vector<dsl::Diagnostic> misnamed;
  if (workflow.workflow != nullptr)
    misnamed = CheckScenarioNames(scenario, *workflow.workflow);
  if (workflow.workflow == nullptr && workflow.text.empty()) {
    // The file cannot be read: said at the scenario's `workflow:`.
    verdict.failures = Lines(dsl::Render(
        read.source, {scenario.workflow_offset, workflow.problems}));
  } else if (workflow.workflow == nullptr) {
    verdict.failures = Lines(workflow.problems);
  } else if (!misnamed.empty()) {
    verdict.failures = Lines(dsl::RenderAll(read.source, misnamed));
  } else if (Status fits = engine::Runner::CheckInputs(*workflow.workflow,
                                                       scenario.inputs);
             !fits.ok()) {
    // Said at the scenario's `inputs:` (or its start, when it has none).
    verdict.failures = Lines(
        dsl::Render(read.source, {scenario.inputs_offset, fits.message()}));
  } else {
    Result<std::vector<std::string>> failures =
        RunScenario(scenario, workflow.workflow, workflow.text, actions);
    verdict.failures = failures.ok()
                           ? std::move(failures.value())
                           : std::vector<std::string>{
                                 "the run could not start: " +
                                 failures.status().message()};
  }
  verdict.seconds = SecondsSince(start);
  return verdict;
}

}  // namespace

Result<std::vector<std::string>> ScenarioFiles(
    const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) {
      files.push_back(path);
      continue;
    }
    if (!std::filesystem::is_directory(path, error))
      return Status::Error(path + ": no such file or directory");
    std::vector<std::string> found;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(path, error)) {
      const std::string extension = entry.path().extension().string();
      if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml"))
        found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string JunitXml(const std::vector<ScenarioVerdict>& verdicts,
                     double seconds) {
  size_t failed = 0;
  for (const ScenarioVerdict& verdict : verdicts)
    failed += verdict.failures.empty() ? 0 : 1;
  std::ostringstream xml;
  xml << std::fixed << std::setprecision(3);
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites tests=\"" << verdicts.size() << "\" failures=\""
      << failed << "\" time=\"" << seconds << "\">\n"
      << "  <testsuite name=\"bssflow\" tests=\"" << verdicts.size()
      << "\" failures=\"" << failed << "\" errors=\"0\" time=\"" << seconds
      << "\">\n";
  for (const ScenarioVerdict& verdict : verdicts) {
    xml << "    <testcase classname=\"" << XmlEscaped(verdict.file)
        << "\" name=\"" << XmlEscaped(verdict.title) << "\" time=\""
        << verdict.seconds << "\"";
    if (verdict.failures.empty()) {
      xml << "/>\n";
      continue;
    }
    std::string text;
    for (const std::string& line : verdict.failures) text += line + "\n";
    xml << ">\n      <failure message=\"" << XmlEscaped(verdict.failures.front())
        << "\">" << XmlEscaped(text) << "</failure>\n    </testcase>\n";
  }
  xml << "  </testsuite>\n</testsuites>\n";
  return xml.str();
}

int RunTests(const TestCommandOptions& options, std::ostream& out,
             std::ostream& err) {
  const Clock::time_point start = Clock::now();
  Result<std::vector<std::string>> files = ScenarioFiles(options.paths);
  if (!files.ok()) {
    err << "bssflow test: " << files.status().message() << "\n";
    return kExitUsage;
  }
  if (files.value().empty()) {
    err << "bssflow test: no scenario file (*.yaml) in the paths given\n";
    return kExitUsage;
  }
  auto loader = MakeOfflineLoader(options.data, options.connectors_file, "",
                                  "test", err);
  if (!loader.has_value()) return kExitUsage;
  WorkflowCache workflows((*loader)->context);
  const engine::ActionCatalog* actions = &(*loader)->actions;

  // Each scenario has its own engine; the threads share only the loaded
  // workflows and the manifests, which they read.
  std::vector<ScenarioVerdict> verdicts(files.value().size());
  std::atomic<size_t> next{0};
  unsigned jobs = options.jobs != 0 ? options.jobs
                                    : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(verdicts.size()));
  std::mutex printing;
  auto work = [&] {
    for (size_t i = next++; i < verdicts.size(); i = next++) {
      verdicts[i] = RunOne(files.value()[i], workflows, actions);
      std::lock_guard<std::mutex> lock(printing);
      const ScenarioVerdict& verdict = verdicts[i];
      out << (verdict.failures.empty() ? "ok   " : "FAIL ") << verdict.file
          << ": " << verdict.title << "\n";
      for (const std::string& failure : verdict.failures)
        out << "  " << failure << "\n";
      out.flush();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < jobs; ++i) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();

  const double seconds = SecondsSince(start);
  size_t failed = 0;
  for (const ScenarioVerdict& verdict : verdicts)
    failed += verdict.failures.empty() ? 0 : 1;
  out << verdicts.size() << " scenario" << (verdicts.size() == 1 ? "" : "s")
      << ": " << verdicts.size() - failed << " passed, " << failed
      << " failed (" << std::fixed << std::setprecision(2) << seconds
      << " s)\n";
  if (!options.junit_file.empty()) {
    // A CI job names a report file in a directory of reports it may not
    // have made yet.
    const std::filesystem::path parent =
        std::filesystem::path(options.junit_file).parent_path();
    std::error_code ignored;
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    errno = 0;
    std::ofstream junit(options.junit_file, std::ios::binary | std::ios::trunc);
    junit << JunitXml(verdicts, seconds);
    junit.close();
    if (!junit) {
      int reason = std::filesystem::is_directory(options.junit_file, ignored)
                       ? EISDIR
                       : errno;
      err << "bssflow test: cannot write " << options.junit_file
          << (reason != 0 ? std::string(": ") + std::strerror(reason) : "")
          << "\n";
      return kExitUsage;
    }
  }
  return failed > 0 ? kExitExpressionError : kExitOk;
}

}  // namespace bssflow::app
