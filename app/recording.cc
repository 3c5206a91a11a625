#include "app/recording.h"

#include <map>

#include "app/event_format.h"

namespace bssflow::app {

namespace {

namespace et = engine::event_type;
using engine::Event;

nlohmann::json RunJson(const engine::RunRecord& run) {
  nlohmann::json json = {{"id", run.id},
                         {"status", engine::RunStatusName(run.status)},
                         {"created_at", FormatTimestamp(run.created_ms)},
                         {"updated_at", FormatTimestamp(run.updated_ms)}};
  if (!run.idempotency_key.empty())
    json["idempotency_key"] = run.idempotency_key;
  return json;
}

// The calls of a journal: one entry per call step that sent something, its
// attempts in order. A call sent again after a restart is the same attempt,
// marked `resent`.
class CallLog {
 public:
  void Sent(const Event& event) {
    const nlohmann::json& d = event.data;
    const int attempt = d.value("attempt", 1);
    auto open = open_.find(event.step);
    if (open == open_.end() || (attempt == 1 && !d.value("resent", false))) {
      calls_.push_back({{"step", event.step},
                        {"action", d.value("action", "")},
                        {"arguments", MaskSealed(d.value(
                                          "arguments", nlohmann::json::object()))},
                        {"idempotency_key", d.value("idempotency_key", "")},
                        {"attempts", nlohmann::json::array()}});
      open_[event.step] = calls_.size() - 1;
      open = open_.find(event.step);
    }
    nlohmann::json& attempts = calls_[open->second]["attempts"];
    if (d.value("resent", false) && !attempts.empty() &&
        attempts.back().value("attempt", 0) == attempt) {
      attempts.back()["resent"] = true;
      return;
    }
    attempts.push_back({{"attempt", attempt},
                        {"sent_at", FormatTimestamp(event.time_ms)}});
  }

  void Answered(const Event& event) {
    auto open = open_.find(event.step);
    if (open == open_.end()) return;
    nlohmann::json& attempts = calls_[open->second]["attempts"];
    if (attempts.empty()) return;
    nlohmann::json& last = attempts.back();
    if (event.type == et::kCallSucceeded) {
      last["result"] = MaskSealed(event.data.value("result", nlohmann::json()));
    } else {
      last["error"] =
          MaskSealed(event.data.value("error", nlohmann::json::object()));
    }
  }

  nlohmann::json Take() { return std::move(calls_); }

 private:
  nlohmann::json calls_ = nlohmann::json::array();
  std::map<std::string, size_t> open_;  // step -> its entry in calls_
};

nlohmann::json OutcomeJson(const engine::RunRecord& run,
                           const std::vector<Event>& journal) {
  nlohmann::json outcome = {{"status", engine::RunStatusName(run.status)}};
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (it->type != et::kRunFinished) continue;
    for (const char* member : {"outputs", "outcome", "error", "step"}) {
      if (it->data.contains(member))
        outcome[member] = MaskSealed(it->data[member]);
    }
    break;
  }
  return outcome;
}

}  // namespace

nlohmann::json MakeRecording(const engine::RunRecord& run,
                             const std::string& definition,
                             const std::vector<Event>& journal) {
  CallLog calls;
  nlohmann::json confirmations = nlohmann::json::array();
  nlohmann::json notifications = nlohmann::json::array();
  nlohmann::json clock = nlohmann::json::array();
  for (const Event& event : journal) {
    if (event.type == et::kStepStarted) {
      clock.push_back(
          {{"step", event.step}, {"time", FormatTimestamp(event.time_ms)},
           {"time_ms", event.time_ms}});
    } else if (event.type == et::kCallSent) {
      calls.Sent(event);
    } else if (event.type == et::kCallSucceeded ||
               event.type == et::kCallFailed) {
      calls.Answered(event);
    } else if (event.type == et::kConfirmationRequested) {
      confirmations.push_back(
          {{"step", event.step},
           {"message", MaskSealed(event.data.value("message", nlohmann::json()))}});
    } else if (event.type == et::kConfirmationAnswered &&
               !confirmations.empty()) {
      confirmations.back()["answer"] = event.data.value("answer", "");
      confirmations.back()["by"] = event.data.value("by", "");
    } else if (event.type == et::kNotificationSent) {
      nlohmann::json sent = MaskSealed(event.data);
      sent["step"] = event.step;
      notifications.push_back(std::move(sent));
    }
  }
  return {{"format", kRecordingFormat},
          {"version", kRecordingVersion},
          {"run", RunJson(run)},
          {"workflow",
           {{"name", run.workflow},
            {"version", run.definition_hash},
            {"definition", definition}}},
          {"inputs", MaskSealed(run.inputs)},
          {"calls", calls.Take()},
          {"confirmations", confirmations},
          {"notifications", notifications},
          {"clock", clock},
          {"outcome", OutcomeJson(run, journal)}};
}

Result<nlohmann::json> RecordRun(engine::JournalStore& store,
                                 const std::string& run_id) {
  Result<engine::RunRecord> run = store.GetRun(run_id);
  if (!run.ok()) return run.status();
  Result<std::string> definition =
      store.GetDefinition(run.value().definition_hash);
  if (!definition.ok()) return definition.status();
  Result<std::vector<Event>> journal = store.ReadJournal(run_id);
  if (!journal.ok()) return journal.status();
  return MakeRecording(run.value(), definition.value(), journal.value());
}

}  // namespace bssflow::app
