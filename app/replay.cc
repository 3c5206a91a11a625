#include "app/replay.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "app/offline_run.h"
#include "app/recording.h"
#include "base/read_file.h"
#include "dsl/json_value.h"

namespace bssflow::app {

namespace {

using nlohmann::json;

// ---- reading a recording ----

// The member `name` of `object`, of the JSON type `type`; an error names
// it by its pointer.
Result<const json*> Member(const json& object, const std::string& pointer,
                           const std::string& name, json::value_t type,
                           const char* type_name) {
  auto it = object.find(name);
  if (it == object.end())
    return Status::Error(pointer + "/" + name + " is missing");
  const bool fits = it->type() == type ||
                    (type == json::value_t::number_integer &&
                     it->type() == json::value_t::number_unsigned);
  if (!fits) {
    return Status::Error(pointer + "/" + name + " must be " + type_name +
                         ", not " + it->type_name());
  }
  return &*it;
}

Result<std::string> StringMember(const json& object, const std::string& pointer,
                                 const std::string& name) {
  Result<const json*> member =
      Member(object, pointer, name, json::value_t::string, "a string");
  if (!member.ok()) return member.status();
  return member.value()->get<std::string>();
}

Result<const json*> ArrayMember(const json& object, const std::string& pointer,
                                const std::string& name) {
  return Member(object, pointer, name, json::value_t::array, "an array");
}

Result<const json*> ObjectMember(const json& object,
                                 const std::string& pointer,
                                 const std::string& name) {
  return Member(object, pointer, name, json::value_t::object, "an object");
}

Result<Recording::Attempt> ReadAttempt(const json& attempt,
                                       const std::string& pointer) {
  if (!attempt.is_object())
    return Status::Error(pointer + " must be an object");
  Recording::Attempt read;
  if (attempt.contains("result")) read.result = attempt["result"];
  if (attempt.contains("error")) {
    Result<const json*> error = ObjectMember(attempt, pointer, "error");
    if (!error.ok()) return error.status();
    const std::string at = pointer + "/error";
    Result<std::string> kind = StringMember(*error.value(), at, "kind");
    if (!kind.ok()) return kind.status();
    for (const char* member : {"code", "message"}) {
      if (!error.value()->contains(member)) continue;
      Result<std::string> text = StringMember(*error.value(), at, member);
      if (!text.ok()) return text.status();
    }
    read.error = *error.value();
  }
  if (attempt.contains("sent_at")) {
    Result<std::string> sent_at = StringMember(attempt, pointer, "sent_at");
    if (!sent_at.ok()) return sent_at.status();
    read.sent_at = std::move(sent_at).value();
  }
  if (attempt.contains("resent")) {
    if (!attempt["resent"].is_boolean())
      return Status::Error(pointer + "/resent must be true or false");
    read.resent = attempt["resent"].get<bool>();
  }
  return read;
}

Result<Recording::Call> ReadCall(const json& call, const std::string& pointer) {
  if (!call.is_object()) return Status::Error(pointer + " must be an object");
  Recording::Call read;
  Result<std::string> step = StringMember(call, pointer, "step");
  if (!step.ok()) return step.status();
  Result<std::string> action = StringMember(call, pointer, "action");
  if (!action.ok()) return action.status();
  if (!call.contains("arguments"))
    return Status::Error(pointer + "/arguments is missing");
  Result<const json*> attempts = ArrayMember(call, pointer, "attempts");
  if (!attempts.ok()) return attempts.status();
  read.step = step.value();
  read.action = action.value();
  read.arguments = call["arguments"];
  if (call.contains("idempotency_key")) {
    Result<std::string> key = StringMember(call, pointer, "idempotency_key");
    if (!key.ok()) return key.status();
    read.idempotency_key = key.value();
  }
  for (size_t i = 0; i < attempts.value()->size(); ++i) {
    Result<Recording::Attempt> attempt = ReadAttempt(
        (*attempts.value())[i], pointer + "/attempts/" + std::to_string(i));
    if (!attempt.ok()) return attempt.status();
    read.attempts.push_back(std::move(attempt.value()));
  }
  if (read.attempts.empty())
    return Status::Error(pointer + "/attempts is empty");
  return read;
}

Result<Recording::Confirmation> ReadConfirmation(const json& prompt,
                                                 const std::string& pointer) {
  if (!prompt.is_object())
    return Status::Error(pointer + " must be an object");
  Result<std::string> step = StringMember(prompt, pointer, "step");
  if (!step.ok()) return step.status();
  Recording::Confirmation read{step.value(),
                               prompt.value("message", json()), "", ""};
  if (prompt.contains("answer")) {
    Result<std::string> answer = StringMember(prompt, pointer, "answer");
    if (!answer.ok()) return answer.status();
    if (answer.value() != "confirm" && answer.value() != "reject") {
      return Status::Error(pointer + "/answer must be \"confirm\" or "
                                     "\"reject\", not \"" +
                           answer.value() + "\"");
    }
    read.answer = answer.value();
  }
  if (prompt.contains("by")) {
    Result<std::string> by = StringMember(prompt, pointer, "by");
    if (!by.ok()) return by.status();
    read.by = by.value();
  }
  return read;
}

Status ReadHeader(const json& document, Recording& read) {
  if (!document.is_object())
    return Status::Error("a recording must be a JSON object");
  if (document.value("format", json()) != kRecordingFormat) {
    return Status::Error("not a recording: /format must be \"" +
                         std::string(kRecordingFormat) + "\"");
  }
  if (document.value("version", json()) != kRecordingVersion) {
    return Status::Error("recording version " +
                         document.value("version", json()).dump() +
                         " is not supported; this bssflow reads version " +
                         std::to_string(kRecordingVersion));
  }
  Result<const json*> run = ObjectMember(document, "", "run");
  if (!run.ok()) return run.status();
  Result<std::string> id = StringMember(*run.value(), "/run", "id");
  if (!id.ok()) return id.status();
  Result<const json*> workflow = ObjectMember(document, "", "workflow");
  if (!workflow.ok()) return workflow.status();
  Result<std::string> name = StringMember(*workflow.value(), "/workflow", "name");
  if (!name.ok()) return name.status();
  Result<std::string> definition =
      StringMember(*workflow.value(), "/workflow", "definition");
  if (!definition.ok()) return definition.status();
  Result<const json*> inputs = ObjectMember(document, "", "inputs");
  if (!inputs.ok()) return inputs.status();
  Result<const json*> outcome = ObjectMember(document, "", "outcome");
  if (!outcome.ok()) return outcome.status();
  Result<std::string> status = StringMember(*outcome.value(), "/outcome", "status");
  if (!status.ok()) return status.status();
  Result<const json*> notifications = ArrayMember(document, "", "notifications");
  if (!notifications.ok()) return notifications.status();
  read.run_id = id.value();
  read.workflow_name = name.value();
  read.definition = definition.value();
  read.inputs = *inputs.value();
  read.outcome = *outcome.value();
  read.notifications = *notifications.value();
  return Status::Ok();
}

Status ReadClock(const json& document, Recording& read) {
  Result<const json*> clock = ArrayMember(document, "", "clock");
  if (!clock.ok()) return clock.status();
  for (size_t i = 0; i < clock.value()->size(); ++i) {
    const json& tick = (*clock.value())[i];
    const std::string pointer = "/clock/" + std::to_string(i);
    if (!tick.is_object()) return Status::Error(pointer + " must be an object");
    Result<std::string> step = StringMember(tick, pointer, "step");
    if (!step.ok()) return step.status();
    Result<const json*> time = Member(tick, pointer, "time_ms",
                                      json::value_t::number_integer,
                                      "an integer");
    if (!time.ok()) return time.status();
    const int64_t time_ms = time.value()->get<int64_t>();
    read.step_times.try_emplace(step.value(), time_ms);
    if (i == 0) read.start_ms = time_ms;
  }
  return Status::Ok();
}

// ---- comparing ----

// "1 call", "2 calls".
std::string Count(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string CallText(const std::string& step, const std::string& action,
                     const json& arguments) {
  return "step " + step + ": " + action + " " + ShortJson(arguments);
}

std::string WhereText(const engine::Position& at) {
  return at.file + ":" + std::to_string(at.line) + ":" +
         std::to_string(at.column);
}

// Where each step of a workflow is, by id, nested steps included.
void IndexSteps(const engine::StepList& steps,
                std::map<std::string, engine::Position>& index) {
  for (const engine::Step& step : steps) {
    index.try_emplace(step.id, step.position);
    for (const engine::Branch& branch : step.branches)
      IndexSteps(branch.steps, index);
    IndexSteps(step.reject_steps, index);
    IndexSteps(step.on_error, index);
  }
}

// The replay's side of the comparison: answers calls from the recording
// and notes where the replay parts from it.
class Comparison {
 public:
  Comparison(const Recording& recording, const engine::Workflow& workflow,
             bool accept_changes)
      : recording_(recording),
        accept_changes_(accept_changes),
        cancelled_(recording.outcome.value("status", "") == "cancelled"),
        used_(recording.calls.size(), false),
        attempts_made_(recording.calls.size(), 0) {
    IndexSteps(workflow.steps, steps_);
    IndexSteps(workflow.on_error, steps_);
  }

  // nullopt: the recorded run was cancelled during this call; so is the
  // replay.
  std::optional<engine::ActionOutcome> Answer(const OfflineCall& call) {
    if (stopped()) return Stop("replay stopped at an earlier difference");
    if (call.attempt == 1) {
      ++calls_;
      std::optional<size_t> recorded = accept_changes_ ? FindLenient(call)
                                                       : MatchInOrder(call);
      if (!recorded.has_value()) return Stop("the call is not in the recording");
      current_ = *recorded;
      used_[current_] = true;
      answered_by_.push_back(current_);
    }
    const Recording::Call& recorded = recording_.calls[current_];
    attempts_made_[current_] = call.attempt;
    const size_t tries = recorded.attempts.size();
    // Cancelled while it waited to try again: the replay does not wait, so
    // it cancels as the next try starts.
    if (static_cast<size_t>(call.attempt) > tries &&
        CancelledDuring(current_)) {
      return std::nullopt;
    }
    if (static_cast<size_t>(call.attempt) > tries && !accept_changes_) {
      Diverge(call.step, "call " + std::to_string(current_ + 1) + " (" +
                             call.action + ") is tried " +
                             std::to_string(call.attempt) +
                             " times; the recording tried it " +
                             std::to_string(tries) + " time" +
                             (tries == 1 ? "" : "s"),
              {});
      return Stop("the recording has no answer for this attempt");
    }
    const Recording::Attempt& attempt =
        recorded.attempts[std::min(static_cast<size_t>(call.attempt), tries) - 1];
    std::optional<engine::ActionOutcome> outcome = RecordedOutcome(attempt);
    if (!outcome.has_value()) {
      if (CancelledDuring(current_)) return std::nullopt;
      Diverge(call.step,
              "call " + std::to_string(current_ + 1) + " (" + call.action +
                  ") was never answered in the recorded run",
              {"the recording ends while it was under way"});
      return Stop("the recording has no answer for this call");
    }
    return std::move(*outcome);
  }

  std::optional<PromptAnswer> AnswerPrompt(const std::string& step,
                                           const json& message) {
    if (stopped()) return std::nullopt;
    const size_t rank = prompts_++;
    if (rank >= recording_.confirmations.size()) {
      Diverge(step,
              "the run asks for a confirmation the recording does not have",
              {"actual:   " + ShortJson(message)});
      return std::nullopt;
    }
    const Recording::Confirmation* recorded = &recording_.confirmations[rank];
    if (recorded->step != step) {
      Diverge(step,
              "confirmation " + std::to_string(rank + 1) +
                  " is asked by another step",
              {"expected: step " + StepText(recorded->step) + ": " +
                   ShortJson(recorded->message),
               "actual:   step " + step + ": " + ShortJson(message)});
      if (!accept_changes_) return std::nullopt;
      recorded = FindPrompt(step);
      if (recorded == nullptr) return std::nullopt;
    }
    std::vector<std::string> differences =
        JsonDifferences(recorded->message, message, "message");
    if (!differences.empty()) {
      Diverge(step,
              "confirmation " + std::to_string(rank + 1) +
                  " asks with another message",
              differences);
      if (!accept_changes_) return std::nullopt;
    }
    if (recorded->answer.empty()) {  // it waited, and maybe was cancelled
      const bool last = recorded == &recording_.confirmations.back();
      if (cancelled_ && last) return PromptAnswer{{}, "", /*cancel=*/true};
      return std::nullopt;
    }
    return PromptAnswer{recorded->answer == "confirm"
                            ? engine::Answer::kConfirm
                            : engine::Answer::kReject,
                        recorded->by};
  }

  // What the replay did not do of what the recording did, and how it ended.
  void CompareEnd(const json& replayed) {
    if (stopped()) return;
    if (accept_changes_) {
      CompareRecordedCalls(replayed.value("calls", json::array()));
    } else {
      CompareAttempts();
      if (stopped()) return;
      if (next_ < recording_.calls.size()) {
        const Recording::Call& missing = recording_.calls[next_];
        Diverge(missing.step,
                "the replay made " + Count(next_, "call") +
                    "; the recording has " +
                    std::to_string(recording_.calls.size()),
                {"first call not made: " + CallText(StepText(missing.step),
                                                    missing.action,
                                                    missing.arguments)});
        return;
      }
      if (prompts_ < recording_.confirmations.size()) {
        const Recording::Confirmation& missing =
            recording_.confirmations[prompts_];
        Diverge(missing.step, "the recording's confirmation " +
                                  std::to_string(prompts_ + 1) +
                                  " was not asked",
                {"expected: " + ShortJson(missing.message)});
        return;
      }
    }
    CompareOutcome(replayed.value("outcome", json::object()));
    std::vector<std::string> notifications =
        JsonDifferences(recording_.notifications,
                        replayed.value("notifications", json::array()),
                        "notifications");
    if (!notifications.empty())
      Diverge("", "the notifications differ", notifications);
  }

  // The replay's recording with each call under the idempotency key of the
  // recorded call that answered it, and each attempt a recorded one
  // answered with that attempt's send time and restart mark: a recording
  // accepted with --update changes only where the run did (the replay
  // draws keys of its own, sends at its own times and is never restarted).
  void KeepRecordedKeys(json& replayed) const {
    json& calls = replayed["calls"];
    for (size_t i = 0; i < calls.size() && i < answered_by_.size(); ++i) {
      const Recording::Call& recorded = recording_.calls[answered_by_[i]];
      if (!recorded.idempotency_key.empty())
        calls[i]["idempotency_key"] = recorded.idempotency_key;
      json& attempts = calls[i]["attempts"];
      for (size_t j = 0; j < attempts.size() && j < recorded.attempts.size();
           ++j) {
        const Recording::Attempt& answered = recorded.attempts[j];
        if (answered.sent_at.has_value())
          attempts[j]["sent_at"] = *answered.sent_at;
        if (answered.resent) attempts[j]["resent"] = true;
      }
    }
  }

  std::vector<Divergence> TakeDivergences() { return std::move(divergences_); }
  size_t calls() const { return calls_; }
  const Status& failure() const { return failure_; }

 private:
  bool stopped() const { return !divergences_.empty() && !accept_changes_; }

  std::optional<size_t> MatchInOrder(const OfflineCall& call) {
    const size_t rank = next_++;
    const std::string actual = CallText(call.step, call.action, call.arguments);
    if (rank >= recording_.calls.size()) {
      Diverge(call.step,
              "call " + std::to_string(rank + 1) +
                  " is not in the recording, which has " +
                  Count(recording_.calls.size(), "call"),
              {"actual:   " + actual});
      return std::nullopt;
    }
    const Recording::Call& recorded = recording_.calls[rank];
    if (recorded.step != call.step || recorded.action != call.action) {
      Diverge(call.step, "call " + std::to_string(rank + 1) + " differs",
              {"expected: " + CallText(StepText(recorded.step),
                                       recorded.action, recorded.arguments),
               "actual:   " + actual});
      return std::nullopt;
    }
    std::vector<std::string> differences =
        JsonDifferences(recorded.arguments, call.arguments, "arguments");
    if (!differences.empty()) {
      Diverge(call.step,
              "call " + std::to_string(rank + 1) + " (" + call.action +
                  ") has other arguments",
              differences);
      return std::nullopt;
    }
    return rank;
  }

  // The first unused recorded call of the same action, the same step first.
  std::optional<size_t> FindLenient(const OfflineCall& call) {
    std::optional<size_t> same_action;
    for (size_t i = 0; i < recording_.calls.size(); ++i) {
      const Recording::Call& recorded = recording_.calls[i];
      if (used_[i] || recorded.action != call.action) continue;
      if (recorded.step == call.step) return i;
      if (!same_action.has_value()) same_action = i;
    }
    if (!same_action.has_value()) {
      failure_ = Status::Error(
          "step " + call.step + " calls " + call.action +
          ", which the recording has no answer for; record the run again");
    }
    return same_action;
  }

  const Recording::Confirmation* FindPrompt(const std::string& step) const {
    for (const Recording::Confirmation& prompt : recording_.confirmations) {
      if (prompt.step == step) return &prompt;
    }
    return nullptr;
  }

  // Accepting changes answers calls out of order: what changed is then
  // found by comparing the calls made with the recorded ones, in order.
  void CompareRecordedCalls(const json& made) {
    const size_t common = std::min(made.size(), recording_.calls.size());
    for (size_t i = 0; i < common; ++i) {
      const Recording::Call& recorded = recording_.calls[i];
      const json& call = made[i];
      const std::string step = call.value("step", "");
      const std::string action = call.value("action", "");
      const json arguments = call.value("arguments", json::object());
      if (recorded.step != step || recorded.action != action) {
        Diverge(step, "call " + std::to_string(i + 1) + " differs",
                {"expected: " + CallText(StepText(recorded.step),
                                         recorded.action, recorded.arguments),
                 "actual:   " + CallText(step, action, arguments)});
        return;
      }
      std::vector<std::string> differences =
          JsonDifferences(recorded.arguments, arguments, "arguments");
      if (!differences.empty()) {
        Diverge(step,
                "call " + std::to_string(i + 1) + " (" + action +
                    ") has other arguments",
                differences);
        return;
      }
    }
    if (made.size() != recording_.calls.size()) {
      Diverge("", "the replay made " + Count(made.size(), "call") +
                      "; the recording has " +
                      std::to_string(recording_.calls.size()),
              {});
    }
  }

  // A step id, with its place when the replayed workflow has it.
  std::string StepText(const std::string& step) const {
    auto at = steps_.find(step);
    return at == steps_.end() ? step + " (not in the workflow)"
                              : step + " (" + WhereText(at->second) + ")";
  }

  void CompareAttempts() {
    for (size_t i = 0; i < next_ && i < recording_.calls.size(); ++i) {
      const Recording::Call& recorded = recording_.calls[i];
      const size_t tries = recorded.attempts.size();
      if (attempts_made_[i] >= static_cast<int>(tries)) continue;
      Diverge(recorded.step,
              "call " + std::to_string(i + 1) + " (" + recorded.action +
                  ") is tried " + std::to_string(attempts_made_[i]) +
                  " time" + (attempts_made_[i] == 1 ? "" : "s") +
                  "; the recording tried it " + std::to_string(tries) +
                  " times",
              {});
      return;
    }
  }

  void CompareOutcome(const json& replayed) {
    const std::string expected = recording_.outcome.value("status", "");
    const std::string actual = replayed.value("status", "");
    // A failed run names its step in its error; a rejected one at the top.
    const json error = replayed.value("error", json::object());
    const std::string step =
        replayed.value("step", error.is_object() ? error.value("step", "") : "");
    if (expected != actual) {
      std::vector<std::string> details;
      if (replayed.contains("error"))
        details.push_back("error: " + ShortJson(replayed["error"]));
      Diverge(step,
              "the run ends " + actual + "; the recording ends " + expected,
              details);
      return;
    }
    for (const char* member : {"outputs", "outcome", "error"}) {
      std::vector<std::string> differences =
          JsonDifferences(recording_.outcome.value(member, json()),
                          replayed.value(member, json()), member);
      if (differences.empty()) continue;
      Diverge(step,
              std::string("the run's ") + member + " differ" +
                  (std::string(member) == "error" ? "s" : ""),
              differences);
    }
  }

  // Whether the recorded run was cancelled during recorded call `call`
  // (its last): while the call was under way, or waiting to try it again.
  bool CancelledDuring(size_t call) const {
    return cancelled_ && call + 1 == recording_.calls.size();
  }

  void Diverge(const std::string& step, std::string summary,
               std::vector<std::string> details) {
    Divergence divergence{step, "", std::move(summary), std::move(details)};
    auto at = steps_.find(step);
    if (at != steps_.end()) divergence.where = WhereText(at->second);
    divergences_.push_back(std::move(divergence));
  }

  engine::ActionOutcome Stop(std::string message) {
    return engine::ActionOutcome::Failure(
        {"fatal", "replay_divergence", "replay: " + message, std::nullopt});
  }

  const Recording& recording_;
  const bool accept_changes_;
  /// The recorded run ended cancelled: the replay cancels where it did.
  const bool cancelled_;
  std::map<std::string, engine::Position> steps_;
  std::vector<bool> used_;
  std::vector<size_t> answered_by_;  // per call made: the recorded call
  std::vector<int> attempts_made_;
  size_t next_ = 0;     // rank of the next call, in order
  size_t current_ = 0;  // the recorded call answering the current one
  size_t calls_ = 0;
  size_t prompts_ = 0;
  std::vector<Divergence> divergences_;
  Status failure_;
};

}  // namespace

Result<Recording> ParseRecording(const json& document) {
  Recording read;
  if (Status header = ReadHeader(document, read); !header.ok()) return header;
  if (Status clock = ReadClock(document, read); !clock.ok()) return clock;
  Result<const json*> calls = ArrayMember(document, "", "calls");
  if (!calls.ok()) return calls.status();
  for (size_t i = 0; i < calls.value()->size(); ++i) {
    Result<Recording::Call> call =
        ReadCall((*calls.value())[i], "/calls/" + std::to_string(i));
    if (!call.ok()) return call.status();
    read.calls.push_back(std::move(call.value()));
  }
  Result<const json*> prompts = ArrayMember(document, "", "confirmations");
  if (!prompts.ok()) return prompts.status();
  for (size_t i = 0; i < prompts.value()->size(); ++i) {
    Result<Recording::Confirmation> prompt = ReadConfirmation(
        (*prompts.value())[i], "/confirmations/" + std::to_string(i));
    if (!prompt.ok()) return prompt.status();
    read.confirmations.push_back(std::move(prompt.value()));
  }
  return read;
}

Result<Recording> ReadRecordingFile(const std::string& path) {
  Result<std::string> read = ReadFile(path);
  if (!read.ok()) return Status::Error(path + ": " + read.status().message());
  const std::string& text = read.value();
  // Results and inputs nest up to dsl::kMaxDataDepth levels, a few levels
  // down the document.
  constexpr int kMaxRecordingDepth = dsl::kMaxDataDepth + 8;
  if (dsl::NestsDeeperThan(text, kMaxRecordingDepth)) {
    return Status::Error(path + ": not a recording: it nests deeper than " +
                         std::to_string(kMaxRecordingDepth) + " levels");
  }
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return Status::Error(path + ": not a recording: the file is not JSON");
  Result<Recording> recording = ParseRecording(document);
  if (!recording.ok())
    return Status::Error(path + ": " + recording.status().message());
  return recording;
}

std::optional<engine::ActionOutcome> RecordedOutcome(
    const Recording::Attempt& attempt) {
  if (attempt.result.has_value()) {
    Result<dsl::Value> value = dsl::ValueFromJson(*attempt.result);
    if (!value.ok()) {
      return engine::ActionOutcome::Failure(
          {"fatal", "bad_recording",
           "the recorded result does not read: " + value.status().message(),
           std::nullopt});
    }
    return engine::ActionOutcome::Success(std::move(value.value()));
  }
  if (!attempt.error.has_value()) return std::nullopt;
  const json& error = *attempt.error;
  engine::ActionError failure{error.value("kind", "fatal"),
                              error.value("code", ""),
                              error.value("message", ""), std::nullopt};
  auto retry_after = error.find("retry_after_ms");
  if (retry_after != error.end() && retry_after->is_number_integer())
    failure.retry_after = std::chrono::milliseconds(retry_after->get<int64_t>());
  return engine::ActionOutcome::Failure(std::move(failure));
}

Result<ReplayReport> Replay(const Recording& recording,
                            const ReplayOptions& options) {
  if (options.workflow == nullptr)
    return Status::Error("replay needs a workflow");
  Comparison comparison(recording, *options.workflow, options.accept_changes);
  OfflineRunSpec spec;
  spec.workflow = options.workflow;
  spec.definition = options.definition;
  spec.inputs = recording.inputs;
  spec.actions = options.actions;
  spec.run_id = recording.run_id;
  spec.step_times = recording.step_times;
  spec.start_ms = recording.start_ms;
  spec.answer_call = [&comparison](const OfflineCall& call) {
    return comparison.Answer(call);
  };
  spec.answer_prompt = [&comparison](const std::string& step,
                                     const json& message) {
    return comparison.AnswerPrompt(step, message);
  };
  Result<OfflineRunResult> run = RunOffline(spec);
  if (!run.ok()) return run.status();
  if (!comparison.failure().ok()) return comparison.failure();
  comparison.CompareEnd(run.value().recording);
  ReplayReport report;
  report.divergences = comparison.TakeDivergences();
  report.calls = comparison.calls();
  comparison.KeepRecordedKeys(run.value().recording);
  report.recording = std::move(run.value().recording);
  return report;
}

std::string ShortJson(const json& value) {
  constexpr size_t kLongest = 160;
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kLongest) text = text.substr(0, kLongest - 3) + "...";
  return text;
}

std::vector<std::string> JsonDifferences(const json& expected,
                                         const json& actual,
                                         const std::string& path) {
  const std::string name = path.empty() ? "(the value)" : path;
  if (expected.is_string() && expected.get<std::string>() == "***") return {};
  std::vector<std::string> differences;
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      auto it = actual.find(key);
      if (it == actual.end()) {
        differences.push_back(JoinPath(path, key) + ": expected " +
                              ShortJson(value) + ", missing");
        continue;
      }
      std::vector<std::string> inner =
          JsonDifferences(value, *it, JoinPath(path, key));
      differences.insert(differences.end(), inner.begin(), inner.end());
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) {
        differences.push_back(JoinPath(path, key) + ": not expected, got " +
                              ShortJson(value));
      }
    }
    return differences;
  }
  if (expected.is_array() && actual.is_array()) {
    const size_t common = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < common; ++i) {
      std::vector<std::string> inner = JsonDifferences(
          expected[i], actual[i], path + "[" + std::to_string(i) + "]");
      differences.insert(differences.end(), inner.begin(), inner.end());
    }
    for (size_t i = common; i < expected.size(); ++i) {
      differences.push_back(path + "[" + std::to_string(i) + "]: expected " +
                            ShortJson(expected[i]) + ", missing");
    }
    for (size_t i = common; i < actual.size(); ++i) {
      differences.push_back(path + "[" + std::to_string(i) +
                            "]: not expected, got " + ShortJson(actual[i]));
    }
    return differences;
  }
  if (expected != actual) {
    differences.push_back(name + ": expected " + ShortJson(expected) +
                          ", got " + ShortJson(actual));
  }
  return differences;
}

std::string RenderDivergences(const ReplayReport& report,
                              const std::string& indent) {
  std::ostringstream out;
  for (const Divergence& divergence : report.divergences) {
    out << indent << divergence.summary << "\n";
    if (!divergence.step.empty()) {
      out << indent << "  at step " << divergence.step;
      if (!divergence.where.empty()) out << " (" << divergence.where << ")";
      out << "\n";
    }
    for (const std::string& detail : divergence.details)
      out << indent << "  " << detail << "\n";
  }
  return out.str();
}

}  // namespace bssflow::app
