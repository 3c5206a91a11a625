#include "app/scenario.h"

#include <algorithm>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <regex>
#include <set>
#include <utility>

#include "app/connector_config_reader.h"
#include "base/read_file.h"

namespace bssflow::app {

namespace {

using config_internal::ConfigReader;
using config_internal::Describe;
using nlohmann::json;

// ---- YAML values as JSON ----

// A plain scalar YAML reads as a number, a bool or null keeps that type
// (as the workflow loader reads literals); anything else is text.
json ScalarJson(const YAML::Node& node) {
  static const std::regex kTyped(
      R"(^(true|false|null|~|[-+]?[0-9]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$)");
  std::string text = node.Scalar();
  if (node.Tag() != "?" || !std::regex_match(text, kTyped)) return text;
  if (text == "~") return nullptr;
  if (text[0] == '+') text.erase(0, 1);
  if (text.back() == '.') text += "0";
  if (text[0] == '.') text.insert(0, "0");
  if (text.size() > 1 && text[0] == '-' && text[1] == '.') text.insert(1, "0");
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? json(node.Scalar()) : value;
}

json YamlJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node)
        object[entry.first.Scalar()] = YamlJson(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const auto& item : node) array.push_back(YamlJson(item));
      return array;
    }
    case YAML::NodeType::Scalar:
      return ScalarJson(node);
    default:
      return nullptr;
  }
}

std::string Resolve(const std::string& scenario_file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(scenario_file).parent_path() / p)
      .lexically_normal()
      .string();
}

const std::vector<std::string> kStatuses = {
    "pending",   "running", "awaiting_confirmation",
    "succeeded", "failed",  "cancelled"};
const std::vector<std::string> kErrorKinds = {
    "retryable", "throttled", "timeout", "not_found",
    "conflict",  "invalid",   "auth",    "fatal"};

// Reads one scenario file, reporting every problem at its node.
class ScenarioReader {
 public:
  ScenarioReader(ConfigReader& reader, Scenario& scenario)
      : reader_(reader), scenario_(scenario) {}

  void ReadRoot(const YAML::Node& root) {
    if (!reader_.ExpectMap(root, "a scenario file")) return;
    reader_.CheckFields(root,
                        {"scenario", "workflow", "inputs", "recording",
                         "responses", "answers", "expect"},
                        "the scenario");
    reader_.Require(root, root, "a scenario", {"scenario", "workflow"});
    reader_.ReadText(root, "scenario", scenario_.title);
    if (reader_.ReadText(root, "workflow", scenario_.workflow_file)) {
      scenario_.workflow_file = Resolve(scenario_.file, scenario_.workflow_file);
      scenario_.workflow_offset = reader_.file().OffsetOf(root["workflow"]);
    }
    if (const YAML::Node inputs = root["inputs"]) {
      if (reader_.ExpectMap(inputs, "'inputs'")) {
        scenario_.inputs = YamlJson(inputs);
        scenario_.inputs_offset = reader_.file().OffsetOf(inputs);
      }
    }
    ReadRecording(root);
    if (const YAML::Node responses = root["responses"]) ReadResponses(responses);
    if (const YAML::Node answers = root["answers"]) ReadAnswers(answers);
    if (const YAML::Node expect = root["expect"]) ReadExpect(expect);
  }

 private:
  void ReadRecording(const YAML::Node& root) {
    std::string path;
    if (!reader_.ReadText(root, "recording", path)) return;
    Result<Recording> recording =
        ReadRecordingFile(Resolve(scenario_.file, path));
    if (!recording.ok()) {
      reader_.Report(root["recording"], recording.status().message());
      return;
    }
    scenario_.recording = std::move(recording.value());
  }

