// The walk of a run over its workflow, replaying the journal (runner.h), and
// the steps that need no connector: check, set, switch, confirm, fail,
// workflow.
#include "engine/runner_drive.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

#include "dsl/json_value.h"
#include "engine/yaml_file.h"

namespace bssflow::engine {

namespace {

nlohmann::json ToJson(const dsl::Value& value) {
  return dsl::ValueToSortedJson(value);
}

// The value a run sees of data it journaled: what the journal gives back,
// so that a replay sees exactly what the first drive saw (JSON objects come
// back in key order, for one).
Result<dsl::Value> FromJson(const nlohmann::json& json) {
  return dsl::ValueFromJson(json);
}

}  // namespace

nlohmann::json StepError::ToJson() const {
  return {{"step", step}, {"kind", kind}, {"code", code}, {"message", message}};
}

StepError StepError::FromJson(const nlohmann::json& json) {
  return {json.value("step", ""), json.value("kind", ""),
          json.value("code", ""), json.value("message", "")};
}

dsl::Value StepError::ToValue() const {
  dsl::ValueMap map;
  map.Insert(dsl::Value::String("step"), dsl::Value::String(step));
  map.Insert(dsl::Value::String("kind"), dsl::Value::String(kind));
  map.Insert(dsl::Value::String("code"), dsl::Value::String(code));
  map.Insert(dsl::Value::String("message"), dsl::Value::String(message));
  return dsl::Value::Map(std::move(map));
}

std::optional<dsl::Value> InputAsKind(dsl::ValueKind want,
                                      const dsl::Value& got) {
  using dsl::ValueKind;
  if (got.kind() == want) return got;
  // 2^63 and 2^64 as doubles: the first whole numbers past the ranges.
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr double kTwo64 = 18446744073709551616.0;
  const bool whole = got.kind() == ValueKind::kDouble &&
                     std::isfinite(got.double_value()) &&
                     std::trunc(got.double_value()) == got.double_value();
  switch (want) {
    case ValueKind::kDouble:
      if (got.kind() == ValueKind::kInt)
        return dsl::Value::Double(static_cast<double>(got.int_value()));
      if (got.kind() == ValueKind::kUint)
        return dsl::Value::Double(static_cast<double>(got.uint_value()));
      break;
    case ValueKind::kUint:
      if (got.kind() == ValueKind::kInt && got.int_value() >= 0)
        return dsl::Value::Uint(static_cast<uint64_t>(got.int_value()));
      if (whole && got.double_value() >= 0 && got.double_value() < kTwo64)
        return dsl::Value::Uint(static_cast<uint64_t>(got.double_value()));
      break;
    case ValueKind::kInt:
      if (whole && got.double_value() >= -kTwo63 &&
          got.double_value() < kTwo63)
        return dsl::Value::Int(static_cast<int64_t>(got.double_value()));
      break;
    default:
      break;
  }
  return std::nullopt;
}

dsl::Value TypedInputs(const Workflow& workflow, dsl::Value inputs) {
  if (inputs.kind() != dsl::ValueKind::kMap) return inputs;
  auto declared = [&workflow](const dsl::Value& name) -> const Input* {
    for (const Input& input : workflow.inputs) {
      if (input.kind.has_value() && input.name == name.string_value())
        return &input;
    }
    return nullptr;
  };
  // Most runs give every input in its kind: their map is kept as it is.
  const auto& given = inputs.map_value().entries();
  bool converts = std::any_of(given.begin(), given.end(), [&](const auto& e) {
    const Input* input = declared(e.first);
    return input != nullptr && e.second.kind() != *input->kind;
  });
  if (!converts) return inputs;
  std::vector<std::pair<dsl::Value, dsl::Value>> entries = given;
  for (auto& [name, value] : entries) {
    const Input* input = declared(name);
    if (input == nullptr) continue;
    if (std::optional<dsl::Value> typed = InputAsKind(*input->kind, value))
      value = std::move(*typed);
  }
  return dsl::Value::Map(dsl::ValueMap::OfDistinctKeys(std::move(entries)));
}

Position PositionInScalar(const std::string& file_text,
                          const Position& position,
                          const std::string& expression, int32_t offset) {
  if (offset < 0 || static_cast<size_t>(offset) > expression.size())
    return position;
  size_t at = 0;
  for (int line = 1; line < position.line && at != std::string::npos; ++line) {
    at = file_text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos) return position;
  for (int column = 1; column < position.column && at < file_text.size();
       ++column) {
    ++at;  // columns count code points: skip continuation bytes
    while (at < file_text.size() &&
           (static_cast<unsigned char>(file_text[at]) & 0xC0) == 0x80) {
      ++at;
    }
  }
  if (at >= file_text.size()) return position;
  size_t inside = static_cast<size_t>(
      OffsetInScalarText(file_text, at, expression, offset));
  if (inside == at) return position;  // not found back: the scalar's start
  Position found = position;
  std::string_view between =
      std::string_view(file_text).substr(at, inside - at);
  size_t breaks = static_cast<size_t>(
      std::count(between.begin(), between.end(), '\n'));
  if (breaks == 0) {
    found.column += static_cast<int>(dsl::CodePointCount(between));
    return found;
  }
  size_t line_start = file_text.rfind('\n', inside - 1) + 1;
  found.line += static_cast<int>(breaks);
  found.column = 1 + static_cast<int>(dsl::CodePointCount(
                         std::string_view(file_text).substr(
                             line_start, inside - line_start)));
  return found;
}

RunDriver::RunDriver(Runner& runner, const RunnerDependencies& deps,
                     RunRecord record, std::shared_ptr<const Workflow> workflow,
                     std::vector<Event> journal, ActiveRun& active,
                     std::optional<ReplayedState> state)
    : runner_(runner),
      deps_(deps),
      record_(std::move(record)),
      workflow_(std::move(workflow)),
      journal_(std::move(journal)),
      active_(active),
      activation_(*workflow_->env) {
  steps_slot_ = workflow_->env->Find("steps");
  vars_slot_ = workflow_->env->Find("vars");
  error_slot_ = workflow_->env->Find("error");
  for (const Event& event : journal_) Index(event);
  committed_sequence_ = record_.last_sequence;
  if (state.has_value()) {
    replayed_through_ = state->through_sequence;
    inputs_ = std::move(state->inputs);
    steps_.entries = std::move(state->steps);
    vars_.entries = std::move(state->vars);
  }
}

void RunDriver::Index(const Event& event) {
  // Compared as a view: its length first, without strlen of the constant.
  const std::string_view type = event.type;
  if (type == event_type::kRunFinished) finished_ = true;
  if (event.step.empty()) return;
  StepHistory& h = history_[event.step];
  if (type == event_type::kStepStarted) {
    h.started = &event;
  } else if (type == event_type::kCallSent ||
             type == event_type::kCallSucceeded ||
             type == event_type::kCallFailed) {
    h.calls.push_back(&event);
  } else if (type == event_type::kVariablesSet) {
    h.variables = &event;
  } else if (type == event_type::kConfirmationRequested) {
    h.confirmation_requested = &event;
  } else if (type == event_type::kConfirmationAnswered) {
    h.confirmation_answered = &event;
  } else if (type == event_type::kStepSucceeded) {
    h.succeeded = &event;
  } else if (type == event_type::kStepFailed) {
    h.failed = &event;
  }
}

boost::asio::awaitable<Result<RunStatus>> RunDriver::Drive() {
  if (finished_) co_return record_.status;
  if (journal_.empty()) {
    Status s = Append(
        EventList(MakeEvent(event_type::kRunStarted, "",
                            {{"workflow", workflow_->name},
                             {"version", workflow_->version},
                             {"definition_hash", workflow_->content_hash}})),
        RunStatus::kRunning, "");
    if (!s.ok()) co_return s;
  }
  if (replayed_through_ == 0) {
    Result<dsl::Value> inputs = FromJson(record_.inputs);
    if (!inputs.ok()) co_return inputs.status();
    inputs_ = TypedInputs(*workflow_, std::move(inputs.value()));
  }
  activation_.Bind(workflow_->env->Find("inputs"), inputs_);
  // Bound from steps_ and vars_ (empty, or a parked drive's) when an
  // expression is first evaluated.
  steps_.changed = vars_.changed = true;
  Flow flow = co_await RunSteps(workflow_->steps);
  // Outputs that do not render fail the run as a step would: the
  // workflow's on_error runs for them too.
  nlohmann::json outputs;
  if (flow.kind == Flow::Kind::kNext) flow = RenderOutputs(outputs);
  if (flow.kind == Flow::Kind::kFailed && !workflow_->on_error.empty()) {
    BindError(flow.error.ToValue());
    Flow handled = co_await RunSteps(workflow_->on_error);
    // The run fails whatever the handler does, unless it parks, is
    // cancelled or breaks: then that is where the run stands.
    if (handled.kind == Flow::Kind::kParked ||
        handled.kind == Flow::Kind::kCancelled ||
        handled.kind == Flow::Kind::kBroken) {
      flow = handled;
    }
  }
  Result<RunStatus> finished = Finish(std::move(flow), std::move(outputs));
  // From here on the drive only writes: a Cancel() or an answer arriving
  // meanwhile waits for it to be gone (Runner::DriveRun, Cancel).
  active_.finishing = true;
  Status written = co_await Commit();
  if (!written.ok()) co_return written;
  co_return finished;
}

std::optional<KnownJournal> RunDriver::TakeWrittenJournal() {
  if (committed_ != appended_.size()) return std::nullopt;
  KnownJournal known;
  known.events = std::move(journal_);
  known.events.reserve(known.events.size() + appended_.size());
  for (Event& event : appended_) known.events.push_back(std::move(event));
  history_.clear();  // it pointed into the events just moved
  if (!opened_secret_) {
    known.state = ReplayedState{committed_sequence_, std::move(inputs_),
                                std::move(steps_.entries),
                                std::move(vars_.entries)};
  }
  return known;
}

Result<RunStatus> RunDriver::Finish(Flow flow, nlohmann::json outputs) {
  nlohmann::json data;
  RunStatus status = RunStatus::kSucceeded;
  switch (flow.kind) {
    case Flow::Kind::kParked:
      return RunStatus::kAwaitingConfirmation;
    case Flow::Kind::kBroken:
      return flow.status;
    case Flow::Kind::kNext:
      data = {{"status", "succeeded"}, {"outputs", std::move(outputs)}};
      break;
    case Flow::Kind::kEnded:
      data = {{"status", "succeeded"},
              {"outcome", "rejected"},
              {"step", flow.error.step}};
      break;
    case Flow::Kind::kFailed:
      status = RunStatus::kFailed;
      data = {{"status", "failed"}, {"error", flow.error.ToJson()}};
      break;
    case Flow::Kind::kCancelled:
      status = RunStatus::kCancelled;
      data = {{"status", "cancelled"}};
      break;
  }
  Status s = Append(
      EventList(MakeEvent(event_type::kRunFinished, "", std::move(data))),
      status, "");
  if (!s.ok()) return s;
  return status;
}

Flow RunDriver::RenderOutputs(nlohmann::json& outputs) {
  outputs = nlohmann::json::object();
  Step outputs_step;
  outputs_step.id = "outputs";
  for (const auto& [name, value] : workflow_->outputs) {
    dsl::Value rendered;
    if (auto error = Evaluate(outputs_step, value, rendered))
      return Flow::Failed(std::move(*error));
    outputs[name] = ToJson(rendered);
  }
  return Flow::Next();
}

boost::asio::awaitable<Flow> RunDriver::RunSteps(const StepList& steps) {
  for (const Step& step : steps) {
    Flow flow = co_await RunStep(step);
    if (flow.kind != Flow::Kind::kNext) co_return flow;
  }
  co_return Flow::Next();
}

boost::asio::awaitable<Flow> RunDriver::RunStep(const Step& step) {
  if (Cancelled()) co_return Flow::Of(Flow::Kind::kCancelled);
  StepHistory& h = history_[step.id];
  Flow flow = co_await RunStepBody(step, h);
  if (flow.kind != Flow::Kind::kFailed || step.on_error.empty()) co_return flow;
  // A handler that finishes handles the failure: the run goes on after the
  // failed step. A handler that must stop the run ends with `fail`.
  dsl::Value outer = error_;
  BindError(flow.error.ToValue());
  Flow handled = co_await RunSteps(step.on_error);
  BindError(outer);
  co_return handled;
}

boost::asio::awaitable<Flow> RunDriver::RunStepBody(const Step& step,
                                                    StepHistory& h) {
  bool composite =
      step.kind == StepKind::kSwitch || step.kind == StepKind::kConfirm;
  if (h.succeeded != nullptr && h.succeeded->data.value("skipped", false))
    co_return Flow::Next();
  // A leaf's journaled outcome is replayed as it is. A switch or confirm is
  // walked again so that its nested steps restore their results, unless it
  // failed by itself (not through a nested step).
  bool own_failure = h.failed != nullptr &&
                     h.failed->data["error"].value("step", "") == step.id;
  if (own_failure || (!composite && h.succeeded != nullptr) ||
      (!composite && h.failed != nullptr)) {
    co_return ReplayLeaf(step, h);
  }
  if (step.when.has_value() && h.started == nullptr) {
    bool holds = false;
    if (auto error = Evaluate(step, *step.when, holds)) {
      Status s = Append(EventList(MakeEvent(event_type::kStepFailed, step.id,
                                            {{"error", error->ToJson()}})),
                        RunStatus::kRunning, step.id);
      if (!s.ok()) co_return Flow::Broken(s);
      co_return Flow::Failed(std::move(*error));
    }
    if (!holds) {
      Status s = Append(EventList(MakeEvent(event_type::kStepSucceeded, step.id,
                                            {{"skipped", true}})),
                        RunStatus::kRunning, step.id);
      if (!s.ok()) co_return Flow::Broken(s);
      co_return Flow::Next();
    }
  }
  switch (step.kind) {
    case StepKind::kCall: {
      dsl::Value arguments;
      if (auto error = Evaluate(step, step.arguments, arguments)) {
        co_return FinishComposite(step, h, Flow::Failed(std::move(*error)),
                                  nullptr);
      }
      co_return co_await RunCall(step, h, step.target, arguments, nullptr);
    }
    case StepKind::kNotify: {
      dsl::Value arguments;
      nlohmann::json sent;
      if (auto error = RenderNotification(step, arguments, sent)) {
        co_return FinishComposite(step, h, Flow::Failed(std::move(*error)),
                                  nullptr);
      }
      // Named, not built in the co_await expression (GCC 12 can destroy
      // such temporaries twice).
      const std::string action = "notify.send";
      co_return co_await RunCall(step, h, action, arguments, sent);
    }
    case StepKind::kCheck:
      co_return RunCheck(step, h);
    case StepKind::kSet:
      co_return RunSet(step, h);
    case StepKind::kSwitch:
      co_return co_await RunSwitch(step, h);
    case StepKind::kConfirm:
      co_return co_await RunConfirm(step, h);
    case StepKind::kFail:
      co_return RunFail(step, h);
    case StepKind::kWorkflow:
      co_return co_await RunWorkflowStep(step, h);
  }
  co_return Flow::Next();
}

// The arguments of notify.send: the template's id and its fields rendered
// for this run (subject and body only when the step has them), and what the
// notification_sent event records (no body: it may hold credentials).
std::optional<StepError> RunDriver::RenderNotification(const Step& step,
                                                       dsl::Value& arguments,
                                                       nlohmann::json& sent) {
  dsl::Value to, cc, subject, body, account;
  std::optional<StepError> error;
  if (step.to.has_value()) error = Evaluate(step, *step.to, to);
  if (!error && step.cc.has_value()) error = Evaluate(step, *step.cc, cc);
  if (!error && step.subject.has_value())
    error = Evaluate(step, *step.subject, subject);
  if (!error && step.body.has_value()) error = Evaluate(step, *step.body, body);
  if (!error && step.notify_account.has_value())
    error = Evaluate(step, *step.notify_account, account);
  if (error) return error;
  dsl::ValueMap args;
  args.Insert(dsl::Value::String("template"),
              dsl::Value::String(step.notification_template));
  args.Insert(dsl::Value::String("to"), to);
  args.Insert(dsl::Value::String("cc"), cc);
  sent = {{"template", step.notification_template},
          {"to", ToJson(to)},
          {"cc", ToJson(cc)}};
  if (step.subject.has_value()) {
    args.Insert(dsl::Value::String("subject"), subject);
    sent["subject"] = ToJson(subject);
  }
  if (step.body.has_value()) args.Insert(dsl::Value::String("body"), body);
  if (step.notify_account.has_value())
    args.Insert(dsl::Value::String("account_id"), account);
  arguments = dsl::Value::Map(std::move(args));
  return std::nullopt;
}

// A leaf step whose outcome is journaled: its result and variables come
// back from the journal; nothing runs.
Flow RunDriver::ReplayLeaf(const Step& step, const StepHistory& h) {
  if (h.failed != nullptr) {
    Result<nlohmann::json> failed = OpenCopies(*h.failed);
    if (!failed.ok()) return Flow::Broken(failed.status());
    return Flow::Failed(
        StepError::FromJson(failed.value().value("error", nlohmann::json())));
  }
  // Restored already: the drive started from the state of the one that
  // replayed or ran it (the step's outcome is before that one parked).
  if (h.succeeded != nullptr && h.succeeded->sequence <= replayed_through_)
    return Flow::Next();
  if (h.variables != nullptr) {
    Result<nlohmann::json> set = OpenCopies(*h.variables);
    if (!set.ok()) return Flow::Broken(set.status());
    Status s = RestoreVariables(
        step.id, set.value().value("values", nlohmann::json::object()));
    if (!s.ok()) return Flow::Broken(s);
  }
  if (step.kind == StepKind::kWorkflow && h.succeeded != nullptr) {
    Result<nlohmann::json> finished = OpenCopies(*h.succeeded);
    if (!finished.ok()) return Flow::Broken(finished.status());
    NoteSecrets(h.succeeded->data, finished.value());
    Result<dsl::Value> result =
        FromJson(finished.value().value("result", nlohmann::json::object()));
    if (!result.ok()) return Flow::Broken(result.status());
    SetStepResult(step.id, std::move(result.value()));
  }
  for (const Event* call : h.calls) {
    if (call->type != event_type::kCallSucceeded) continue;
    const nlohmann::json& journaled = call->data["result"];
    Result<dsl::Value> result = OpenResult(step.id, journaled);
    if (!result.ok()) return Flow::Broken(result.status());
    NoteSecrets(journaled, ToJson(result.value()));
    SetStepResult(step.id, std::move(result.value()));
  }
  return Flow::Next();
}

Flow RunDriver::FinishComposite(const Step& step, const StepHistory& h,
                                Flow flow, const nlohmann::json& result) {
  std::vector<Event> events;
  if (h.started == nullptr)
    events.push_back(MakeEvent(event_type::kStepStarted, step.id));
  if (flow.kind == Flow::Kind::kFailed && h.failed == nullptr) {
    events.push_back(MakeEvent(event_type::kStepFailed, step.id,
                               {{"error", flow.error.ToJson()}}));
  } else if ((flow.kind == Flow::Kind::kNext ||
              flow.kind == Flow::Kind::kEnded) &&
             h.succeeded == nullptr) {
    nlohmann::json data = nlohmann::json::object();
    if (!result.is_null()) data["result"] = result;
    if (flow.kind == Flow::Kind::kEnded && flow.error.step == step.id)
      data["outcome"] = "rejected";
    events.push_back(MakeEvent(event_type::kStepSucceeded, step.id, data));
  } else if (flow.kind != Flow::Kind::kFailed &&
             flow.kind != Flow::Kind::kNext &&
             flow.kind != Flow::Kind::kEnded) {
    return flow;
  }
  if (events.empty()) return flow;
  Status s = Append(std::move(events), RunStatus::kRunning, step.id);
  if (!s.ok()) return Flow::Broken(s);
  return flow;
}

Flow RunDriver::RunCheck(const Step& step, StepHistory& h) {
  nlohmann::json messages = nlohmann::json::array();
  std::string joined;
  for (const Requirement& requirement : step.requirements) {
    bool holds = false;
    std::optional<StepError> error = Evaluate(step, requirement.that, holds);
    dsl::Value message;
    if (!error && !holds) error = Evaluate(step, requirement.message, message);
    if (error) return FinishComposite(step, h, Flow::Failed(*error), nullptr);
    if (holds) continue;
    std::string text = message.kind() == dsl::ValueKind::kString
                           ? message.string_value()
                           : dsl::DebugString(message);
    messages.push_back(text);
    joined += (joined.empty() ? "" : "\n") + text;
  }
  std::vector<Event> events = {MakeEvent(event_type::kStepStarted, step.id)};
  if (messages.empty()) {
    events.push_back(MakeEvent(event_type::kStepSucceeded, step.id));
    Status s = Append(std::move(events), RunStatus::kRunning, step.id);
    return s.ok() ? Flow::Next() : Flow::Broken(s);
  }
  StepError error{step.id, "check_failed", "check", joined};
  events.push_back(
      MakeEvent(event_type::kCheckFailed, step.id, {{"messages", messages}}));
  events.push_back(
      MakeEvent(event_type::kStepFailed, step.id, {{"error", error.ToJson()}}));
  Status s = Append(std::move(events), RunStatus::kRunning, step.id);
  return s.ok() ? Flow::Failed(std::move(error)) : Flow::Broken(s);
}

Flow RunDriver::RunSet(const Step& step, StepHistory& h) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, value] : step.assignments) {
    dsl::Value rendered;
    if (auto error = Evaluate(step, value, rendered))
      return FinishComposite(step, h, Flow::Failed(*error), nullptr);
    values[name] = ToJson(rendered);
  }
  // The run sees the values as the journal gives them back; they are read
  // back before they move into the event (Append seals copies of secrets
  // in it, and does not fail).
  Status s = RestoreVariables(step.id, values);
  if (!s.ok()) return Flow::Broken(s);
  s = Append(EventList(MakeEvent(event_type::kStepStarted, step.id),
                       MakeEvent(event_type::kVariablesSet, step.id,
                                 {{"values", std::move(values)}}),
                       MakeEvent(event_type::kStepSucceeded, step.id)),
             RunStatus::kRunning, step.id);
  return s.ok() ? Flow::Next() : Flow::Broken(s);
}

