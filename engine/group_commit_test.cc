// Group commit: runs driven at once on a store that groups commits share
// their writes (WriteBatcher), and nothing of what each run journals, or
// when, changes.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>

#include "engine/store.h"
#include "engine/testing/counting_store.h"
#include "engine/testing/runner_fixture.h"

namespace bssflow::engine {
namespace {

using testing::CountingStore;
using testing::FakeConnector;
using testing::J;

class GroupCommitTest : public testing::CountingSqliteFixture {
 protected:
  GroupCommitTest() : CountingSqliteFixture("group_commit_") {}
};

constexpr const char* kTwoCalls = R"(workflow: test.two_calls
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: names
    set:
      domain: "${ steps.account.prefix }.onmicrosoft.com"
  - id: create
    call: partner_center.create_customer
    with: {domain: "${ vars.domain }"}
outputs:
  domain: "${ vars.domain }"
)";

constexpr const char* kAsk = R"(workflow: test.ask
steps:
  - id: ask
    confirm:
      message: Go on?
  - id: after
    set:
      done: true
outputs:
  done: "${ vars.done }"
)";

TEST_F(GroupCommitTest, RunsDrivenAtOnceShareTheirCommits) {
  constexpr int kRuns = 20;
  std::vector<FakeConnector::Reply> accounts, creates;
  for (int i = 0; i < kRuns; ++i) {
    accounts.push_back(FakeConnector::Ok(J(R"({"prefix": "contoso"})")));
    creates.push_back(FakeConnector::Ok(J(R"({"tenant_id": "t"})")));
  }
  fake_->Script("bss.get_account", accounts);
  fake_->Script("partner_center.create_customer", creates);
  auto workflow = Load(kTwoCalls);
  std::vector<Result<RunSummary>> runs;
  for (int i = 0; i < kRuns; ++i) {
    boost::asio::co_spawn(
        *io_,
        [&, i]() -> boost::asio::awaitable<void> {
          // Named locals, not temporaries in the co_await expression (GCC 12).
          auto start = runner_->Start(workflow, text_, {{"account_id", i}},
                                      std::string());
          Result<RunSummary> run = co_await std::move(start);
          runs.push_back(std::move(run));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
  }
  io_->run();
  ASSERT_EQ(runs.size(), static_cast<size_t>(kRuns));
  for (const Result<RunSummary>& run : runs) {
    ASSERT_TRUE(run.ok()) << run.status().message();
    EXPECT_EQ(run.value().status, RunStatus::kSucceeded);
    EXPECT_EQ(Types(run.value().run_id),
              (std::vector<std::string>{
                  "run_started", "step_started account", "call_sent account",
                  "call_succeeded account", "step_succeeded account",
                  "step_started names", "variables_set names",
                  "step_succeeded names", "step_started create",
                  "call_sent create", "call_succeeded create",
                  "step_succeeded create", "run_finished"}));
  }
  // Four writes per run (its creation, up to each call sent, the end),
  // and every run's write of each of them in one batch.
  EXPECT_EQ(counting_->creates, kRuns);
  EXPECT_EQ(counting_->requests, 3 * kRuns);
  EXPECT_EQ(counting_->batches, 4);
  EXPECT_EQ(counting_->appends, 0);
}

TEST_F(GroupCommitTest, EveryCallIsDurableBeforeItIsSent) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"prefix": "contoso"})"))});
  fake_->Script("partner_center.create_customer",
                {FakeConnector::Ok(J(R"({"tenant_id": "t"})"))});
  // The connector looks at the store when each call arrives.
  std::vector<std::string> last_event_at_call;
  fake_->on_call = [&](const FakeConnector::RecordedCall& call) {
    last_event_at_call.push_back(
        store_->ReadJournal(call.ctx.run_id).value().back().type + " " +
        store_->ReadJournal(call.ctx.run_id).value().back().step);
  };
  RunSummary run = Start(kTwoCalls, {{"account_id", 7}});
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(last_event_at_call,
            (std::vector<std::string>{"call_sent account", "call_sent create"}));
}