  void ReadResponses(const YAML::Node& responses) {
    if (!reader_.ExpectMap(responses, "'responses'")) return;
    for (const auto& entry : responses) {
      const std::string action = entry.first.Scalar();
      if (action.find('.') == std::string::npos) {
        reader_.Report(entry.first, "'" + action +
                                        "' is not an action: write "
                                        "connector.action, e.g. bss.get_account");
        continue;
      }
      if (!entry.second.IsSequence() || entry.second.size() == 0) {
        reader_.Report(entry.second, "the responses of " + action +
                                         " must be a list of {result} or "
                                         "{error}, got " + Describe(entry.second));
        continue;
      }
      Note(ScenarioName::Kind::kAction, entry.first, "'responses'");
      for (const YAML::Node& response : entry.second) {
        if (ReadResponse(response, action))
          scenario_.responses[action].push_back(YamlJson(response));
      }
    }
  }

  bool ReadResponse(const YAML::Node& response, const std::string& action) {
    if (!reader_.ExpectMap(response, "a response of " + action)) return false;
    reader_.CheckFields(response, {"result", "error"}, "a response");
    if (static_cast<bool>(response["result"]) ==
        static_cast<bool>(response["error"])) {
      reader_.Report(response, "a response has either 'result' or 'error'");
      return false;
    }
    const YAML::Node error = response["error"];
    if (!error) return true;
    if (!reader_.ExpectMap(error, "'error'")) return false;
    reader_.CheckFields(error, {"kind", "code", "message", "retry_after_ms"},
                        "an error");
    reader_.Require(reader_.KeyOf(response, "error"), error, "an error",
                    {"kind"});
    // A day at most: the engine waits an hour at most, and fails the step
    // for a longer Retry-After, which a scenario may want to show.
    int64_t retry_after_ms = 0;
    if (error["retry_after_ms"] &&
        !reader_.ReadWholeNumber(error, "retry_after_ms", 0, 86'400'000,
                                 retry_after_ms)) {
      return false;
    }
    const YAML::Node kind = error["kind"];
    if (kind && kind.IsScalar() &&
        std::find(kErrorKinds.begin(), kErrorKinds.end(), kind.Scalar()) ==
            kErrorKinds.end()) {
      std::string message = "unknown error kind '" + kind.Scalar() + "'";
      std::string guess = dsl::ClosestMatch(kind.Scalar(), kErrorKinds);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      reader_.Report(kind, message);
      return false;
    }
    return true;
  }

  void ReadAnswers(const YAML::Node& answers) {
    if (!reader_.ExpectMap(answers, "'answers'")) return;
    for (const auto& entry : answers) {
      if (!reader_.ExpectText(entry.second, "an answer")) continue;
      const std::string answer = entry.second.Scalar();
      if (answer != "confirm" && answer != "reject") {
        reader_.Report(entry.second, "an answer is confirm or reject, got '" +
                                         answer + "'");
        continue;
      }
      scenario_.answers[entry.first.Scalar()] = answer;
      Note(ScenarioName::Kind::kConfirmStep, entry.first, "'answers'");
    }
  }

  std::vector<std::string> ReadNames(const YAML::Node& map,
                                     const std::string& field) {
    std::vector<std::string> names;
    const YAML::Node list = map[field];
    if (!list) return names;
    if (!list.IsSequence()) {
      reader_.Report(list, "'" + field + "' must be a list, got " +
                               Describe(list));
      return names;
    }
    for (const YAML::Node& item : list) {
      if (reader_.ExpectText(item, "an item of '" + field + "'"))
        names.push_back(item.Scalar());
    }
    return names;
  }

  // Notes the name in scalar `node` for CheckScenarioNames.
  void Note(ScenarioName::Kind kind, const YAML::Node& node,
            const std::string& where) {
    if (!node.IsScalar()) return;
    scenario_.names.push_back(
        {kind, node.Scalar(), reader_.file().OffsetOf(node), where});
  }

  // ReadNames of actions, each noted.
  std::vector<std::string> ReadActions(const YAML::Node& map,
                                       const std::string& field) {
    std::vector<std::string> names = ReadNames(map, field);
    if (const YAML::Node list = map[field]; list && list.IsSequence()) {
      for (const YAML::Node& item : list)
        Note(ScenarioName::Kind::kAction, item, "'" + field + "'");
    }
    return names;
  }

