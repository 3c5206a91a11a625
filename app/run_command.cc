#include "app/run_command.h"

#include <cstdlib>
#include <istream>
#include <map>
#include <ostream>

#include "app/event_format.h"
#include "app/recording.h"
#include "dsl/json_value.h"
#include "dsl/source.h"

namespace bssflow::app {

namespace {

using engine::Answer;
using engine::RunStatus;

int ExitCodeOf(RunStatus status) {
  switch (status) {
    case RunStatus::kSucceeded:
      return kRunSucceeded;
    case RunStatus::kFailed:
      return kRunFailed;
    case RunStatus::kCancelled:
      return kRunCancelled;
    case RunStatus::kAwaitingConfirmation:
      return kRunAwaitingConfirmation;
    case RunStatus::kPending:
    case RunStatus::kRunning:
      break;
  }
  return kRunUsage;
}

// Prints every event as the runner journals it.
EngineOptions Printing(EngineOptions options, std::ostream& out) {
  options.on_event = [&out](const engine::RunRecord& run,
                            const engine::Event& event) {
    if (event.type == engine::event_type::kRunStarted) {
      out << "run " << run.id << "\n";
    }
    out << FormatClock(event.time_ms) << "  " << DescribeEvent(event) << "\n";
    out.flush();
  };
  return options;
}

Result<std::unique_ptr<LocalEngine>> OpenEngine(const EngineOptions& options,
                                                const char* command,
                                                std::ostream& err) {
  auto engine = LocalEngine::Open(options);
  if (!engine.ok()) {
    err << "bssflow " << command << ": " << engine.status().message() << "\n";
  }
  return engine;
}

std::string WhoAnswers(const std::string& by) {
  if (!by.empty()) return by;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "cli";
}

std::optional<Answer> ParseDecision(const std::string& text) {
  if (text == "confirm") return Answer::kConfirm;
  if (text == "reject") return Answer::kReject;
  return std::nullopt;
}

void CollectConfirmSteps(const engine::StepList& steps,
                         std::vector<std::string>& ids) {
  for (const engine::Step& step : steps) {
    // A workflow step asks its child's prompts as its own.
    if (step.kind == engine::StepKind::kConfirm ||
        step.kind == engine::StepKind::kWorkflow) {
      ids.push_back(step.id);
    }
    for (const engine::Branch& branch : step.branches)
      CollectConfirmSteps(branch.steps, ids);
    CollectConfirmSteps(step.reject_steps, ids);
    CollectConfirmSteps(step.on_error, ids);
  }
}

// --answer STEP=DECISION flags, checked against the workflow's confirm steps.
Result<std::map<std::string, Answer>> ParseAnswers(
    const std::vector<std::string>& flags, const engine::Workflow& workflow) {
  std::vector<std::string> confirm_steps;
  CollectConfirmSteps(workflow.steps, confirm_steps);
  CollectConfirmSteps(workflow.on_error, confirm_steps);
  std::map<std::string, Answer> answers;
  for (const std::string& flag : flags) {
    size_t equals = flag.find('=');
    std::optional<Answer> answer =
        equals == std::string::npos ? std::nullopt
                                    : ParseDecision(flag.substr(equals + 1));
    if (!answer.has_value()) {
      return Status::Error("--answer expects STEP=confirm or STEP=reject, got '" +
                           flag + "'");
    }
    std::string step = flag.substr(0, equals);
    if (answers.count(step) != 0) {
      return Status::Error("--answer " + flag + ": step '" + step +
                           "' is answered twice");
    }
    if (std::find(confirm_steps.begin(), confirm_steps.end(), step) ==
        confirm_steps.end()) {
      std::string message = "--answer " + flag + ": workflow " + workflow.name +
                            " has no step '" + step +
                            "' that asks for a confirmation";
      std::string guess = dsl::ClosestMatch(step, confirm_steps);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      return Status::Error(message);
    }
    answers[step] = *answer;
  }
  return answers;
}

Result<nlohmann::json> ParseInputs(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  // Inputs may nest dsl::kMaxDataDepth levels; refused before parsing what
  // could not be copied without overflowing the stack.
  if (dsl::NestsDeeperThan(text, dsl::kMaxDataDepth + 1)) {
    return Status::Error("--input: data nests deeper than " +
                         std::to_string(dsl::kMaxDataDepth) + " levels");
  }
  nlohmann::json inputs = nlohmann::json::parse(text, nullptr, false);
  if (inputs.is_discarded()) {
    return Status::Error("--input is not valid JSON: " + text);
  }
  if (!inputs.is_object()) {
    return Status::Error("--input must be a JSON object, e.g. '{\"account_id\": \"A-1\"}'");
  }
  return inputs;
}

// Asks on the terminal until the answer is confirm or reject (or y/n);
// nullopt at the end of the input.
std::optional<Answer> Ask(std::istream& in, std::ostream& out) {
  std::string line;
  while (true) {
    out << "Confirm? [confirm/reject]: ";
    out.flush();
    if (!std::getline(in, line)) return std::nullopt;
    if (line == "y" || line == "yes") line = "confirm";
    if (line == "n" || line == "no") line = "reject";
    if (auto answer = ParseDecision(line)) return answer;
  }
}

void PrintOutcome(const engine::RunSummary& run, std::ostream& out) {
  out << "run " << run.run_id << " " << engine::RunStatusName(run.status)
      << "\n";
  if (run.status == RunStatus::kAwaitingConfirmation) {
    out << "answer it with: bssflow answer " << run.run_id
        << " confirm|reject\n";
  }
}

int ReportBroken(const char* command, const Status& status, std::ostream& err) {
  err << "bssflow " << command << ": " << status.message()
      << "\nThe run is kept as its journal left it; `bssflow resume` "
         "continues it.\n";
  return kRunUsage;
}

}  // namespace

int RunWorkflow(const RunOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err) {
  Result<nlohmann::json> inputs = ParseInputs(options.input_json);
  if (!inputs.ok()) {
    err << "bssflow run: " << inputs.status().message() << "\n";
    return kRunUsage;
  }
  if (!options.record_file.empty()) {
    if (Status writable = CheckRecordingWritable(options.record_file);
        !writable.ok()) {
      err << "bssflow run: " << writable.message() << "\n";
      return kRunUsage;
    }
  }
  auto engine = OpenEngine(Printing(options.engine, out), "run", err);
  if (!engine.ok()) return kRunUsage;
  LocalEngine& local = *engine.value();
  Result<engine::ActionCatalog> library = local.LibraryCatalog();
  if (!library.ok()) {
    err << "bssflow run: " << library.status().message() << "\n";
    return kRunUsage;
  }
  engine::LoaderContext context = local.loader_context();
  context.workflows = &library.value();
  engine::LoadResult loaded =
      engine::LoadWorkflowFile(options.workflow_file, context);
  if (!loaded.ok()) {
    err << dsl::RenderAll(loaded.source, loaded.diagnostics);
    return kRunFailed;
  }
  auto answers = ParseAnswers(options.answers, *loaded.workflow);
  Status usable = answers.ok() ? engine::Runner::CheckInputs(*loaded.workflow,
                                                             inputs.value())
                               : answers.status();
  if (!usable.ok()) {
    err << "bssflow run: " << usable.message() << "\n";
    return kRunUsage;
  }
  Result<engine::RunSummary> run = local.Await(local.runner().Start(
      loaded.workflow, loaded.source.text, inputs.value(), ""));
  while (run.ok() && run.value().status == RunStatus::kAwaitingConfirmation) {
    Result<engine::RunRecord> record = local.store().GetRun(run.value().run_id);
    if (!record.ok()) return ReportBroken("run", record.status(), err);
    auto given = answers.value().find(record.value().current_step);
    std::optional<Answer> answer;
    if (given != answers.value().end()) {
      answer = given->second;
    } else if (options.interactive) {
      answer = Ask(in, out);
    }
    if (!answer.has_value()) break;
    run = local.Await(local.runner().AnswerConfirmation(
        run.value().run_id, *answer, WhoAnswers(options.by)));
  }
  if (!run.ok()) return ReportBroken("run", run.status(), err);
  PrintOutcome(run.value(), out);
  if (!options.record_file.empty()) {
    Result<nlohmann::json> recording =
        RecordRun(local.store(), run.value().run_id);
    Status written = recording.ok()
                         ? WriteRecording(recording.value(), options.record_file)
                         : recording.status();
    if (!written.ok()) {
      err << "bssflow run: " << written.message() << "\n";
      return kRunUsage;
    }
    out << "recording written to " << options.record_file << "\n";
  }
  return ExitCodeOf(run.value().status);
}

int AnswerRun(const AnswerOptions& options, std::ostream& out,
              std::ostream& err) {
  std::optional<Answer> answer = ParseDecision(options.decision);
  if (!answer.has_value()) {
    err << "bssflow answer: the decision must be confirm or reject, got '"
        << options.decision << "'\n";
    return kRunUsage;
  }
  auto engine = OpenEngine(Printing(options.engine, out), "answer", err);
  if (!engine.ok()) return kRunUsage;
  LocalEngine& local = *engine.value();
  Result<engine::RunSummary> run =
      local.Await(local.runner().AnswerConfirmation(options.run_id, *answer,
                                                    WhoAnswers(options.by)));
  if (!run.ok()) {
    err << "bssflow answer: " << run.status().message() << "\n";
    return kRunUsage;
  }
  PrintOutcome(run.value(), out);
  return ExitCodeOf(run.value().status);
}

int ResumeRuns(const EngineOptions& options, std::ostream& out,
               std::ostream& err) {
  auto engine = OpenEngine(Printing(options, out), "resume", err);
  if (!engine.ok()) return kRunUsage;
  LocalEngine& local = *engine.value();
  auto resumed = local.Await(local.runner().ResumeUnfinished());
  if (!resumed.ok()) {
    err << "bssflow resume: " << resumed.status().message() << "\n";
    return kRunUsage;
  }
  int failures = 0;
  for (const engine::Runner::Resumed& run : resumed.value()) {
    if (!run.status.ok()) {
      ++failures;
      err << "bssflow resume: run " << run.run_id << ": "
          << run.status.message() << "\n";
      continue;
    }
    out << "run " << run.run_id << " " << engine::RunStatusName(run.run_status)
        << "\n";
  }
  out << resumed.value().size() << " unfinished run(s) resumed";
  if (failures > 0) out << ", " << failures << " could not be driven";
  out << "\n";
  return failures == 0 ? 0 : kRunUsage;
}

}  // namespace bssflow::app
