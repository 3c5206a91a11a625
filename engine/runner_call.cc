// Connector calls of a run: journaled before they leave, retried with
// backoff and jitter, bounded by the step's timeout, abandoned on
// cancellation, and their secret result fields sealed in the journal.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <exception>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include "dsl/json_value.h"
#include "engine/runner_drive.h"

namespace bssflow::engine {

namespace {

using boost::asio::as_tuple;
using boost::asio::use_awaitable;

nlohmann::json ErrorJson(const ActionError& error) {
  nlohmann::json json = {
      {"kind", error.kind}, {"code", error.code}, {"message", error.message}};
  if (error.retry_after.has_value())
    json["retry_after_ms"] = error.retry_after->count();
  return json;
}

ActionError ErrorFromJson(const nlohmann::json& json) {
  ActionError error{json.value("kind", ""), json.value("code", ""),
                    json.value("message", ""), std::nullopt};
  if (json.contains("retry_after_ms")) {
    error.retry_after =
        std::chrono::milliseconds(json["retry_after_ms"].get<int64_t>());
  }
  return error;
}

nlohmann::json ToJson(const dsl::Value& value) {
  return dsl::ValueToSortedJson(value);
}

// Every non-empty string value in `json` (secrets are texts: passwords,
// tokens).
void CollectStrings(const nlohmann::json& json, std::vector<std::string>& out) {
  if (json.is_string() && !json.get_ref<const std::string&>().empty())
    out.push_back(json.get<std::string>());
  if (json.is_object() || json.is_array()) {
    for (const auto& [key, value] : json.items()) CollectStrings(value, out);
  }
}

// Whether `text` holds one of `secrets`.
bool HoldsSecret(const std::string& text,
                 const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (text.find(secret) != std::string::npos) return true;
  }
  return false;
}

// Whether a string in `json`, or a member's name, holds one of `secrets`.
bool HoldsSecret(const nlohmann::json& json,
                 const std::vector<std::string>& secrets) {
  if (json.is_string())
    return HoldsSecret(json.get_ref<const std::string&>(), secrets);
  if (IsSealedJson(json)) return false;
  if (json.is_object()) {
    for (const auto& [key, value] : json.items()) {
      if (HoldsSecret(key, secrets) || HoldsSecret(value, secrets))
        return true;
    }
  }
  if (json.is_array()) {
    for (const auto& value : json) {
      if (HoldsSecret(value, secrets)) return true;
    }
  }
  return false;
}

// The payload paths of an event type that may hold values a workflow
// computed (and so copies of secrets). Called for every event a run appends
// once it has seen a secret: static lists, compared as views.
std::span<const std::string_view> PayloadPaths(std::string_view type) {
  static constexpr std::string_view kArguments[] = {"arguments"};
  static constexpr std::string_view kValues[] = {"values"};
  static constexpr std::string_view kNotification[] = {"to", "cc", "subject"};
  static constexpr std::string_view kMessage[] = {"message"};
  static constexpr std::string_view kMessages[] = {"messages"};
  static constexpr std::string_view kError[] = {"error.message"};
  static constexpr std::string_view kRunFinished[] = {"outputs",
                                                      "error.message"};
  static constexpr std::string_view kResult[] = {"result"};
  if (type == event_type::kCallSent) return kArguments;
  if (type == event_type::kVariablesSet) return kValues;
  if (type == event_type::kNotificationSent) return kNotification;
  if (type == event_type::kConfirmationRequested) return kMessage;
  if (type == event_type::kCheckFailed) return kMessages;
  if (type == event_type::kStepFailed) return kError;
  if (type == event_type::kRunFinished) return kRunFinished;
  if (type == event_type::kStepSucceeded) return kResult;
  return {};
}

const nlohmann::json* At(const nlohmann::json& json, std::string_view path) {
  const nlohmann::json* at = &json;
  size_t start = 0;
  while (at != nullptr) {
    size_t dot = path.find('.', start);
    std::string_view key = path.substr(start, dot - start);
    if (!at->is_object()) return nullptr;
    const auto& members = at->get_ref<const nlohmann::json::object_t&>();
    auto it = members.find(key);
    at = it == members.end() ? nullptr : &it->second;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return at;
}

bool SurvivesJson(const dsl::Value& value);

// Whether a map comes back the same from JSON: string keys in the order a
// JSON object reads back in (sorted, no duplicates), values that do, and
// not the one member a sealed secret has (it would be opened).
bool MapSurvivesJson(const dsl::ValueMap& map) {
  const auto& entries = map.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const dsl::Value& key = entries[i].first;
    if (key.kind() != dsl::ValueKind::kString) return false;
    if (i > 0 && !(entries[i - 1].first.string_value() < key.string_value()))
      return false;
    if (!SurvivesJson(entries[i].second)) return false;
  }
  return !(entries.size() == 1 &&
           entries[0].first.string_value() == kSealedMarker);
}

// Whether `value` comes back the same, kinds and order included, from its
// journal JSON read back (OpenResult): null, bools, ints, finite doubles,
// strings, and lists and maps of them.
bool SurvivesJson(const dsl::Value& value) {
  switch (value.kind()) {
    case dsl::ValueKind::kNull:
    case dsl::ValueKind::kBool:
    case dsl::ValueKind::kInt:
    case dsl::ValueKind::kString:
      return true;
    case dsl::ValueKind::kDouble:
      return std::isfinite(value.double_value());
    case dsl::ValueKind::kList:
      return std::all_of(value.list_value().begin(), value.list_value().end(),
                         SurvivesJson);
    case dsl::ValueKind::kMap:
      return MapSurvivesJson(value.map_value());
    default:  // uint, bytes, type and error values change kind
      return false;
  }
}

bool Retries(const RetryPolicy& policy, int attempt, const ActionError& e) {
  return attempt < policy.attempts &&
         std::find(policy.retry_on.begin(), policy.retry_on.end(), e.kind) !=
             policy.retry_on.end();
}

// A result in the shape of a sealed field would be read back from the
// journal as one, and fail to open on every replay: it is refused as a
// failed call, which the workflow can handle, rather than journaled.
ActionOutcome RefuseSealedShapes(const std::string& action,
                                 ActionOutcome outcome) {
  if (!outcome.result.has_value()) return outcome;
  std::optional<std::string> at = SealedShapeAt(*outcome.result);
  if (!at.has_value()) return outcome;
  std::string where = at->empty() ? "" : " at '" + *at + "'";
  return ActionOutcome::Failure(
      {"fatal", "sealed_shape",
       "'" + action + "' answered with a map whose only key is \"" +
           std::string(kSealedMarker) + "\"" + where +
           ", the shape the journal keeps for sealed secrets",
       std::nullopt});
}

// The connector's answer, with an escaped exception turned into an error.
boost::asio::awaitable<ActionOutcome> GuardedCall(Connector* connector,
                                                  const std::string& action,
                                                  const dsl::Value& arguments,
                                                  const CallContext& ctx) {
  if (connector == nullptr) {
    co_return ActionOutcome::Failure(
        {"fatal", "unknown_connector",
         "no connector is registered for action '" + action + "'",
         std::nullopt});
  }
  try {
    ActionOutcome outcome = co_await connector->Call(action, arguments, ctx);
    co_return RefuseSealedShapes(action, std::move(outcome));
  } catch (const std::exception& e) {
    co_return ActionOutcome::Failure(
        {"fatal", "exception", std::string("connector failed: ") + e.what(),
         std::nullopt});
  } catch (...) {
    co_return ActionOutcome::Failure({"fatal", "exception",
                                      "connector failed: unknown exception",
                                      std::nullopt});
  }
}

}  // namespace