  void ReadExpect(const YAML::Node& expect) {
    if (!reader_.ExpectMap(expect, "'expect'")) return;
    reader_.CheckFields(expect,
                        {"status", "outputs", "error", "outcome", "calls",
                         "called", "not_called", "notifications", "messages"},
                        "'expect'");
    ScenarioExpectations& e = scenario_.expect;
    std::string status;
    if (reader_.ReadText(expect, "status", status)) {
      if (std::find(kStatuses.begin(), kStatuses.end(), status) ==
          kStatuses.end()) {
        std::string message = "unknown status '" + status + "'";
        std::string guess = dsl::ClosestMatch(status, kStatuses);
        if (!guess.empty()) message += "; did you mean '" + guess + "'?";
        reader_.Report(expect["status"], message);
      } else {
        e.status = status;
      }
    }
    std::string outcome;
    if (reader_.ReadText(expect, "outcome", outcome)) e.outcome = outcome;
    for (const char* member : {"outputs", "error"}) {
      const YAML::Node node = expect[member];
      if (!node || !reader_.ExpectMap(node, std::string("'") + member + "'"))
        continue;
      (std::string(member) == "outputs" ? e.outputs : e.error) = YamlJson(node);
    }
    if (const YAML::Node calls = expect["calls"]) ReadCalls(calls);
    e.called = ReadActions(expect, "called");
    e.not_called = ReadActions(expect, "not_called");
    e.messages = ReadNames(expect, "messages");
    if (const YAML::Node notifications = expect["notifications"]) {
      if (!notifications.IsSequence()) {
        reader_.Report(notifications, "'notifications' must be a list, got " +
                                          Describe(notifications));
      } else {
        e.notifications = YamlJson(notifications);
      }
    }
  }

  void ReadCalls(const YAML::Node& calls) {
    if (!calls.IsSequence()) {
      reader_.Report(calls, "'calls' must be a list, got " + Describe(calls));
      return;
    }
    std::vector<ExpectedCall> expected;
    for (const YAML::Node& call : calls) {
      if (call.IsScalar()) {
        expected.push_back({call.Scalar(), "", std::nullopt, std::nullopt});
        Note(ScenarioName::Kind::kAction, call, "'calls'");
        continue;
      }
      if (!reader_.ExpectMap(call, "a call")) continue;
      reader_.CheckFields(call, {"action", "step", "arguments", "attempts"},
                          "a call");
      ExpectedCall read;
      if (!reader_.ReadText(call, "action", read.action)) {
        if (!call["action"]) reader_.Report(call, "a call needs 'action'");
        continue;
      }
      Note(ScenarioName::Kind::kAction, call["action"], "'calls'");
      reader_.ReadText(call, "step", read.step);
      int64_t attempts = 0;
      if (reader_.ReadWholeNumber(call, "attempts", 1, 100, attempts))
        read.attempts = attempts;
      if (const YAML::Node arguments = call["arguments"]) {
        if (reader_.ExpectMap(arguments, "'arguments'"))
          read.arguments = YamlJson(arguments);
      }
      expected.push_back(std::move(read));
    }
    scenario_.expect.calls = std::move(expected);
  }

  ConfigReader& reader_;
  Scenario& scenario_;
};

// ---- checking ----

// The members of `expected` have the same values in `actual`, objects
// within objects compared the same way (members not expected are left
// alone).
std::vector<std::string> SubsetDifferences(const json& expected,
                                           const json& actual,
                                           const std::string& path) {
  if (!expected.is_object() || !actual.is_object())
    return JsonDifferences(expected, actual, path);
  std::vector<std::string> differences;
  for (const auto& [key, value] : expected.items()) {
    const std::string at = path.empty() ? key : path + "." + key;
    auto it = actual.find(key);
    if (it == actual.end()) {
      differences.push_back(at + ": expected " + ShortJson(value) +
                            ", missing");
      continue;
    }
    std::vector<std::string> inner = SubsetDifferences(value, *it, at);
    differences.insert(differences.end(), inner.begin(), inner.end());
  }
  return differences;
}

