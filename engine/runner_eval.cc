// A drive's state: evaluating conditions and templates against the run's
// variables (failures become step errors positioned in the workflow file),
// and appending to the journal.
#include <cstdint>
#include <exception>
#include <string_view>
#include <utility>

#include "dsl/json_value.h"
#include "engine/write_batcher.h"
#include "engine/runner_drive.h"

namespace bssflow::engine {

namespace {

// Replaces or adds `name` in `values`, keeping the order of first setting.
void Put(NamedValues& values, const std::string& name,
         dsl::Value value) {
  values.changed = true;
  for (auto& [existing, slot] : values.entries) {
    if (existing.string_value() == name) {
      slot = std::move(value);
      return;
    }
  }
  values.entries.emplace_back(dsl::Value::String(name), std::move(value));
}

dsl::Value MapOf(const NamedValues& values) {
  return dsl::Value::Map(dsl::ValueMap::OfDistinctKeys(values.entries));
}

// FNV-1a, 64 bits: a hash that is the same on every platform and build.
uint64_t Fnv1a(std::string_view text, uint64_t hash = 0xcbf29ce484222325ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::string StepNondeterminism::NewUuid() {
  int n = (*uuid_count_)++;
  // Separated, so that ("user1", 0) and ("user", 10) differ.
  uint64_t state = Fnv1a(
      std::to_string(n), Fnv1a("/", Fnv1a(*step_, Fnv1a("/", Fnv1a(*run_id_)))));
  uint64_t high = SplitMix64(state);
  return dsl::FormatUuid(high, SplitMix64(state));
}

StepNondeterminism& RunDriver::NondeterminismOf(const Step& step) {
  if (nondeterminism_step_ == step.id) return nondeterminism_;
  auto history = history_.find(step.id);
  int64_t time_ms;
  if (history != history_.end() && history->second.started != nullptr) {
    time_ms = history->second.started->time_ms;
  } else {
    time_ms = step_times_.try_emplace(step.id, StepTime(step.id)).first->second;
  }
  nondeterminism_.Enter(record_.id, step.id, time_ms, &uuid_counts_[step.id]);
  nondeterminism_step_ = step.id;
  return nondeterminism_;
}

int64_t RunDriver::StepTime(const std::string& step_id) const {
  return deps_.step_time ? deps_.step_time(step_id) : deps_.clock();
}

StepError RunDriver::ExpressionError(const Step& step, const Position& position,
                                     const std::string& text,
                                     const dsl::Error& error) {
  if (!definition_.has_value()) {
    Result<std::string> definition =
        deps_.store->GetDefinition(record_.definition_hash);
    definition_ = definition.ok() ? definition.value() : std::string();
  }
  Position at = PositionInScalar(*definition_, position, text, error.offset);
  std::string where = at.file + ":" + std::to_string(at.line) + ":" +
                      std::to_string(at.column) + ": ";
  return {step.id, "expression", std::string(dsl::ErrorKindName(error.kind)),
          where + error.message};
}

std::optional<StepError> RunDriver::Evaluate(const Step& step,
                                             const Condition& c, bool& out) {
  dsl::ScopedNondeterminism scope(NondeterminismOf(step));
  dsl::Value v = c.program->Evaluate(Activation());
  if (v.is_error())
    return ExpressionError(step, c.position, c.text, v.error_value());
  if (!v.is_bool()) {
    dsl::Error error{
        dsl::ErrorKind::kNoMatchingOverload,
        "a condition must be bool, got " + std::string(dsl::KindName(v.kind())),
        0};
    return ExpressionError(step, c.position, c.text, error);
  }
  out = v.bool_value();
  return std::nullopt;
}

std::optional<StepError> RunDriver::Evaluate(const Step& step,
                                             const TemplateValue& t,
                                             dsl::Value& out) {
  dsl::ScopedNondeterminism scope(NondeterminismOf(step));
  out = t.compiled->Render(Activation());
  if (out.is_error())
    return ExpressionError(step, t.position, t.text, out.error_value());
  return std::nullopt;
}

std::optional<StepError> RunDriver::Evaluate(const Step& step,
                                             const ValueTemplate& t,
                                             dsl::Value& out) {
  switch (t.shape) {
    case ValueTemplate::Shape::kScalar:
      return Evaluate(step, t.scalar, out);
    case ValueTemplate::Shape::kList: {
      dsl::ValueList items;
      for (const ValueTemplate& item : t.items) {
        dsl::Value v;
        if (auto error = Evaluate(step, item, v)) return error;
        items.push_back(std::move(v));
      }
      out = dsl::Value::List(std::move(items));
      return std::nullopt;
    }
    case ValueTemplate::Shape::kMap: {
      dsl::ValueMap map;
      for (const auto& [name, field] : t.fields) {
        dsl::Value v;
        if (auto error = Evaluate(step, field, v)) return error;
        map.Insert(dsl::Value::String(name), std::move(v));
      }
      out = dsl::Value::Map(std::move(map));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<StepError> RunDriver::Evaluate(const Step& step,
                                             const TemplateMap& t,
                                             dsl::Value& out) {
  dsl::ValueMap map;
  for (const auto& [name, field] : t) {
    dsl::Value v;
    if (auto error = Evaluate(step, field, v)) return error;
    map.Insert(dsl::Value::String(name), std::move(v));
  }
  out = dsl::Value::Map(std::move(map));
  return std::nullopt;
}

Status AppendToStore(JournalStore& store, const std::string& run_id,
                     int64_t expected_last_sequence,
                     const std::vector<Event>& events, RunStatus status,
                     const std::string& current_step, int64_t time_ms) {
  try {
    return store.Append(run_id, expected_last_sequence, events, status,
                        current_step, time_ms);
  } catch (const std::exception& e) {
    return Status::Error("run " + run_id +
                         ": cannot append to the journal: " + e.what());
  }
}

Event RunDriver::MakeEvent(const char* type, const std::string& step,
                           nlohmann::json data) const {
  // Built in one go: a default Event would allocate an empty JSON object
  // only to drop it for `data`.
  return Event{0, type, step, std::move(data), 0};
}

Status RunDriver::Append(std::vector<Event> events, RunStatus status,
                         const std::string& current_step) {
  int64_t now = deps_.clock();
  for (Event& event : events) {
    event.sequence = ++record_.last_sequence;
    event.time_ms = now;
    // A step that evaluated now() before it was journaled keeps that time.
    if (event.type == event_type::kStepStarted) {
      auto chosen = step_times_.find(event.step);
      if (chosen != step_times_.end()) {
        event.time_ms = chosen->second;
      } else if (deps_.step_time) {
        event.time_ms = deps_.step_time(event.step);
      }
    }
    SealCopies(event);
    Index(appended_.emplace_back(std::move(event)));
  }
  record_.status = status;
  staged_status_ = status;
  staged_step_ = current_step;
  return Status::Ok();
}

boost::asio::awaitable<Status> RunDriver::Commit() {
  if (committed_ == appended_.size()) co_return Status::Ok();
  AppendRequest request;
  request.run_id = record_.id;
  request.expected_last_sequence = committed_sequence_;
  // The store only reads the events: they are lent to the request and
  // taken back once written, rather than copied (JSON payloads and all).
  // Nothing reads appended_ meanwhile: its only reader is this drive, which
  // waits here.
  request.events.reserve(appended_.size() - committed_);
  for (size_t i = committed_; i < appended_.size(); ++i)
    request.events.push_back(std::move(appended_[i]));
  request.status = staged_status_;
  request.current_step = staged_step_;
  request.time_ms = request.events.back().time_ms;
  const size_t count = request.events.size();
  const int64_t last = request.events.back().sequence;
  Status written;
  if (WriteBatcher* batcher = runner_.batcher_.get(); batcher != nullptr) {
    written = co_await batcher->Append(request);
  } else {
    written = AppendToStore(*deps_.store, request.run_id,
                            request.expected_last_sequence, request.events,
                            request.status, request.current_step,
                            request.time_ms);
  }
  for (size_t i = 0; i < count; ++i)
    appended_[committed_ + i] = std::move(request.events[i]);
  if (!written.ok()) co_return written;
  const size_t first = committed_;
  committed_ += count;
  committed_sequence_ = last;
  if (deps_.on_event) {
    for (size_t i = first; i < committed_; ++i)
      deps_.on_event(record_, appended_[i]);
  }
  co_return Status::Ok();
}

const dsl::Activation& RunDriver::Activation() {
  if (steps_.changed) activation_.Bind(steps_slot_, MapOf(steps_));
  if (vars_.changed) activation_.Bind(vars_slot_, MapOf(vars_));
  steps_.changed = vars_.changed = false;
  return activation_;
}

void RunDriver::SetStepResult(const std::string& id, dsl::Value result) {
  Put(steps_, id, std::move(result));
}

void RunDriver::SetVariable(const std::string& name, dsl::Value value) {
  Put(vars_, name, std::move(value));
}

// The variables a `set` journaled, as the journal gives them back, so that
// the first drive and every replay see the same values.
// The `set` step's result (steps.ID) is the map of the values it set.
Status RunDriver::RestoreVariables(const std::string& step,
                                   const nlohmann::json& values) {
  Result<dsl::Value> all = dsl::ValueFromJson(values);
  if (!all.ok()) return all.status();
  if (all.value().kind() != dsl::ValueKind::kMap)
    return Status::Error("run " + record_.id + ", step '" + step +
                         "': the journaled variables are not a map");
  for (const auto& [name, value] : all.value().map_value().entries())
    SetVariable(name.string_value(), value);
  SetStepResult(step, all.value());
  return Status::Ok();
}

void RunDriver::BindError(dsl::Value error) {
  error_ = std::move(error);
  activation_.Bind(error_slot_, error_);
}

}  // namespace bssflow::engine