boost::asio::awaitable<Flow> RunDriver::RunSwitch(const Step& step,
                                                  StepHistory& h) {
  // The branch taken is journaled with step_started, so that a replay
  // follows it whatever the conditions would say now.
  int branch = -1;
  if (h.started != nullptr) {
    branch = h.started->data.value("branch", -1);
  } else {
    for (size_t i = 0; i < step.branches.size() && branch < 0; ++i) {
      const Branch& candidate = step.branches[i];
      bool holds = true;
      if (candidate.condition.has_value()) {
        if (auto error = Evaluate(step, *candidate.condition, holds)) {
          co_return FinishComposite(step, h, Flow::Failed(*error), nullptr);
        }
      }
      if (holds) branch = static_cast<int>(i);
    }
    Status s = Append(EventList(MakeEvent(event_type::kStepStarted, step.id,
                                          {{"branch", branch}})),
                      RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
  }
  Flow flow = Flow::Next();
  if (branch >= 0 && static_cast<size_t>(branch) < step.branches.size()) {
    flow = co_await RunSteps(step.branches[static_cast<size_t>(branch)].steps);
  }
  co_return FinishComposite(step, h, std::move(flow), nullptr);
}

boost::asio::awaitable<Flow> RunDriver::RunConfirm(const Step& step,
                                                   StepHistory& h) {
  if (h.confirmation_requested == nullptr) {
    dsl::Value message;
    if (auto error = Evaluate(step, *step.message, message))
      co_return FinishComposite(step, h, Flow::Failed(*error), nullptr);
    Status s =
        Append(EventList(MakeEvent(event_type::kStepStarted, step.id),
                         MakeEvent(event_type::kConfirmationRequested, step.id,
                                   {{"message", ToJson(message)}})),
               RunStatus::kAwaitingConfirmation, step.id);
    co_return s.ok() ? Flow::Of(Flow::Kind::kParked) : Flow::Broken(s);
  }
  if (h.confirmation_answered == nullptr)
    co_return Flow::Of(Flow::Kind::kParked);
  const nlohmann::json& answer = h.confirmation_answered->data;
  nlohmann::json result = {{"answer", answer.value("answer", "")},
                           {"by", answer.value("by", "")}};
  Result<dsl::Value> value = FromJson(result);
  if (!value.ok()) co_return Flow::Broken(value.status());
  SetStepResult(step.id, value.value());
  if (result["answer"] == "confirm")
    co_return FinishComposite(step, h, Flow::Next(), result);
  switch (step.on_reject) {
    case OnReject::kEnd: {
      Flow ended = Flow::Of(Flow::Kind::kEnded);
      ended.error.step = step.id;
      co_return FinishComposite(step, h, std::move(ended), result);
    }
    case OnReject::kFail:
      co_return FinishComposite(
          step, h,
          Flow::Failed({step.id, "rejected", "rejected",
                        "confirmation '" + step.id + "' was rejected by " +
                            answer.value("by", "")}),
          result);
    case OnReject::kSteps:
      break;
  }
  Flow flow = co_await RunSteps(step.reject_steps);
  co_return FinishComposite(step, h, std::move(flow), result);
}

Flow RunDriver::RunFail(const Step& step, StepHistory& h) {
  dsl::Value message;
  if (step.message.has_value()) {
    if (auto error = Evaluate(step, *step.message, message))
      return FinishComposite(step, h, Flow::Failed(*error), nullptr);
  }
  std::string text = message.kind() == dsl::ValueKind::kString
                         ? message.string_value()
                         : dsl::DebugString(message);
  return FinishComposite(step, h, Flow::Failed({step.id, "fail", "fail", text}),
                         nullptr);
}

}  // namespace bssflow::engine