std::vector<std::string> ActionsOf(const json& calls) {
  std::vector<std::string> actions;
  for (const json& call : calls) actions.push_back(call.value("action", ""));
  return actions;
}

std::string JoinActions(const std::vector<std::string>& actions) {
  if (actions.empty()) return "none";
  std::string text;
  for (const std::string& action : actions)
    text += (text.empty() ? "" : ", ") + action;
  return text;
}

void CheckCalls(const std::vector<ExpectedCall>& expected, const json& calls,
                std::vector<std::string>& failures) {
  const std::vector<std::string> made = ActionsOf(calls);
  std::vector<std::string> wanted;
  for (const ExpectedCall& call : expected) wanted.push_back(call.action);
  if (made != wanted) {
    failures.push_back("calls: expected " + JoinActions(wanted));
    failures.push_back("       got      " + JoinActions(made));
    return;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& call = calls[i];
    const std::string label = "calls[" + std::to_string(i) + "] (" +
                              expected[i].action + ")";
    if (!expected[i].step.empty() &&
        call.value("step", "") != expected[i].step) {
      failures.push_back(label + ": expected step " + expected[i].step +
                         ", got " + call.value("step", ""));
    }
    const size_t attempts = call.value("attempts", json::array()).size();
    if (expected[i].attempts.has_value() &&
        static_cast<size_t>(*expected[i].attempts) != attempts) {
      failures.push_back(label + ": expected " +
                         std::to_string(*expected[i].attempts) +
                         " attempts, got " + std::to_string(attempts));
    }
    if (expected[i].arguments.has_value()) {
      for (const std::string& difference :
           SubsetDifferences(*expected[i].arguments,
                             call.value("arguments", json::object()),
                             "arguments")) {
        failures.push_back(label + ": " + difference);
      }
    }
  }
}

// The texts a message may be found in: prompts, the run's error, and the
// text arguments of calls (the sync status shown in the BSS).
void CollectTexts(const json& value, std::vector<std::string>& texts) {
  if (value.is_string()) {
    texts.push_back(value.get<std::string>());
  } else if (value.is_structured()) {
    for (const json& item : value) CollectTexts(item, texts);
  }
}

}  // namespace

ScenarioFileResult ParseScenario(const std::string& file,
                                 const std::string& text) {
  Scenario scenario;
  scenario.file = file;
  ConfigReader reader(file, text, {});
  ScenarioReader read(reader, scenario);
  ScenarioFileResult result;
  std::tie(result.source, result.diagnostics) =
      reader.ReadWith([&read](const YAML::Node& root) { read.ReadRoot(root); });
  if (result.diagnostics.empty()) result.scenario = std::move(scenario);
  return result;
}

ScenarioFileResult ReadScenarioFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    ScenarioFileResult result;
    result.source.name = path;
    result.diagnostics.push_back(
        dsl::Diagnostic::AboutWholeFile(text.status().message()));
    return result;
  }
  return ParseScenario(path, std::move(text).value());
}

namespace {

// The actions `steps` make and their confirm steps, nested steps included.
void CollectNames(const engine::StepList& steps, std::set<std::string>& actions,
                  std::set<std::string>& confirms) {
  for (const engine::Step& step : steps) {
    if (step.kind == engine::StepKind::kCall) actions.insert(step.target);
    if (step.kind == engine::StepKind::kNotify) actions.insert("notify.send");
    if (step.kind == engine::StepKind::kConfirm) confirms.insert(step.id);
    for (const engine::Branch& branch : step.branches)
      CollectNames(branch.steps, actions, confirms);
    CollectNames(step.reject_steps, actions, confirms);
    CollectNames(step.on_error, actions, confirms);
  }
}

}  // namespace

