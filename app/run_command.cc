#include "app/run_command.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <deque>
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

// The steps of `steps` that ask for a confirmation, nested ones included,
// each with whether it is a `workflow` step (which asks every prompt of its
// child as its own, so it may ask more than once).
void CollectConfirmSteps(const engine::StepList& steps,
                         std::map<std::string, bool>& asks_more_than_once) {
  for (const engine::Step& step : steps) {
    if (step.kind == engine::StepKind::kConfirm ||
        step.kind == engine::StepKind::kWorkflow) {
      asks_more_than_once[step.id] = step.kind == engine::StepKind::kWorkflow;
    }
    for (const engine::Branch& branch : step.branches)
      CollectConfirmSteps(branch.steps, asks_more_than_once);
    CollectConfirmSteps(step.reject_steps, asks_more_than_once);
    CollectConfirmSteps(step.on_error, asks_more_than_once);
  }
}

// --answer STEP=DECISION flags, checked against the workflow's confirm
// steps: for each step, its answers in the order given. Each answers one
// prompt; only a `workflow` step takes several (its child's prompts, one
// after the other).
Result<std::map<std::string, std::deque<Answer>>> ParseAnswers(
    const std::vector<std::string>& flags, const engine::Workflow& workflow) {
  std::map<std::string, bool> asks_more_than_once;
  CollectConfirmSteps(workflow.steps, asks_more_than_once);
  CollectConfirmSteps(workflow.on_error, asks_more_than_once);
  std::map<std::string, std::deque<Answer>> answers;
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
    auto asking = asks_more_than_once.find(step);
    if (asking == asks_more_than_once.end()) {
      std::vector<std::string> confirm_steps;
      for (const auto& [id, more] : asks_more_than_once)
        confirm_steps.push_back(id);
      std::string message = "--answer " + flag + ": workflow " + workflow.name +
                            " has no step '" + step +
                            "' that asks for a confirmation";
      std::string guess = dsl::ClosestMatch(step, confirm_steps);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      return Status::Error(message);
    }
    if (answers.count(step) != 0 && !asking->second) {
      return Status::Error("--answer " + flag + ": step '" + step +
                           "' is answered twice");
    }
    answers[step].push_back(*answer);
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

void PrintOutcome(const engine::RunSummary& run,
                  const std::string& answer_flags, std::ostream& out) {
  out << "run " << run.run_id << " " << engine::RunStatusName(run.status)
      << "\n";
  if (run.status == RunStatus::kAwaitingConfirmation) {
    out << "answer it with: bssflow answer " << run.run_id
        << " confirm|reject" << answer_flags << "\n";
  }
}

// `text` as one word of a POSIX shell: as it is when it has only characters
// no shell treats specially, else in single quotes.
std::string ShellWord(const std::string& text) {
  bool plain = !text.empty() &&
               std::all_of(text.begin(), text.end(), [](unsigned char c) {
                 return std::isalnum(c) || std::strchr("/._-+=:,@%", c);
               });
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";  // ends the quotes, an escaped quote, quotes again
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// A workflow step that names an unknown workflow may name one whose file
// does not load: says which files were left out, rather than let the name
// look misspelt.
void NoteFilesNotLoaded(const std::vector<dsl::Diagnostic>& diagnostics,
                        const std::vector<std::string>& not_loaded,
                        std::ostream& err) {
  bool unknown_workflow = std::any_of(
      diagnostics.begin(), diagnostics.end(), [](const dsl::Diagnostic& d) {
        return d.message.rfind("unknown workflow '", 0) == 0;
      });
  if (!unknown_workflow || not_loaded.empty()) return;
  err << "note: these workflow files do not load, so no step can call the "
         "workflows they define (bssflow validate shows why):\n";
  for (const std::string& file : not_loaded) err << "    " << file << "\n";
}

// `message` about run `run_id`, naming it once: engine errors name their
// run when they know it, others ("data nests deeper than 100 levels") do
// not.
std::string AboutRun(const std::string& run_id, const std::string& message) {
  if (message.find(run_id) != std::string::npos) return message;
  return "run " + run_id + ": " + message;
}

int ReportBroken(const char* command, const Status& status, std::ostream& err) {
  err << "bssflow " << command << ": " << status.message()
      << "\nThe run is kept as its journal left it; `bssflow resume` "
         "continues it.\n";
  return kRunUsage;
}

}  // namespace

std::string AnswerFlags(const std::string& state_dir,
                        const std::string& connectors_file,
                        const std::string& workflows_dir) {
  std::string flags;
  if (!state_dir.empty()) flags += " --state-dir " + ShellWord(state_dir);
  if (!connectors_file.empty())
    flags += " --connectors " + ShellWord(connectors_file);
  if (!workflows_dir.empty())
    flags += " --workflows " + ShellWord(workflows_dir);
  return flags;
}

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
    NoteFilesNotLoaded(loaded.diagnostics, local.LibraryFilesNotLoaded(), err);
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
    // Each --answer answers one prompt; a `workflow` step's next prompt
    // takes the step's next answer, or is asked.
    std::deque<Answer>& given = answers.value()[record.value().current_step];
    std::optional<Answer> answer;
    if (!given.empty()) {
      answer = given.front();
      given.pop_front();
    } else if (options.interactive) {
      answer = Ask(in, out);
    }
    if (!answer.has_value()) break;
    run = local.Await(local.runner().AnswerConfirmation(
        run.value().run_id, *answer, WhoAnswers(options.by)));
  }
  if (!run.ok()) return ReportBroken("run", run.status(), err);
  PrintOutcome(run.value(), options.answer_flags, out);
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
    err << "bssflow answer: "
        << AboutRun(options.run_id, run.status().message()) << "\n";
    return kRunUsage;
  }
  PrintOutcome(run.value(), options.answer_flags, out);
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
      err << "bssflow resume: " << AboutRun(run.run_id, run.status.message())
          << "\n";
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