// Starts a run of kAsk driven in the background, then, on the same
// executor, does `act` with the run the moment the store says it waits:
// which is before the drive that parked it is gone (it is still writing).
template <typename Act>
void ActWhenParked(boost::asio::io_context& io,
                   Runner& runner, JournalStore& store,
                   std::shared_ptr<const Workflow> workflow,
                   const std::string& text, std::string& id, Act act) {
  boost::asio::co_spawn(
      io,
      [&, workflow]() -> boost::asio::awaitable<void> {
        auto start = runner.Start(workflow, text, nlohmann::json::object(),
                                  std::string(), Drive::kInBackground);
        Result<RunSummary> started = co_await std::move(start);
        if (!started.ok()) co_return;
        id = started.value().run_id;
        while (store.GetRun(id).value().status !=
               RunStatus::kAwaitingConfirmation) {
          co_await boost::asio::post(io, boost::asio::use_awaitable);
        }
        // The drive that parked the run is still there.
        EXPECT_EQ(runner.active_runs(), 1u);
        co_await act(id);
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
}

TEST_F(GroupCommitTest, AnAnswerWhileTheParkingDriveWritesItsPromptIsKept) {
  // What on_event sees, in order: the journal's order (the BSS's callbacks
  // and the logs follow it).
  std::vector<int64_t> seen;
  on_event_ = [&seen](const RunRecord&, const Event& event) {
    seen.push_back(event.sequence);
  };
  MakeRunner();
  std::string id;
  Result<RunSummary> answered = Status::Error("not answered");
  ActWhenParked(*io_, *runner_, *store_, Load(kAsk), text_, id,
                [&](const std::string& run) -> boost::asio::awaitable<void> {
                  auto answer = runner_->AnswerConfirmation(
                      run, Answer::kConfirm, std::string("alice"));
                  answered = co_await std::move(answer);
                });
  ASSERT_TRUE(answered.ok()) << answered.status().message();
  EXPECT_EQ(answered.value().status, RunStatus::kSucceeded);
  EXPECT_EQ(Types(id), (std::vector<std::string>{
                           "run_started", "step_started ask",
                           "confirmation_requested ask",
                           "confirmation_answered ask", "step_succeeded ask",
                           "step_started after", "variables_set after",
                           "step_succeeded after", "run_finished"}));
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(GroupCommitTest, ACancelWhileTheParkingDriveWritesItsPromptIsKept) {
  std::string id;
  Status cancelled = Status::Error("not cancelled");
  ActWhenParked(*io_, *runner_, *store_, Load(kAsk), text_, id,
                [&](const std::string& run) -> boost::asio::awaitable<void> {
                  auto cancel = runner_->Cancel(run);
                  cancelled = co_await std::move(cancel);
                });
  EXPECT_TRUE(cancelled.ok()) << cancelled.message();
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kCancelled);
  EXPECT_EQ(Last(id).type, event_type::kRunFinished);
}

// Spawns `op` on `io`, its result into `out`.
template <typename T>
void Spawn(boost::asio::io_context& io, boost::asio::awaitable<T> op,
           std::optional<T>& out) {
  boost::asio::co_spawn(
      io,
      [&out, op = std::move(op)]() mutable -> boost::asio::awaitable<void> {
        out.emplace(co_await std::move(op));
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
}

TEST_F(GroupCommitTest, AnswersAtOnceShareACommit) {
  constexpr int kRuns = 10;
  std::vector<std::string> ids;
  for (int i = 0; i < kRuns; ++i) ids.push_back(Start(kAsk, {}).run_id);
  counting_->batch_sizes.clear();
  std::vector<std::optional<Result<RunSummary>>> answers(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    Spawn(*io_,
          runner_->AnswerConfirmation(ids[i], Answer::kConfirm, "alice",
                                      Drive::kInBackground),
          answers[i]);
  }
  io_->run();
  io_->restart();
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_TRUE(answers[i].has_value() && answers[i]->ok());
    EXPECT_EQ(store_->GetRun(ids[i]).value().status, RunStatus::kSucceeded);
  }
  // The ten answers in one batch; then the ten drives' ends in another.
  EXPECT_EQ(counting_->batch_sizes, (std::vector<size_t>{kRuns, kRuns}));
  EXPECT_EQ(counting_->appends, 0);
}

TEST_F(GroupCommitTest, ASecondAnswerWhileTheFirstIsWrittenIsRefused) {
  const std::string id = Start(kAsk, {}).run_id;
  std::optional<Result<RunSummary>> first, second;
  Spawn(*io_,
        runner_->AnswerConfirmation(id, Answer::kConfirm, "alice",
                                    Drive::kInBackground),
        first);
  Spawn(*io_,
        runner_->AnswerConfirmation(id, Answer::kReject, "bob",
                                    Drive::kInBackground),
        second);
  io_->run();
  io_->restart();
  ASSERT_TRUE(first.has_value() && first->ok());
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(second->ok());
  EXPECT_EQ(second->status().message(),
            "run " + id +
                " is not waiting for a confirmation (it is running)");
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kSucceeded);
  std::vector<std::string> types = Types(id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "confirmation_answered ask"),
            1);
}

TEST_F(GroupCommitTest, ACancelWhileAnAnswerIsWrittenComesAfterIt) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"prefix": "contoso"})"))});
  // The drive the answer starts commits before its call, and the cancel
  // finds it there.
  const std::string id = Start(R"(workflow: test.ask_then_call
steps:
  - id: ask
    confirm:
      message: Go on?
  - id: account
    call: bss.get_account
)",
                               {})
                             .run_id;
  std::optional<Result<RunSummary>> answered;
  std::optional<Status> cancelled;
  Spawn(*io_,
        runner_->AnswerConfirmation(id, Answer::kConfirm, "alice",
                                    Drive::kInBackground),
        answered);
  Spawn(*io_, runner_->Cancel(id), cancelled);
  io_->run();
  io_->restart();
  ASSERT_TRUE(answered.has_value() && answered->ok());
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_TRUE(cancelled->ok()) << cancelled->message();
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kCancelled);
  EXPECT_EQ(Types(id), (std::vector<std::string>{
                           "run_started", "step_started ask",
                           "confirmation_requested ask",
                           "confirmation_answered ask", "step_succeeded ask",
                           "step_started account", "call_sent account",
                           "run_finished"}));
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 0);
}

}  // namespace
}  // namespace bssflow::engine