std::vector<dsl::Diagnostic> CheckScenarioNames(
    const Scenario& scenario, const engine::Workflow& workflow) {
  std::set<std::string> actions, confirms;
  CollectNames(workflow.steps, actions, confirms);
  CollectNames(workflow.on_error, actions, confirms);
  std::vector<dsl::Diagnostic> problems;
  for (const ScenarioName& used : scenario.names) {
    const bool action = used.kind == ScenarioName::Kind::kAction;
    const std::set<std::string>& known = action ? actions : confirms;
    if (known.count(used.name) != 0) continue;
    std::string message =
        action ? used.where + " names action '" + used.name +
                     "', which no step of workflow " + workflow.name + " makes"
               : used.where + " names step '" + used.name + "', which is not a "
                     "confirm step of workflow " + workflow.name;
    std::string guess = dsl::ClosestMatch(
        used.name, std::vector<std::string>(known.begin(), known.end()));
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    problems.push_back({used.offset, std::move(message)});
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const dsl::Diagnostic& a, const dsl::Diagnostic& b) {
                     return a.offset < b.offset;
                   });
  return problems;
}

std::vector<std::string> CheckExpectations(const ScenarioExpectations& expect,
                                           const json& recording) {
  std::vector<std::string> failures;
  const json outcome = recording.value("outcome", json::object());
  const std::string status = outcome.value("status", "");
  if (expect.status.has_value() && *expect.status != status) {
    std::string line = "status: expected " + *expect.status + ", got " + status;
    if (outcome.contains("error"))
      line += " (error: " + ShortJson(outcome["error"]) + ")";
    failures.push_back(line);
  }
  if (expect.outcome.has_value() &&
      *expect.outcome != outcome.value("outcome", "")) {
    failures.push_back("outcome: expected " + *expect.outcome + ", got " +
                       ShortJson(outcome.value("outcome", json())));
  }
  if (expect.outputs.has_value()) {
    for (const std::string& difference : SubsetDifferences(
             *expect.outputs, outcome.value("outputs", json::object()),
             "outputs")) {
      failures.push_back(difference);
    }
  }
  if (expect.error.has_value()) {
    for (const std::string& difference : SubsetDifferences(
             *expect.error, outcome.value("error", json::object()), "error")) {
      failures.push_back(difference);
    }
  }
  const json calls = recording.value("calls", json::array());
  if (expect.calls.has_value()) CheckCalls(*expect.calls, calls, failures);
  const std::vector<std::string> made = ActionsOf(calls);
  for (const std::string& action : expect.called) {
    if (std::find(made.begin(), made.end(), action) == made.end())
      failures.push_back("called: " + action + " was not called");
  }
  for (const std::string& action : expect.not_called) {
    if (std::find(made.begin(), made.end(), action) != made.end())
      failures.push_back("not_called: " + action + " was called");
  }
  if (expect.notifications.has_value()) {
    const json sent = recording.value("notifications", json::array());
    json picked = json::array();
    for (size_t i = 0; i < sent.size(); ++i) {
      const json wanted =
          i < expect.notifications->size() ? (*expect.notifications)[i] : json();
      picked.push_back(wanted.is_object() ? json::object() : sent[i]);
      if (!wanted.is_object()) continue;
      for (const auto& [key, value] : wanted.items()) {
        if (sent[i].contains(key)) picked[i][key] = sent[i][key];
      }
    }
    for (const std::string& difference :
         JsonDifferences(*expect.notifications, picked, "notifications")) {
      failures.push_back(difference);
    }
  }
  if (!expect.messages.empty()) {
    std::vector<std::string> texts;
    for (const json& prompt : recording.value("confirmations", json::array()))
      CollectTexts(prompt.value("message", json()), texts);
    CollectTexts(outcome.value("error", json()), texts);
    for (const json& call : calls)
      CollectTexts(call.value("arguments", json()), texts);
    for (const std::string& message : expect.messages) {
      bool found = std::any_of(texts.begin(), texts.end(),
                               [&message](const std::string& text) {
                                 return text.find(message) != std::string::npos;
                               });
      if (!found) {
        failures.push_back("messages: no prompt, error or call says \"" +
                           message + "\"");
      }
    }
  }
  return failures;
}

