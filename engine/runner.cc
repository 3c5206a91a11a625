#include "engine/runner.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "dsl/json_value.h"
#include "dsl/nondeterminism.h"
#include "dsl/source.h"
#include "engine/json_text.h"
#include "engine/runner_drive.h"
#include "engine/write_batcher.h"

namespace bssflow::engine {

std::string NewUuid(const std::function<uint64_t()>& random) {
  uint64_t high = random();
  return dsl::FormatUuid(high, random());
}

std::string NewTimeOrderedUuid(int64_t time_ms,
                               const std::function<uint64_t()>& random) {
  // unix_ts_ms (48 bits), version 7, rand_a (12); variant, rand_b (62).
  const uint64_t high = (static_cast<uint64_t>(time_ms) << 16) | 0x7000u |
                        (random() & 0x0FFFu);
  const uint64_t low =
      (random() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  return dsl::FormatUuidBits(high, low);
}

Runner::Runner(RunnerDependencies deps)
    : deps_(std::move(deps)), parked_journals_(deps_.parked_journals) {
  if (deps_.store != nullptr && deps_.store->GroupsCommits())
    batcher_ = std::make_unique<WriteBatcher>(*deps_.store, deps_.executor);
}

// Runs still suspended on the executor outlive the Runner only to be
// destroyed with it (a crash or a shutdown): they must not reach back.
Runner::~Runner() {
  for (auto& [id, run] : active_) run->registry = nullptr;
}

namespace {

// Whether an input value of kind `got` may stand for a declared `want`.
bool KindFits(dsl::ValueKind want, const dsl::Value& got) {
  return InputAsKind(want, got).has_value();
}

}  // namespace

Status Runner::CheckInputs(const Workflow& workflow,
                           const nlohmann::json& inputs) {
  if (!inputs.is_object())
    return Status::Error("the inputs of a run must be a JSON object");
  std::vector<std::string> names;
  for (const Input& input : workflow.inputs) names.push_back(input.name);
  for (const auto& [name, value] : inputs.items()) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string message =
        "workflow " + workflow.name + " has no input '" + name + "'";
    std::string guess = dsl::ClosestMatch(name, names);
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    return Status::Error(message);
  }
  for (const Input& input : workflow.inputs) {
    auto it = inputs.find(input.name);
    if (it == inputs.end()) {
      if (!input.required) continue;
      return Status::Error("workflow " + workflow.name + " needs the input '" +
                           input.name + "'");
    }
    // Every input, typed or not, becomes a value the run's expressions
    // read: one that cannot (it nests too deep) is refused here rather
    // than stopping the run at its first step.
    Result<dsl::Value> value = dsl::ValueFromJson(*it);
    if (!value.ok()) {
      return Status::Error("input '" + input.name +
                           "': " + value.status().message());
    }
    if (!input.kind.has_value()) continue;
    if (!KindFits(*input.kind, value.value())) {
      return Status::Error("input '" + input.name + "' must be " +
                           std::string(dsl::KindName(*input.kind)) + ", got " +
                           std::string(dsl::KindName(value.value().kind())));
    }
  }
  return Status::Ok();
}

boost::asio::awaitable<Result<RunSummary>> Runner::Start(
    std::shared_ptr<const Workflow> workflow, std::string definition_text,
    nlohmann::json inputs, std::string idempotency_key, Drive drive,
    std::string callback_url) {
  if (idempotency_key.rfind(kChildRunKeyPrefix, 0) == 0) {
    co_return Status::Error("idempotency keys starting with '" +
                            std::string(kChildRunKeyPrefix) +
                            "' are reserved for the runs of workflow steps");
  }
  co_return co_await StartRun(std::move(workflow), std::move(definition_text),
                              std::move(inputs), std::move(idempotency_key),
                              drive, std::move(callback_url));
}

boost::asio::awaitable<Result<RunSummary>> Runner::StartRun(
    std::shared_ptr<const Workflow> workflow, std::string definition_text,
    nlohmann::json inputs, std::string idempotency_key, Drive drive,
    std::string callback_url) {
  if (inputs.is_null()) inputs = nlohmann::json::object();
  if (Status checked = CheckInputs(*workflow, inputs); !checked.ok())
    co_return checked;
  JournalStore& store = *deps_.store;
  // A definition this Runner started a run on is stored already: storing
  // it again would cost a write transaction per start for nothing.
  if (started_.count(workflow->content_hash) == 0) {
    Status put = store.PutDefinition(workflow->content_hash, workflow->name,
                                     definition_text);
    if (!put.ok()) co_return put;
  }
  NewRun run;
  run.created_ms = deps_.clock();
  run.id = deps_.new_run_id ? deps_.new_run_id()
                            : NewTimeOrderedUuid(run.created_ms, deps_.random);
  run.workflow = workflow->name;
  run.definition_hash = workflow->content_hash;
  run.inputs = std::move(inputs);
  run.idempotency_key = std::move(idempotency_key);
  run.callback_url = std::move(callback_url);
  // With a store that groups commits, the run is created in the next
  // batch, with the writes of the other runs (many starts at once share a
  // commit).
  std::optional<Result<CreatedRun>> made;
  if (batcher_ != nullptr) {
    made.emplace(co_await batcher_->Create(run));
  } else {
    made.emplace(store.CreateRun(run));
  }
  Result<CreatedRun>& created = *made;
  if (!created.ok()) co_return created.status();
  if (!created.value().created) {
    const RunRecord& existing = created.value().run;
    RunSummary summary{existing.id, existing.status, std::nullopt};
    if (drive == Drive::kInBackground) summary.start = created.value();
    co_return summary;
  }
  started_.emplace(workflow->content_hash, workflow);
  if (drive == Drive::kInBackground) {
    RunSummary summary{created.value().run.id, RunStatus::kPending,
                       created.value()};
    DriveNewInBackground(std::move(created.value().run), workflow);
    co_return summary;
  }
  co_return co_await DriveRun(std::move(created.value().run), workflow);
}

void Runner::DriveInBackground(std::string run_id) {
  boost::asio::co_spawn(
      deps_.executor,
      [this, run_id = std::move(run_id)]() -> boost::asio::awaitable<void> {
        Result<RunSummary> driven = co_await Resume(run_id);
        if (!driven.ok() && deps_.on_drive_error) {
          deps_.on_drive_error(run_id, driven.status());
        }
      },
      boost::asio::detached);
}

void Runner::DriveInBackground(RunRecord record,
                               std::optional<KnownJournal> journal) {
  boost::asio::co_spawn(
      deps_.executor,
      [this, record = std::move(record), journal = std::move(journal)]() mutable
      -> boost::asio::awaitable<void> {
        const std::string id = record.id;
        auto resume = ResumeFrom(std::move(record), std::move(journal));
        Result<RunSummary> driven = co_await std::move(resume);
        if (!driven.ok() && deps_.on_drive_error) {
          deps_.on_drive_error(id, driven.status());
        }
      },
      boost::asio::detached);
}

void Runner::DriveNewInBackground(RunRecord record,
                                  std::shared_ptr<const Workflow> workflow) {
  auto spawning = std::make_shared<bool>(true);
  boost::asio::co_spawn(
      deps_.executor,
      [this, record = std::move(record), workflow = std::move(workflow),
       spawning]() mutable -> boost::asio::awaitable<void> {
        // co_spawn dispatches: begun while it was still spawning, the drive
        // runs before anything else on the executor could see the run.
        std::optional<KnownJournal> journal;
        if (*spawning) journal.emplace();
        const std::string id = record.id;
        auto drive =
            DriveRun(std::move(record), std::move(workflow), std::move(journal));
        Result<RunSummary> driven = co_await std::move(drive);
        if (!driven.ok() && deps_.on_drive_error) {
          deps_.on_drive_error(id, driven.status());
        }
      },
      boost::asio::detached);
  *spawning = false;
}

Result<std::shared_ptr<const Workflow>> Runner::WorkflowOf(
    const RunRecord& record) {
  auto it = started_.find(record.definition_hash);
  if (it != started_.end()) return it->second;
  Result<std::string> text = deps_.store->GetDefinition(record.definition_hash);
  if (!text.ok()) return text.status();
  std::shared_ptr<const Workflow> workflow =
      deps_.workflows ? deps_.workflows(record.definition_hash,
                                        record.workflow, text.value())
                      : nullptr;
  if (workflow == nullptr) {
    return Status::Error("run " + record.id + ": the definition " +
                         record.definition_hash + " of workflow " +
                         record.workflow +
                         " does not load; run `bssflow validate` on it");
  }
  return workflow;
}

boost::asio::awaitable<Result<RunSummary>> Runner::Resume(std::string run_id) {
  Result<RunRecord> record = deps_.store->GetRun(run_id);
  if (!record.ok()) co_return record.status();
  co_return co_await ResumeFrom(std::move(record.value()));
}

boost::asio::awaitable<Result<RunSummary>> Runner::ResumeFrom(
    RunRecord record, std::optional<KnownJournal> journal) {
  if (IsFinal(record.status)) co_return RunSummary{record.id, record.status};
  Result<std::shared_ptr<const Workflow>> workflow = WorkflowOf(record);
  if (!workflow.ok()) co_return workflow.status();
  co_return co_await DriveRun(std::move(record), workflow.value(),
                              std::move(journal));
}

namespace {

// Every run of the store in `statuses`, page by page.
Result<std::vector<RunRecord>> ListAll(JournalStore& store,
                                       std::vector<RunStatus> statuses) {
  RunFilter filter;
  filter.statuses = std::move(statuses);
  filter.limit = 1000;
  std::vector<RunRecord> all;
  while (true) {
    Result<std::vector<RunRecord>> page = store.ListRuns(filter);
    if (!page.ok()) return page.status();
    for (RunRecord& run : page.value()) all.push_back(std::move(run));
    if (page.value().size() < static_cast<size_t>(filter.limit)) return all;
    filter.after_id = all.back().id;
  }
}

}  // namespace

boost::asio::awaitable<Result<std::vector<Runner::Resumed>>>
Runner::ResumeUnfinished() {
  Result<std::vector<RunRecord>> unfinished =
      ListAll(*deps_.store, {RunStatus::kPending, RunStatus::kRunning});
  if (!unfinished.ok()) co_return unfinished.status();
  std::erase_if(unfinished.value(), [](const RunRecord& run) {
    return run.idempotency_key.rfind(kChildRunKeyPrefix, 0) == 0;
  });
  const size_t count = unfinished.value().size();
  auto results = std::make_shared<std::vector<Resumed>>(count);
  auto remaining = std::make_shared<size_t>(count);
  // Signalled (cancelled) when the last drive ends; it never expires.
  auto done = std::make_shared<boost::asio::steady_timer>(
      deps_.executor, std::chrono::steady_clock::time_point::max());
  for (size_t i = 0; i < count; ++i) {
    (*results)[i].run_id = unfinished.value()[i].id;
    boost::asio::co_spawn(
        deps_.executor,
        [this, i, results, remaining, done]() -> boost::asio::awaitable<void> {
          Resumed& resumed = (*results)[i];
          Result<RunSummary> summary = co_await Resume(resumed.run_id);
          if (summary.ok()) {
            resumed.run_status = summary.value().status;
          } else {
            resumed.status = summary.status();
          }
          if (--*remaining == 0) done->cancel();
        },
        boost::asio::detached);
  }
  // co_spawn may run a drive to its end before it returns (one that fails
  // before waiting on anything): then the timer was cancelled before this
  // wait began, and would never end it.
  if (*remaining > 0) {
    boost::system::error_code ignored;
    co_await done->async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  co_return std::move(*results);
}

std::optional<StartedBy> ParentOf(const RunRecord& run) {
  const std::string& key = run.idempotency_key;
  if (key.rfind(kChildRunKeyPrefix, 0) != 0) return std::nullopt;
  size_t slash = key.find('/', kChildRunKeyPrefix.size());
  if (slash == std::string::npos) return std::nullopt;
  return StartedBy{
      key.substr(kChildRunKeyPrefix.size(), slash - kChildRunKeyPrefix.size()),
      key.substr(slash + 1)};
}

std::optional<StartedBy> AskingParent(JournalStore& store,
                                      const RunRecord& run) {
  std::optional<StartedBy> parent = ParentOf(run);
  if (!parent.has_value()) return std::nullopt;
  Result<RunRecord> asking = store.GetRun(parent->run_id);
  if (asking.ok() && IsFinal(asking.value().status)) return std::nullopt;
  return parent;
}

std::string AnsweredThroughParent(const RunRecord& run,
                                  const StartedBy& parent) {
  return "run " + run.id + " asks its prompts through step '" + parent.step +
         "' of run " + parent.run_id + ": answer run " + parent.run_id;
}

boost::asio::awaitable<Result<RunSummary>> Runner::AnswerConfirmation(
    std::string run_id, Answer answer, std::string by, Drive drive) {
  return AnswerParkedRun(std::move(run_id), answer, std::move(by), drive,
                         AnswerFrom::kCaller);
}

boost::asio::awaitable<Result<RunSummary>> Runner::AnswerParkedRun(
    std::string run_id, Answer answer, std::string by, Drive drive,
    AnswerFrom from) {
  // The drive that parked the run may still be writing (and reporting to
  // on_event) its prompt: the answer comes after it, in the journal and in
  // what on_event sees.
  co_await AwaitFinishingDrive(run_id);
  co_await AwaitWrite(run_id);
  Result<RunRecord> record = deps_.store->GetRun(run_id);
  if (!record.ok()) co_return record.status();
  RunRecord& run = record.value();
  if (run.status != RunStatus::kAwaitingConfirmation) {
    co_return Status::Error(NotAwaitingConfirmation(run_id, run.status));
  }
  // Answered on its own, a child would go on while its parent still waits
  // on the prompt, and the parent's own answer would be journaled there
  // but never reach the child. (A parent that is over no longer asks: its
  // child, left parked, may be answered.)
  if (from == AnswerFrom::kCaller) {
    if (std::optional<StartedBy> parent = AskingParent(*deps_.store, run))
      co_return Status::Error(AnsweredThroughParent(run, *parent));
  }
  // The journal the drive that parked the run left, if it is still the
  // run's; else the store's, read before the answer is written, so that a
  // journal the store cannot read (damaged) refuses the answer rather than
  // leaving it written to a run that cannot go on.
  std::optional<KnownJournal> journal =
      parked_journals_.Take(run_id, run.last_sequence);
  if (!journal.has_value()) {
    Result<std::vector<Event>> read = deps_.store->ReadJournal(run_id);
    if (!read.ok()) co_return read.status();
    if (static_cast<int64_t>(read.value().size()) == run.last_sequence)
      journal = KnownJournal{std::move(read.value()), std::nullopt};
  }
  Event event;
  event.sequence = run.last_sequence + 1;
  event.type = event_type::kConfirmationAnswered;
  event.step = run.current_step;
  event.data = {{"answer", answer == Answer::kConfirm ? "confirm" : "reject"},
                {"by", by}};
  event.time_ms = deps_.clock();
  Status appended = co_await AppendOutsideDrive(run_id, run.last_sequence,
                                                event, RunStatus::kRunning);
  if (!appended.ok()) co_return appended;
  if (deps_.on_event) deps_.on_event(run, event);
  // The record as the answer left it, and the journal with the answer: the
  // drive need not read them again.
  run.status = RunStatus::kRunning;
  run.last_sequence = event.sequence;
  run.updated_ms = event.time_ms;
  if (journal.has_value()) journal->events.push_back(std::move(event));
  if (drive == Drive::kInBackground) {
    DriveInBackground(std::move(run), std::move(journal));
    co_return RunSummary{run_id, RunStatus::kRunning};
  }
  co_return co_await ResumeFrom(std::move(run), std::move(journal));
}

std::string Runner::ParkedChild(const RunRecord& run) {
  if (run.status != RunStatus::kAwaitingConfirmation) return "";
  Result<std::vector<Event>> journal = deps_.store->ReadJournal(run.id);
  if (!journal.ok()) return "";
  for (auto it = journal.value().rbegin(); it != journal.value().rend(); ++it) {
    if (it->type == event_type::kConfirmationRequested) {
      // Read with care: a damaged payload must not stop the cancel.
      auto child = it->data.find("child_run");
      return child != it->data.end() && child->is_string()
                 ? child->get<std::string>()
                 : "";
    }
  }
  return "";
}

boost::asio::awaitable<Status> Runner::AppendOutsideDrive(
    const std::string& run_id, int64_t expected, const Event& event,
    RunStatus status) {
  // The cancel's run_finished ends the run at no step.
  const std::string step =
      status == RunStatus::kCancelled ? std::string() : event.step;
  if (batcher_ == nullptr) {
    co_return AppendToStore(*deps_.store, run_id, expected, {event}, status,
                            step, event.time_ms);
  }
  AppendRequest request{run_id, expected, {event}, status, step,
                        event.time_ms};
  writing_.insert(run_id);
  // Leaves writing_ however the write ends, the coroutine destroyed with
  // its executor included.
  struct Written {
    std::set<std::string>& writing;
    const std::string& id;
    ~Written() { writing.erase(id); }
  } written{writing_, run_id};
  co_return co_await batcher_->Append(request);
}

boost::asio::awaitable<void> Runner::AwaitWrite(const std::string& run_id) {
  while (writing_.count(run_id) != 0) {
    // The write completes on this executor: let it run.
    co_await boost::asio::post(deps_.executor, boost::asio::use_awaitable);
  }
}

boost::asio::awaitable<bool> Runner::AwaitFinishingDrive(
    const std::string& run_id) {
  for (bool waited = false;; waited = true) {
    auto it = active_.find(run_id);
    if (it == active_.end() || !it->second->finishing) co_return waited;
    // Its last write completes on this executor: let it run.
    co_await boost::asio::post(deps_.executor, boost::asio::use_awaitable);
  }
}

boost::asio::awaitable<Status> Runner::Cancel(std::string run_id) {
  // A drive that is writing its last events no longer looks for a cancel:
  // once it is gone, the run is cancelled from the store below.
  co_await AwaitFinishingDrive(run_id);
  co_await AwaitWrite(run_id);
  if (auto it = active_.find(run_id); it != active_.end()) {
    it->second->RequestCancel();
    co_return Status::Ok();
  }
  Result<RunRecord> record = deps_.store->GetRun(run_id);
  if (!record.ok()) co_return record.status();
  const RunRecord& run = record.value();
  if (run.status == RunStatus::kCancelled) co_return Status::Ok();
  if (IsFinal(run.status)) {
    co_return Status::Error("run " + run_id + " cannot be cancelled: it has " +
                            RunStatusName(run.status));
  }
  Event event;
  event.sequence = run.last_sequence + 1;
  event.type = event_type::kRunFinished;
  event.data = {{"status", "cancelled"}};
  event.time_ms = deps_.clock();
  Status appended = co_await AppendOutsideDrive(run_id, run.last_sequence,
                                                event, RunStatus::kCancelled);
  if (!appended.ok()) co_return appended;
  parked_journals_.Forget(run_id);
  if (deps_.on_event) deps_.on_event(run, event);
  // A run parked on its child's prompt takes the child with it.
  std::string child = ParkedChild(run);
  if (!child.empty()) {
    Result<RunRecord> child_run = deps_.store->GetRun(child);
    if (child_run.ok() && !IsFinal(child_run.value().status)) {
      co_return co_await Cancel(child);
    }
  }
  co_return Status::Ok();
}

boost::asio::awaitable<Result<RunSummary>> Runner::DriveRun(
    RunRecord record, std::shared_ptr<const Workflow> workflow,
    std::optional<KnownJournal> known_journal) {
  const std::string id = record.id;
  // The drive that parked the run may still be writing its prompt when the
  // answer comes: this drive starts once it is gone, from where it left
  // the run.
  bool waited = co_await AwaitFinishingDrive(id);
  if (waited) {
    Result<RunRecord> fresh = deps_.store->GetRun(id);
    if (!fresh.ok()) co_return fresh.status();
    record = std::move(fresh.value());
  }
  if (active_.count(id) != 0) {
    co_return Status::Error("run " + id + " is already being driven");
  }
  // The parking drive's state holds for the journal it came with only.
  std::optional<ReplayedState> state;
  if (known_journal.has_value() && !waited)
    state = std::move(known_journal->state);
  Result<std::vector<Event>> journal =
      known_journal.has_value() && !waited
          ? Result<std::vector<Event>>(std::move(known_journal->events))
          : deps_.store->ReadJournal(id);
  if (!journal.ok()) co_return journal.status();
  // A record read before the journal grew is read again: a run created
  // for a drive in the background, cancelled before that drive began (the
  // drive is dispatched, so it begins at once when Start runs on the
  // executor, but a caller on another thread is not).
  if (static_cast<int64_t>(journal.value().size()) != record.last_sequence) {
    Result<RunRecord> fresh = deps_.store->GetRun(id);
    if (!fresh.ok()) co_return fresh.status();
    record = std::move(fresh.value());
    if (IsFinal(record.status)) co_return RunSummary{id, record.status};
  }
  ActiveRun active(deps_.executor);
  active.registry = &active_;
  active_.emplace(id, &active);
  // Removes the run from active_ however the drive ends, including when the
  // executor is destroyed with the coroutine suspended (a simulated crash),
  // unless the Runner is gone by then.
  struct Deregister {
    ActiveRun& run;
    const std::string& id;
    ~Deregister() {
      if (run.registry != nullptr) run.registry->erase(id);
    }
  } deregister{active, id};
  RunDriver driver(*this, deps_, std::move(record), std::move(workflow),
                   std::move(journal.value()), active, std::move(state));
  std::optional<Result<RunStatus>> driven;
  try {
    driven.emplace(co_await driver.Drive());
  } catch (const nlohmann::json::exception& e) {
    // A journaled payload that is JSON but not of the shape the engine
    // wrote (a database edited or damaged): the run stays where it is.
    co_return Status::Error("run " + id +
                            ": its journal is damaged: " + JsonErrorText(e));
  }
  Result<RunStatus>& status = *driven;
  if (!status.ok()) co_return status.status();
  if (status.value() == RunStatus::kAwaitingConfirmation) {
    std::optional<KnownJournal> written = driver.TakeWrittenJournal();
    if (written.has_value()) parked_journals_.Keep(id, std::move(*written));
  }
  co_return RunSummary{id, status.value()};
}

}  // namespace bssflow::engine
