// The runner's test fixture (runner_test.cc, runner_workflow_test.cc): a
// Runner over a memory store and a FakeConnector on a test-owned
// io_context, with a clock the test moves and a library of workflows for
// `workflow` steps. MakeRunner() replaces the executor and the Runner, as a
// crash and a restart would.
#ifndef BSSFLOW_ENGINE_TESTING_RUNNER_FIXTURE_H_
#define BSSFLOW_ENGINE_TESTING_RUNNER_FIXTURE_H_

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/json_value.h"
#include "dsl/testing/shipped_data.h"
#include "engine/loader.h"
#include "engine/runner.h"
#include "engine/testing/fake_connector.h"

namespace bssflow::engine::testing {

inline dsl::Value J(const char* json) {
  return dsl::ValueFromJson(nlohmann::json::parse(json)).value();
}

inline std::string Json(const dsl::Value& v) { return dsl::ValueToJson(v).dump(); }

class RunnerFixture : public ::testing::Test {
 protected:
  RunnerFixture() {
    context_.functions = dsl::testing::ShippedRegistry();
    EXPECT_TRUE(catalog_
                    .Add({"partner_center.create_customer",
                          {{"domain", true, ""}},
                          {"credentials.password"},
                          ""})
                    .ok());
    store_ = MakeMemoryStore();
    fake_ = std::make_shared<FakeConnector>();
    for (const char* name : {"bss", "partner_center", "notify"})
      EXPECT_TRUE(connectors_.Add(name, fake_).ok());
    MakeRunner();
  }

  // A fresh engine on the same store: a new executor and a new Runner, as
  // after a restart. The old executor is destroyed first, with whatever
  // coroutines were suspended on it (a crash).
  void MakeRunner(const SecretBox* secrets = nullptr) {
    io_.reset();
    runner_.reset();
    io_ = std::make_unique<boost::asio::io_context>();
    runner_ = std::make_unique<Runner>(Dependencies(secrets));
  }

  // What MakeRunner gives its Runner: the test's store, connectors, clock
  // and executor. A test may make a second Runner with them (another
  // process on the same store).
  RunnerDependencies Dependencies(const SecretBox* secrets = nullptr) {
    RunnerDependencies deps;
    deps.store = store_.get();
    deps.connectors = &connectors_;
    deps.actions = &catalog_;
    deps.secrets = secrets;
    deps.clock = [this] { return now_ms_; };
    deps.random = [this] { return ++draws_ * 0x9E3779B97F4A7C15ull; };
    deps.executor = io_->get_executor();
    deps.workflows = [this](const std::string&, const std::string&,
                            const std::string& text) {
      return LoadWorkflow("wf.yaml", text, context_).workflow;
    };
    deps.on_event = on_event_;
    deps.find_workflow = [this](const std::string& name) {
      auto it = library_.find(name);
      return it == library_.end() ? NamedWorkflow() : it->second;
    };
    return deps;
  }

  std::shared_ptr<const Workflow> Load(const std::string& yaml) {
    LoadResult result = LoadWorkflow("wf.yaml", yaml, context_);
    EXPECT_TRUE(result.ok())
        << dsl::RenderAll(result.source, result.diagnostics);
    text_ = yaml;
    return result.workflow;
  }

  // Runs `op` on the test's io_context until nothing is left to do.
  template <typename T>
  T Await(boost::asio::awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(
        *io_,
        [&out, op = std::move(op)]() mutable -> boost::asio::awaitable<void> {
          out.emplace(co_await std::move(op));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_->run();
    io_->restart();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  // Runs `op` until it completes, then what is ready without waiting: for
  // when another run stays suspended (a hanging call).
  template <typename T>
  T AwaitBeside(boost::asio::awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(
        *io_,
        [&out, op = std::move(op)]() mutable -> boost::asio::awaitable<void> {
          out.emplace(co_await std::move(op));
        },
        boost::asio::detached);
    while (!out.has_value() && io_->run_one() > 0) {
    }
    io_->poll();
    io_->restart();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  RunSummary Start(const std::string& yaml,
                   nlohmann::json inputs = nlohmann::json::object(),
                   const std::string& key = "") {
    auto workflow = Load(yaml);
    Result<RunSummary> run =
        Await(runner_->Start(workflow, text_, std::move(inputs), key));
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run.ok() ? run.value() : RunSummary();
  }

  RunSummary Answer(const std::string& id, engine::Answer answer) {
    Result<RunSummary> run =
        Await(runner_->AnswerConfirmation(id, answer, "alice"));
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run.ok() ? run.value() : RunSummary();
  }

  std::vector<Event> Journal(const std::string& id) {
    return store_->ReadJournal(id).value();
  }

  // "type step" of each event, in order.
  std::vector<std::string> Types(const std::string& id) {
    std::vector<std::string> types;
    for (const Event& e : Journal(id))
      types.push_back(e.step.empty() ? e.type : e.type + " " + e.step);
    return types;
  }

  /// Makes `yaml` the current version of its workflow for `workflow` steps.
  void AddToLibrary(const std::string& yaml) {
    LoadResult result = LoadWorkflow("lib.yaml", yaml, context_);
    ASSERT_TRUE(result.ok())
        << dsl::RenderAll(result.source, result.diagnostics);
    library_[result.workflow->name] = {result.workflow, yaml};
  }

  const Event& Last(const std::string& id) {
    journal_ = Journal(id);
    return journal_.back();
  }

  LoaderContext context_;
  ActionCatalog catalog_;
  std::unique_ptr<JournalStore> store_;
  std::shared_ptr<FakeConnector> fake_;
  ConnectorSet connectors_;
  uint64_t draws_ = 0;
  /// What the engine's clock says, in ms since the epoch.
  int64_t now_ms_ = 1700000000000;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::string text_;
  std::vector<Event> journal_;
  std::map<std::string, NamedWorkflow> library_;
  /// Given to the next MakeRunner() as RunnerDependencies::on_event.
  std::function<void(const RunRecord&, const Event&)> on_event_;
};

}  // namespace bssflow::engine::testing

#endif  // BSSFLOW_ENGINE_TESTING_RUNNER_FIXTURE_H_
