#include "app/offline_run.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <random>
#include <set>
#include <utility>

#include "app/event_format.h"
#include "app/recording.h"
#include "dsl/json_value.h"
#include "engine/secrets.h"
#include "engine/store.h"

namespace bssflow::app {

namespace {

// Every connector name answers through the spec's function: which
// connectors a workflow reaches is the workflow's business, not the
// replay's. A call the function does not answer cancels its run through
// the Runner, as a cancel arriving while the call was under way would.
class OfflineConnector : public engine::Connector {
 public:
  using AnswerFunction =
      std::function<std::optional<engine::ActionOutcome>(const OfflineCall&)>;
  explicit OfflineConnector(const AnswerFunction& answer) : answer_(answer) {}

  /// The Runner the calls come from: made after its connectors.
  void set_runner(engine::Runner* runner) { runner_ = runner; }

  boost::asio::awaitable<engine::ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx) override {
    OfflineCall call{ctx.step_id, action, ctx.attempt,
                     dsl::ValueToJson(arguments)};
    std::optional<engine::ActionOutcome> outcome = answer_(call);
    if (outcome.has_value()) co_return std::move(*outcome);
    // The cancel reaches this call's own coroutine, which then ends without
    // having waited on anything: Asio would throw operation_aborted at its
    // next await, the one co_spawn makes to hand the outcome back.
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    Status cancelled = co_await runner_->Cancel(ctx.run_id);
    // The Runner drops what a cancelled call answers: this only says why,
    // should it ever be read.
    co_return engine::ActionOutcome::Failure(
        {"fatal", "cancelled",
         cancelled.ok() ? "the run was cancelled during the call"
                        : cancelled.message(),
         std::nullopt});
  }

 private:
  const AnswerFunction& answer_;
  engine::Runner* runner_ = nullptr;
};

// The connector names of every action the catalog and the workflow's call
// steps can name; "notify" is reached by notify steps.
std::set<std::string> ConnectorNames(const engine::ActionCatalog* actions,
                                     const engine::StepList& steps,
                                     std::set<std::string> names = {"notify"}) {
  auto add = [&names](const std::string& action) {
    names.insert(action.substr(0, action.find('.')));
  };
  if (actions != nullptr) {
    for (const std::string& action : actions->Names()) add(action);
  }
  for (const engine::Step& step : steps) {
    if (step.kind == engine::StepKind::kCall) add(step.target);
    for (const engine::Branch& branch : step.branches)
      names = ConnectorNames(nullptr, branch.steps, std::move(names));
    names = ConnectorNames(nullptr, step.reject_steps, std::move(names));
    names = ConnectorNames(nullptr, step.on_error, std::move(names));
  }
  return names;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Drives the run until it finishes or a prompt is left unanswered.
boost::asio::awaitable<Result<std::string>> Drive(engine::Runner& runner,
                                                  engine::JournalStore& store,
                                                  const OfflineRunSpec& spec) {
  Result<engine::RunSummary> run = co_await runner.Start(
      spec.workflow, spec.definition, spec.inputs, "");
  if (!run.ok()) co_return run.status();
  const std::string run_id = run.value().run_id;
  while (run.value().status == engine::RunStatus::kAwaitingConfirmation &&
         spec.answer_prompt) {
    Result<engine::RunRecord> record = store.GetRun(run_id);
    if (!record.ok()) co_return record.status();
    Result<std::optional<engine::Event>> prompt = store.ReadLastEvent(
        run_id, engine::event_type::kConfirmationRequested);
    if (!prompt.ok()) co_return prompt.status();
    nlohmann::json message;
    if (prompt.value().has_value())
      message = prompt.value()->data.value("message", nlohmann::json());
    std::optional<PromptAnswer> answer =
        spec.answer_prompt(record.value().current_step, MaskSealed(message));
    if (!answer.has_value()) break;
    if (answer->cancel) {
      Status cancelled = co_await runner.Cancel(run_id);
      if (!cancelled.ok()) co_return cancelled;
      break;
    }
    run = co_await runner.AnswerConfirmation(run_id, answer->answer,
                                             answer->by);
    if (!run.ok()) co_return run.status();
  }
  co_return run_id;
}

}  // namespace

Result<OfflineRunResult> RunOffline(const OfflineRunSpec& spec) {
  if (spec.workflow == nullptr || !spec.answer_call)
    return Status::Error("an offline run needs a workflow and its answers");
  Result<engine::SecretKey> key = engine::SecretKey::Ephemeral();
  if (!key.ok()) return key.status();
  const engine::SecretBox secrets(key.value());
  std::unique_ptr<engine::JournalStore> store = engine::MakeMemoryStore();
  auto connectors = std::make_shared<engine::ConnectorSet>();
  auto connector = std::make_shared<OfflineConnector>(spec.answer_call);
  std::set<std::string> names =
      ConnectorNames(spec.actions, spec.workflow->steps);
  names = ConnectorNames(nullptr, spec.workflow->on_error, std::move(names));
  for (const std::string& name : names) {
    if (Status added = connectors->Add(name, connector); !added.ok())
      return added;
  }

  boost::asio::io_context io;
  // Seeded from the run id when there is one, so that replaying the same
  // recording draws the same idempotency keys (a recording rewritten by
  // --update changes only where the run changed).
  std::mt19937_64 random{spec.run_id.empty()
                             ? std::random_device{}()
                             : std::hash<std::string>{}(spec.run_id)};
  const int64_t start_ms = spec.start_ms != 0 ? spec.start_ms : NowMs();
  bool id_given = false;
  engine::RunnerDependencies deps;
  deps.store = store.get();
  deps.connectors = connectors.get();
  deps.actions = spec.actions;
  deps.secrets = &secrets;
  deps.clock = [start_ms] { return start_ms; };
  deps.random = [&random] { return random(); };
  deps.executor = io.get_executor();
  deps.skip_waits = true;
  if (!spec.run_id.empty()) {
    // The recorded id for the run itself; runs it starts get fresh ones.
    deps.new_run_id = [&] {
      if (id_given) return engine::NewUuid(deps.random);
      id_given = true;
      return spec.run_id;
    };
  }
  deps.step_time = [&spec, start_ms](const std::string& step) {
    auto it = spec.step_times.find(step);
    return it == spec.step_times.end() ? start_ms : it->second;
  };
  // The runs `workflow` steps start would need recordings of their own to
  // answer from: an offline run stops at such a step, and says so.
  std::optional<std::string> workflow_step;
  deps.find_workflow = [&workflow_step](const std::string& name) {
    workflow_step = name;
    return engine::NamedWorkflow{};
  };
  engine::Runner runner(deps);
  connector->set_runner(&runner);

  std::optional<Result<std::string>> driven;
  std::exception_ptr failure;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        Result<std::string> run_id = co_await Drive(runner, *store, spec);
        driven.emplace(std::move(run_id));
      },
      [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  if (!driven.has_value())
    return Status::Error("the offline run did not finish");
  if (!driven->ok() && workflow_step.has_value()) {
    return Status::Error(
        "the run reaches a `workflow` step (it runs workflow '" +
        *workflow_step +
        "'), which an offline run cannot run: the run such a step starts "
        "has a recording of its own (bssflow export RUN)");
  }
  if (!driven->ok()) return driven->status();
  Result<nlohmann::json> recording = RecordRun(*store, driven->value());
  if (!recording.ok()) return recording.status();
  Result<engine::RunRecord> record = store->GetRun(driven->value());
  if (!record.ok()) return record.status();
  return OfflineRunResult{record.value().status,
                          std::move(recording.value())};
}

}  // namespace bssflow::app