boost::asio::awaitable<Flow> RunDriver::RunCall(const Step& step,
                                                StepHistory& h,
                                                const std::string& action,
                                                const dsl::Value& arguments,
                                                nlohmann::json extra) {
  // Where the journal left the call: not sent, sent and unanswered (sent
  // again with the same key: a crash came between), or failed and due for
  // a retry (a final failure is journaled with step_failed, so it is not).
  std::string key;
  int attempt = 1;
  const Event* last = h.calls.empty() ? nullptr : h.calls.back();
  if (last == nullptr) {
    key = NewUuid(deps_.random);
    nlohmann::json sent = {{"action", action},
                           {"attempt", attempt},
                           {"idempotency_key", key},
                           {"arguments", dsl::ValueToSortedJson(arguments)}};
    Status s =
        Append(EventList(MakeEvent(event_type::kStepStarted, step.id),
                         MakeEvent(event_type::kCallSent, step.id, std::move(sent))),
               RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
  } else {
    key = h.calls.front()->data.value("idempotency_key", "");
    attempt = last->data.value("attempt", 1);
    std::optional<ActionError> failed;
    if (last->type == event_type::kCallFailed)
      failed = ErrorFromJson(last->data["error"]);
    if (failed.has_value()) {
      // Awaited in a statement of its own: GCC 12 miscompiles a co_await in
      // an if condition when the suspended frame is destroyed.
      bool slept = co_await Sleep(Backoff(step.retry, attempt, *failed));
      if (!slept) co_return Flow::Of(Flow::Kind::kCancelled);
      ++attempt;
    }
    nlohmann::json sent = {{"action", action},
                           {"attempt", attempt},
                           {"idempotency_key", key},
                           {"arguments", dsl::ValueToSortedJson(arguments)}};
    if (!failed.has_value()) sent["resent"] = true;
    Status s =
        Append(EventList(MakeEvent(event_type::kCallSent, step.id, std::move(sent))),
               RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
  }
  for (;;) {
    // The call is journaled as sent before it leaves.
    Status committed = co_await Commit();
    if (!committed.ok()) co_return Flow::Broken(committed);
    CallContext ctx{record_.id, step.id, attempt, key};
    std::optional<ActionOutcome> outcome =
        co_await CallOnce(step, action, arguments, ctx);
    if (!outcome.has_value()) co_return Flow::Of(Flow::Kind::kCancelled);
    if (outcome->result.has_value()) {
      dsl::Value seen = std::move(*outcome->result);
      Result<nlohmann::json> sealed = JournalResult(action, step.id, seen);
      if (!sealed.ok()) co_return Flow::Broken(sealed.status());
      std::vector<Event> events =
          EventList(MakeEvent(event_type::kCallSucceeded, step.id,
                              {{"attempt", attempt},
                               {"result", std::move(sealed).value()}}));
      if (!extra.is_null())
        events.push_back(MakeEvent(event_type::kNotificationSent, step.id,
                                   std::move(extra)));
      events.push_back(MakeEvent(event_type::kStepSucceeded, step.id));
      Status s = Append(std::move(events), RunStatus::kRunning, step.id);
      if (!s.ok()) co_return Flow::Broken(s);
      SetStepResult(step.id, std::move(seen));
      co_return Flow::Next();
    }
    ActionError error = outcome->error.value_or(ActionError{
        "fatal", "no_outcome", "the connector gave no outcome", {}});
    std::vector<Event> events = EventList(
        MakeEvent(event_type::kCallFailed, step.id,
                  {{"attempt", attempt}, {"error", ErrorJson(error)}}));
    bool retry = Retries(step.retry, attempt, error);
    StepError failure{step.id, error.kind, error.code, error.message};
    if (retry && error.retry_after.has_value() &&
        *error.retry_after > kMaxRetryAfter) {
      retry = false;
      failure.message += " (the service asked to be called again in " +
                         std::to_string(std::chrono::duration_cast<
                                            std::chrono::seconds>(
                                            *error.retry_after)
                                            .count()) +
                         " s; a retry waits at most " +
                         std::to_string(kMaxRetryAfter.count()) + " s)";
    }
    if (!retry) {
      events.push_back(MakeEvent(event_type::kStepFailed, step.id,
                                 {{"error", failure.ToJson()}}));
    }
    Status s = Append(std::move(events), RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
    if (!retry) co_return Flow::Failed(std::move(failure));
    // The failure is journaled before the wait, however long it is.
    Status committed_failure = co_await Commit();
    if (!committed_failure.ok()) co_return Flow::Broken(committed_failure);
    bool slept = co_await Sleep(Backoff(step.retry, attempt, error));
    if (!slept) co_return Flow::Of(Flow::Kind::kCancelled);
    ++attempt;
    s = Append(EventList(MakeEvent(event_type::kCallSent, step.id,
                                   {{"action", action},
                                    {"attempt", attempt},
                                    {"idempotency_key", key}})),
               RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
  }
}

// One attempt, raced against the step's timeout (which bounds each attempt,
// not all of them) and against Cancel(). nullopt: cancelled.
//
// The call runs as one coroutine of its own, cancelled through a signal
// that the timeout's handler and Cancel() emit. An `||` of three
// awaitables (the call, a timeout wait, a cancel wait) did the same with
// three coroutines and a parallel group: a fifth of a whole run's cost
// with connectors that answer at once (docs/benchmarks.md).
boost::asio::awaitable<std::optional<ActionOutcome>> RunDriver::CallOnce(
    const Step& step, const std::string& action, const dsl::Value& arguments,
    const CallContext& ctx) {
  if (Cancelled()) co_return std::nullopt;
  // Shared with the timeout's handler, which can run after this frame is
  // gone (it was queued before the call completed).
  struct Race {
    boost::asio::cancellation_signal signal;
    bool answered = false;
    bool timed_out = false;
  };
  auto race = std::make_shared<Race>();
  boost::asio::steady_timer timeout(deps_.executor);
  if (step.timeout.has_value()) {
    timeout.expires_after(*step.timeout);
    timeout.async_wait([race](const boost::system::error_code& error) {
      if (error || race->answered) return;
      race->timed_out = true;
      race->signal.emit(boost::asio::cancellation_type::terminal);
    });
  }
  Connector* connector = deps_.connectors->Find(action);
  active_.call_signal = &race->signal;
  auto call = boost::asio::co_spawn(
      deps_.executor, GuardedCall(connector, action, arguments, ctx),
      boost::asio::bind_cancellation_slot(race->signal.slot(),
                                          as_tuple(use_awaitable)));
  auto [error, outcome] = co_await std::move(call);
  race->answered = true;
  active_.call_signal = nullptr;
  timeout.cancel();
  if (Cancelled()) co_return std::nullopt;
  if (race->timed_out) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        step.timeout.value_or(std::chrono::milliseconds(0)));
    co_return ActionOutcome::Failure({"timeout", "timeout",
                                      "'" + action +
                                          "' did not answer within " +
                                          std::to_string(ms.count()) + "ms",
                                      std::nullopt});
  }
  if (error) {  // GuardedCall catches what the connector throws
    co_return ActionOutcome::Failure({"fatal", "exception",
                                      "connector failed: unknown exception",
                                      std::nullopt});
  }
  co_return std::move(outcome);
}

// Waits on the executor's clock; false when Cancel() interrupted the wait.
boost::asio::awaitable<bool> RunDriver::Sleep(
    std::chrono::milliseconds duration) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (Cancelled()) co_return false;
  if (deps_.skip_waits) co_return true;
  boost::asio::steady_timer timer(deps_.executor, duration);
  auto winner =
      co_await (timer.async_wait(as_tuple(use_awaitable)) ||
                active_.cancel_timer.async_wait(as_tuple(use_awaitable)));
  co_return winner.index() == 0 && !Cancelled();
}

// Full jitter: a uniform wait up to backoff * multiplier^(attempt - 1),
// capped at max_backoff; never shorter than the service's Retry-After.
std::chrono::milliseconds RunDriver::Backoff(const RetryPolicy& policy,
                                             int attempt,
                                             const ActionError& error) const {
  double cap = static_cast<double>(policy.backoff.count()) *
               std::pow(policy.multiplier, attempt - 1);
  cap = std::min(cap, static_cast<double>(policy.max_backoff.count()));
  uint64_t bound = static_cast<uint64_t>(std::max(cap, 0.0));
  auto wait = std::chrono::milliseconds(
      static_cast<int64_t>(deps_.random() % (bound + 1)));
  if (error.retry_after.has_value()) wait = std::max(wait, *error.retry_after);
  return wait;
}

bool RunDriver::HasSecretFields(const std::string& action) const {
  const ActionSpec* spec =
      deps_.actions != nullptr ? deps_.actions->Find(action) : nullptr;
  return deps_.secrets != nullptr && spec != nullptr &&
         !spec->secret_fields.empty();
}

nlohmann::json RunDriver::SealResult(const std::string& action,
                                     const std::string& step,
                                     const dsl::Value& result) const {
  if (!HasSecretFields(action)) return dsl::ValueToSortedJson(result);
  const ActionSpec* spec = deps_.actions->Find(action);
  dsl::Value sealed = SealFields(result, spec->secret_fields, *deps_.secrets,
                                 record_.id + "/" + step);
  return dsl::ValueToSortedJson(sealed);
}

Result<nlohmann::json> RunDriver::JournalResult(const std::string& action,
                                                const std::string& step,
                                                dsl::Value& result) {
  bool survives = SurvivesJson(result);
  if (HasSecretFields(action) && survives) {
    // Its sealed fields would open to their own JSON, so the run keeps the
    // connector's value; only the journal's copy is sealed (in place: a
    // conversion of the sealed value would cost as much as the sealing).
    nlohmann::json clear = ToJson(result);
    nlohmann::json sealed = clear;
    SealJsonFields(sealed, deps_.actions->Find(action)->secret_fields,
                   *deps_.secrets, record_.id + "/" + step);
    NoteSecrets(sealed, clear);
    return sealed;
  }
  nlohmann::json sealed = SealResult(action, step, result);
  if (HasSecretFields(action) || !survives) {
    Result<dsl::Value> seen = OpenResult(step, sealed);
    if (!seen.ok()) return seen.status();
    NoteSecrets(sealed, ToJson(seen.value()));
    result = std::move(seen).value();
  }
  return sealed;
}

Result<dsl::Value> RunDriver::OpenResult(
    const std::string& step, const nlohmann::json& journaled) const {
  Result<dsl::Value> value = dsl::ValueFromJson(journaled);
  if (!value.ok() || deps_.secrets == nullptr) return value;
  Result<dsl::Value> opened =
      OpenFields(value.value(), *deps_.secrets, record_.id + "/" + step);
  if (!opened.ok()) {
    return Status::Error("run " + record_.id + ", step '" + step +
                         "': " + opened.status().message());
  }
  return opened;
}

void RunDriver::NoteSecrets(const nlohmann::json& sealed,
                            const nlohmann::json& clear) {
  if (IsSealedJson(sealed)) {
    opened_secret_ = true;
    CollectStrings(clear, secrets_);
    std::sort(secrets_.begin(), secrets_.end());
    secrets_.erase(std::unique(secrets_.begin(), secrets_.end()),
                   secrets_.end());
    return;
  }
  if (sealed.is_object() && clear.is_object()) {
    for (const auto& [key, value] : sealed.items()) {
      auto it = clear.find(key);
      if (it != clear.end()) NoteSecrets(value, *it);
    }
  }
  if (sealed.is_array() && clear.is_array()) {
    for (size_t i = 0; i < sealed.size() && i < clear.size(); ++i)
      NoteSecrets(sealed[i], clear[i]);
  }
}

void RunDriver::SealCopies(Event& event) const {
  if (deps_.secrets == nullptr || secrets_.empty()) return;
  std::vector<std::string> paths;
  for (std::string_view path : PayloadPaths(event.type)) {
    const nlohmann::json* at = At(event.data, path);
    if (at == nullptr || !HoldsSecret(*at, secrets_)) continue;
    // A map (arguments, variables, outputs) is sealed entry by entry, so
    // that what is not secret stays readable.
    bool by_entry = at->is_object();
    for (const auto& [key, value] : at->items()) {
      if (by_entry && key.find('.') != std::string::npos) by_entry = false;
    }
    if (!by_entry) {
      paths.emplace_back(path);
      continue;
    }
    for (const auto& [key, value] : at->items()) {
      if (HoldsSecret(key, secrets_) || HoldsSecret(value, secrets_)) {
        paths.push_back(std::string(path) + "." + key);
      }
    }
  }
  if (paths.empty()) return;
  // Sealed in place: a conversion of the payload to a value and back cost
  // as much as the sealing, and could not be made of data nested past the
  // values' depth limit (which was then journaled in clear).
  SealJsonFields(event.data, paths, *deps_.secrets,
                 record_.id + "/" + event.step + "/" + event.type);
}

Result<nlohmann::json> RunDriver::OpenCopies(const Event& event) const {
  return OpenEventCopies(deps_.secrets, record_.id, event);
}

namespace {

// Whether OpenFields could change `json` (read as a value): it holds a
// sealed member somewhere, or nests deep enough for OpenFields's depth
// limit. Without either, opening gives `json` back as it is.
bool MayNeedOpening(const nlohmann::json& json, int depth = 0) {
  if (!json.is_object() && !json.is_array()) return false;
  if (depth >= dsl::kMaxDataDepth - 1) return true;
  if (IsSealedJson(json)) return true;
  for (const auto& item : json) {
    if (MayNeedOpening(item, depth + 1)) return true;
  }
  return false;
}

}  // namespace

Result<nlohmann::json> OpenEventCopies(const SecretBox* secrets,
                                       const std::string& run_id,
                                       const Event& event) {
  if (secrets == nullptr || !MayNeedOpening(event.data)) return event.data;
  Result<dsl::Value> data = dsl::ValueFromJson(event.data);
  if (!data.ok()) return data.status();
  Result<dsl::Value> opened = OpenFields(
      data.value(), *secrets, run_id + "/" + event.step + "/" + event.type);
  if (!opened.ok()) {
    return Status::Error("run " + run_id + ", step '" + event.step +
                         "': " + opened.status().message());
  }
  return dsl::ValueToSortedJson(opened.value());
}

}  // namespace bssflow::engine