ScenarioAnswers::ScenarioAnswers(const Scenario& scenario)
    : scenario_(scenario),
      used_(scenario.recording ? scenario.recording->calls.size() : 0, false) {}

engine::ActionOutcome ScenarioAnswers::Answer(const OfflineCall& call) {
  // The scenario's responses first, in order; then the recording's; the
  // last response repeats when the recording has none of the action.
  if (call.attempt == 1) recorded_call_.reset();
  auto responses = scenario_.responses.find(call.action);
  const json* response = nullptr;
  if (responses != scenario_.responses.end()) {
    size_t& next = next_response_[call.action];
    if (next < responses->second.size()) {
      response = &responses->second[next++];
    } else if (!RecordingHas(call.action)) {
      response = &responses->second.back();
    }
  }
  if (response != nullptr) {
    Recording::Attempt attempt;
    if (response->contains("result")) attempt.result = (*response)["result"];
    if (response->contains("error")) attempt.error = (*response)["error"];
    return *RecordedOutcome(attempt);
  }
  if (scenario_.recording.has_value()) {
    const std::vector<Recording::Call>& recorded = scenario_.recording->calls;
    if (!recorded_call_.has_value()) {
      // The first attempt the recording answers picks the recorded call;
      // the later attempts take its next recorded attempts.
      std::optional<size_t> found;
      for (size_t i = 0; i < recorded.size(); ++i) {
        if (used_[i] || recorded[i].action != call.action) continue;
        if (!found.has_value() || recorded[i].step == call.step) found = i;
        if (recorded[i].step == call.step) break;
      }
      if (found.has_value()) {
        used_[*found] = true;
        recorded_call_ = *found;
        recorded_attempt_ = 0;
      }
    }
    if (recorded_call_.has_value()) {
      const std::vector<Recording::Attempt>& attempts =
          recorded[*recorded_call_].attempts;
      const size_t index = std::min(recorded_attempt_++, attempts.size() - 1);
      std::optional<engine::ActionOutcome> outcome =
          RecordedOutcome(attempts[index]);
      if (outcome.has_value()) return std::move(*outcome);
    }
  }
  if (problem_.empty()) {
    problem_ = "step " + call.step + " calls " + call.action +
               ", which neither the scenario's responses nor its recording "
               "answer";
  }
  return engine::ActionOutcome::Failure(
      {"fatal", "no_answer", "scenario: " + problem_, std::nullopt});
}

bool ScenarioAnswers::RecordingHas(const std::string& action) const {
  if (!scenario_.recording.has_value()) return false;
  for (const Recording::Call& call : scenario_.recording->calls) {
    if (call.action == action) return true;
  }
  return false;
}

Result<std::vector<std::string>> RunScenario(
    const Scenario& scenario, std::shared_ptr<const engine::Workflow> workflow,
    const std::string& definition, const engine::ActionCatalog* actions) {
  ScenarioAnswers answers(scenario);
  OfflineRunSpec spec;
  spec.workflow = std::move(workflow);
  spec.definition = definition;
  spec.inputs = scenario.inputs;
  spec.actions = actions;
  if (scenario.recording.has_value()) {
    spec.step_times = scenario.recording->step_times;
    spec.start_ms = scenario.recording->start_ms;
  }
  spec.answer_call = [&answers](const OfflineCall& call) {
    return answers.Answer(call);
  };
  spec.answer_prompt = [&scenario](const std::string& step,
                                   const json&) -> std::optional<PromptAnswer> {
    auto it = scenario.answers.find(step);
    if (it == scenario.answers.end()) return std::nullopt;
    return PromptAnswer{it->second == "confirm" ? engine::Answer::kConfirm
                                                : engine::Answer::kReject,
                        "scenario"};
  };
  Result<OfflineRunResult> run = RunOffline(spec);
  if (!run.ok()) return run.status();
  std::vector<std::string> failures =
      CheckExpectations(scenario.expect, run.value().recording);
  if (!answers.problem().empty()) failures.insert(failures.begin(), answers.problem());
  return failures;
}

}  // namespace bssflow::app
