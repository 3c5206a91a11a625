#include "engine/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/json_value.h"
#include "dsl/testing/shipped_data.h"
#include "engine/loader.h"
#include "engine/testing/fake_connector.h"
#include "engine/testing/runner_fixture.h"

namespace bssflow::engine {
namespace {

using testing::FakeConnector;

class RunnerTest : public testing::RunnerFixture {
 protected:
  // A new Runner that seals secrets with a fixed key.
  void SealSecrets() {
    box_.emplace(
        SecretKey::FromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            .value());
    MakeRunner(&*box_);
  }

  // SealSecrets, and partner_center.create_customer scripted to create
  // tenant t-1 with the password "p@ss" (a secret field).
  void SealSecretsAndScriptCreate() {
    SealSecrets();
    fake_->Script(
        "partner_center.create_customer",
        {testing::FakeConnector::Ok(testing::J(
            R"({"tenant_id": "t-1", "credentials": {"password": "p@ss"}})"))});
  }

  std::optional<SecretBox> box_;
};
using testing::J;
using testing::Json;

constexpr const char* kLinear = R"(workflow: test.linear
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: names
    set:
      domain: "${ steps.account.prefix }.onmicrosoft.com"
  - id: prerequisites
    check:
      - that: steps.account.phone != ""
        message: "Account ${ steps.account.name } has no phone."
  - id: create
    call: partner_center.create_customer
    with: {domain: "${ vars.domain }"}
outputs:
  domain: "${ vars.domain }"
  tenant: "${ steps.create.tenant_id }"
)";

TEST_F(RunnerTest, LinearRunSucceedsWithTheExpectedJournal) {
  fake_->Script(
      "bss.get_account",
      {FakeConnector::Ok(
          J(R"({"name": "Contoso", "prefix": "contoso", "phone": "+1"})"))});
  fake_->Script("partner_center.create_customer",
                {FakeConnector::Ok(J(R"({"tenant_id": "t-1"})"))});
  RunSummary run = Start(kLinear, {{"account_id", 7}});
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(
      Types(run.run_id),
      (std::vector<std::string>{
          "run_started", "step_started account", "call_sent account",
          "call_succeeded account", "step_succeeded account",
          "step_started names", "variables_set names", "step_succeeded names",
          "step_started prerequisites", "step_succeeded prerequisites",
          "step_started create", "call_sent create", "call_succeeded create",
          "step_succeeded create", "run_finished"}));
  EXPECT_EQ(Last(run.run_id).data.dump(),
            R"({"outputs":{"domain":"contoso.onmicrosoft.com","tenant":"t-1"},)"
            R"("status":"succeeded"})");
  ASSERT_EQ(fake_->calls().size(), 2u);
  EXPECT_EQ(Json(fake_->calls()[0].arguments), R"({"id":7})");
  EXPECT_EQ(Json(fake_->calls()[1].arguments),
            R"({"domain":"contoso.onmicrosoft.com"})");
  EXPECT_EQ(fake_->calls()[0].ctx.run_id, run.run_id);
  EXPECT_EQ(fake_->calls()[0].ctx.step_id, "account");
  EXPECT_NE(fake_->calls()[0].ctx.idempotency_key,
            fake_->calls()[1].ctx.idempotency_key);
  EXPECT_EQ(store_->GetRun(run.run_id).value().status, RunStatus::kSucceeded);
  EXPECT_EQ(runner_->active_runs(), 0u);
}

TEST_F(RunnerTest, InputsAreChecked) {
  auto workflow = Load(kLinear);
  Result<RunSummary> run =
      Await(runner_->Start(workflow, text_, {{"acount_id", 7}}, ""));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "workflow test.linear has no input 'acount_id'; did you mean "
            "'account_id'?");
  run = Await(runner_->Start(workflow, text_, {{"account_id", "7"}}, ""));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "input 'account_id' must be int, got string");
  nlohmann::json deep = nlohmann::json::array();
  for (int level = 1; level <= dsl::kMaxDataDepth; ++level)
    deep = nlohmann::json::array({deep});  // 101 levels in all
  run = Await(runner_->Start(workflow, text_, {{"account_id", deep}}, ""));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "input 'account_id': data nests deeper than 100 levels");
  EXPECT_EQ(fake_->calls().size(), 0u);
}

// JSON writes 2 for 2.0 and 3 for 3u, and some writers 7.0 for 7: a number
// given for a double, uint or int input reads as one of its kind.
TEST_F(RunnerTest, WholeNumbersForDoubleUintAndIntInputsTakeTheirKinds) {
  RunSummary run = Start(R"(workflow: test.kinds
inputs: {d: double, u: uint, n: int}
steps:
  - id: a
    set:
      scaled: "${ inputs.d * 1.5 }"
      next: "${ inputs.u + 1u }"
      sum: "${ inputs.n + 1 }"
      kinds: "${ [type(inputs.d), type(inputs.u), type(inputs.n)] }"
outputs:
  scaled: "${ vars.scaled }"
  next: "${ vars.next }"
  sum: "${ vars.sum }"
  kinds: "${ vars.kinds }"
)",
                         {{"d", 2}, {"u", 3}, {"n", 7.0}});
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(Last(run.run_id).data["outputs"].dump(),
            R"({"kinds":["double","uint","int"],"next":4,"scaled":3.0,)"
            R"("sum":8})");
  Result<RunSummary> refused =
      Await(runner_->Start(Load(R"(workflow: test.kinds2
inputs: {n: int}
steps: [{id: a, set: {x: 1}}]
)"),
                           text_, {{"n", 7.5}}, ""));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "input 'n' must be int, got double");
}

constexpr const char* kRetry = R"(workflow: test.retry
steps:
  - id: account
    call: bss.get_account
    retry: {attempts: 3, backoff: 1ms, max_backoff: 1ms}
)";

TEST_F(RunnerTest, RetriesWithTheSameIdempotencyKey) {
  fake_->Script("bss.get_account",
                {FakeConnector::Fail("retryable", "503", "busy"),
                 FakeConnector::Fail("throttled", "429", "slow down"),
                 FakeConnector::Ok(J(R"({"ok": true})"))});
  RunSummary run = Start(kRetry);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->calls().size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(fake_->calls()[i].ctx.attempt, i + 1);
    EXPECT_EQ(fake_->calls()[i].ctx.idempotency_key,
              fake_->calls()[0].ctx.idempotency_key);
  }
  EXPECT_EQ(
      Types(run.run_id),
      (std::vector<std::string>{"run_started", "step_started account",
                                "call_sent account", "call_failed account",
                                "call_sent account", "call_failed account",
                                "call_sent account", "call_succeeded account",
                                "step_succeeded account", "run_finished"}));
  EXPECT_EQ(Journal(run.run_id)[3].data.dump(),
            R"({"attempt":1,"error":{"code":"503","kind":"retryable",)"
            R"("message":"busy"}})");
}

// The journal of kRetry's run when its one call fails and is not retried.
const std::vector<std::string> kFailedOnFirstCall = {
    "run_started",         "step_started account", "call_sent account",
    "call_failed account", "step_failed account",  "run_finished"};

TEST_F(RunnerTest, NoRetryOnInvalid) {
  fake_->Script("bss.get_account",
                {FakeConnector::Fail("invalid", "400", "bad id")});
  RunSummary run = Start(kRetry);
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  EXPECT_EQ(Types(run.run_id), kFailedOnFirstCall);
  EXPECT_EQ(Last(run.run_id).data.dump(),
            R"({"error":{"code":"400","kind":"invalid","message":"bad id",)"
            R"("step":"account"},"status":"failed"})");
}

TEST_F(RunnerTest, RetriesRunOut) {
  fake_->Script("bss.get_account", {FakeConnector::Fail("retryable", "503")});
  RunSummary run = Start(kRetry);
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 3);
}

TEST_F(RunnerTest, TimeoutCancelsTheCall) {
  fake_->Script("bss.get_account",
                {FakeConnector::Delayed(std::chrono::hours(1), J("{}"))});
  RunSummary run = Start(R"(workflow: test.timeout
steps:
  - id: account
    call: bss.get_account
    timeout: 1ms
)");
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->cancelled(), 1);
  EXPECT_EQ(
      Last(run.run_id).data["error"].dump(),
      R"({"code":"timeout","kind":"timeout","message":)"
      R"("'bss.get_account' did not answer within 1ms","step":"account"})");
}

TEST_F(RunnerTest, CheckFailuresAreReportedTogether) {
  RunSummary run = Start(R"(workflow: test.check
inputs:
  name: string
steps:
  - id: prerequisites
    check:
      - that: size(inputs.name) > 10
        message: "${ inputs.name } is too short."
      - that: inputs.name != "x"
        message: "fine"
      - that: inputs.name.startsWith("Z")
        message: "${ inputs.name } must start with Z."
)",
                         {{"name", "Contoso"}});
  EXPECT_EQ(run.status, RunStatus::kFailed);
  std::vector<Event> journal = Journal(run.run_id);
  ASSERT_EQ(journal.size(), 5u);
  EXPECT_EQ(journal[2].type, "check_failed");
  EXPECT_EQ(
      journal[2].data.dump(),
      R"({"messages":["Contoso is too short.","Contoso must start with Z."]})");
  EXPECT_EQ(journal[3].type, "step_failed");
  EXPECT_EQ(journal[4].data["error"].dump(),
            R"({"code":"check","kind":"check_failed","message":)"
            R"("Contoso is too short.\nContoso must start with Z.",)"
            R"("step":"prerequisites"})");
}

constexpr const char* kSwitch = R"(workflow: test.switch
inputs:
  exists: bool
steps:
  - id: route
    switch:
      - if: inputs.exists
        steps:
          - id: link
            call: bss.link
      - else:
        steps:
          - id: create
            call: partner_center.create_customer
            with: {domain: x}
  - id: after
    call: bss.after
)";

TEST_F(RunnerTest, SwitchTakesTheFirstMatchingBranch) {
  fake_->Script("bss.link", {FakeConnector::Ok(J("{}"))});
  fake_->Script("bss.after", {FakeConnector::Ok(J("{}"))});
  fake_->Script("partner_center.create_customer",
                {FakeConnector::Ok(J(R"({"tenant_id": "t"})"))});
  RunSummary run = Start(kSwitch, {{"exists", false}});
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 0);
  EXPECT_EQ(fake_->CallCount("partner_center.create_customer"), 1);
  EXPECT_EQ(fake_->CallCount("bss.after"), 1);
  std::vector<Event> journal = Journal(run.run_id);
  EXPECT_EQ(journal[1].type, "step_started");
  EXPECT_EQ(journal[1].data.dump(), R"({"branch":1})");
  EXPECT_EQ(Types(run.run_id)[6], "step_succeeded route");

  RunSummary linked = Start(kSwitch, {{"exists", true}});
  EXPECT_EQ(linked.status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 1);
  EXPECT_EQ(Journal(linked.run_id)[1].data.dump(), R"({"branch":0})");
}

constexpr const char* kConfirm = R"(workflow: test.confirm
inputs:
  domain: string
steps:
  - id: ask
    confirm:
      message: "Link to ${ inputs.domain }?"
      on_reject: %s
  - id: link
    call: bss.link
)";

std::string ConfirmWorkflow(const std::string& on_reject) {
  std::string text = kConfirm;
  text.replace(text.find("%s"), 2, on_reject);
  return text;
}

TEST_F(RunnerTest, ConfirmParksAndAnswerConfirmFinishes) {
  fake_->Script("bss.link", {FakeConnector::Ok(J(R"({"linked": true})"))});
  RunSummary run = Start(ConfirmWorkflow("end"), {{"domain", "contoso.com"}});
  // Parked: the drive ended (Await ran the io_context dry), nothing active.
  EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(runner_->active_runs(), 0u);
  EXPECT_EQ(io_->poll(), 0u);
  io_->restart();
  RunRecord record = store_->GetRun(run.run_id).value();
  EXPECT_EQ(record.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(record.current_step, "ask");
  EXPECT_EQ(Last(run.run_id).data.dump(),
            R"({"message":"Link to contoso.com?"})");

  RunSummary answered = Answer(run.run_id, Answer::kConfirm);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 1);
  EXPECT_EQ(Types(run.run_id),
            (std::vector<std::string>{
                "run_started", "step_started ask", "confirmation_requested ask",
                "confirmation_answered ask", "step_succeeded ask",
                "step_started link", "call_sent link", "call_succeeded link",
                "step_succeeded link", "run_finished"}));
  EXPECT_EQ(Journal(run.run_id)[3].data.dump(),
            R"({"answer":"confirm","by":"alice"})");

  Result<RunSummary> again =
      Await(runner_->AnswerConfirmation(run.run_id, Answer::kConfirm, "bob"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(),
            "run " + run.run_id +
                " is not waiting for a confirmation (it has succeeded)");
}

// Runs the io_context only until `op` completes.
template <typename T>
T AwaitOnly(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  std::optional<T> out;
  boost::asio::co_spawn(
      io,
      [&out, op = std::move(op)]() mutable -> boost::asio::awaitable<void> {
        out.emplace(co_await std::move(op));
      },
      boost::asio::detached);
  while (!out.has_value() && io.run_one() > 0) {
  }
  return std::move(*out);
}

TEST_F(RunnerTest, InBackgroundReturnsOnceRecordedAndDrivesOn) {
  fake_->Script("bss.link", {FakeConnector::Ok(J(R"({"linked": true})"))});
  auto workflow = Load(ConfirmWorkflow("end"));
  Result<RunSummary> started = AwaitOnly(
      *io_, runner_->Start(workflow, text_, {{"domain", "c.com"}}, "key-1",
                           Drive::kInBackground, "http://bss.example/hook"));
  ASSERT_TRUE(started.ok()) << started.status().message();
  const std::string id = started.value().run_id;
  EXPECT_EQ(started.value().status, RunStatus::kPending);
  EXPECT_EQ(store_->GetRun(id).value().callback_url,
            "http://bss.example/hook");
  // The record as created comes with it (an API answers with it).
  ASSERT_TRUE(started.value().start.has_value());
  const CreatedRun& made = *started.value().start;
  EXPECT_TRUE(made.created);
  EXPECT_EQ(made.run.id, id);
  EXPECT_EQ(made.run.status, RunStatus::kPending);
  EXPECT_EQ(made.run.idempotency_key, "key-1");
  EXPECT_EQ(made.run.callback_url, "http://bss.example/hook");
  EXPECT_EQ(made.run.inputs.dump(), R"({"domain":"c.com"})");
  io_->run();
  io_->restart();
  EXPECT_EQ(store_->GetRun(id).value().status,
            RunStatus::kAwaitingConfirmation);

  Result<RunSummary> answered =
      AwaitOnly(*io_, runner_->AnswerConfirmation(id, Answer::kConfirm, "bss",
                                                  Drive::kInBackground));
  ASSERT_TRUE(answered.ok()) << answered.status().message();
  EXPECT_EQ(answered.value().status, RunStatus::kRunning);
  io_->run();
  io_->restart();
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 1);

  // The same key again: the run it named, as the store has it.
  Result<RunSummary> again = AwaitOnly(
      *io_, runner_->Start(workflow, text_, {{"domain", "c.com"}}, "key-1",
                           Drive::kInBackground));
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_TRUE(again.value().start.has_value());
  EXPECT_FALSE(again.value().start->created);
  EXPECT_EQ(again.value().start->run.id, id);
  EXPECT_EQ(again.value().start->run.status, RunStatus::kSucceeded);
}

TEST_F(RunnerTest, RejectWithEndFinishesTheRunAsRejected) {
  RunSummary run = Start(ConfirmWorkflow("end"), {{"domain", "c.com"}});
  RunSummary answered = Answer(run.run_id, Answer::kReject);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 0);
  EXPECT_EQ(Last(run.run_id).data.dump(),
            R"({"outcome":"rejected","status":"succeeded","step":"ask"})");
}

TEST_F(RunnerTest, RejectWithFailFailsTheRun) {
  RunSummary run = Start(ConfirmWorkflow("fail"), {{"domain", "c.com"}});
  RunSummary answered = Answer(run.run_id, Answer::kReject);
  EXPECT_EQ(answered.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.link"), 0);
  EXPECT_EQ(Last(run.run_id).data["error"].dump(),
            R"({"code":"rejected","kind":"rejected","message":)"
            R"("confirmation 'ask' was rejected by alice","step":"ask"})");
}

TEST_F(RunnerTest, RejectWithStepsRunsThemThenGoesOn) {
  fake_->Script("bss.record", {FakeConnector::Ok(J("{}"))});
  fake_->Script("bss.link", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(ConfirmWorkflow(R"(
        - id: record
          call: bss.record
          with: {by: "${ steps.ask.by }"})"),
                         {{"domain", "c.com"}});
  RunSummary answered = Answer(run.run_id, Answer::kReject);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->calls().size(), 2u);
  EXPECT_EQ(fake_->calls()[0].action, "bss.record");
  EXPECT_EQ(Json(fake_->calls()[0].arguments), R"({"by":"alice"})");
  EXPECT_EQ(fake_->calls()[1].action, "bss.link");
}

TEST_F(RunnerTest, CancelStopsACallInFlight) {
  fake_->Script("bss.get_account",
                {FakeConnector::Delayed(std::chrono::hours(1), J("{}"))});
  auto workflow = Load(kRetry);
  std::optional<Result<RunSummary>> out;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        out.emplace(co_await runner_->Start(workflow, text_, {}, ""));
      },
      boost::asio::detached);
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  EXPECT_EQ(runner_->active_runs(), 1u);
  std::string id = fake_->calls()[0].ctx.run_id;
  Status cancelled = Await(runner_->Cancel(id));
  EXPECT_TRUE(cancelled.ok());
  ASSERT_TRUE(out.has_value() && out->ok());
  EXPECT_EQ(out->value().status, RunStatus::kCancelled);
  EXPECT_EQ(fake_->cancelled(), 1);
  EXPECT_EQ(Types(id),
            (std::vector<std::string>{"run_started", "step_started account",
                                      "call_sent account", "run_finished"}));
  EXPECT_EQ(Last(id).data.dump(), R"({"status":"cancelled"})");
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kCancelled);
}

TEST_F(RunnerTest, CancelAParkedRun) {
  RunSummary run = Start(ConfirmWorkflow("end"), {{"domain", "c.com"}});
  EXPECT_TRUE(Await(runner_->Cancel(run.run_id)).ok());
  EXPECT_EQ(store_->GetRun(run.run_id).value().status, RunStatus::kCancelled);
  EXPECT_TRUE(Await(runner_->Cancel(run.run_id)).ok());  // again: no-op
  Result<RunSummary> answered =
      Await(runner_->AnswerConfirmation(run.run_id, Answer::kConfirm, "a"));
  EXPECT_FALSE(answered.ok());
}

TEST_F(RunnerTest, StepOnErrorHandlesTheFailureAndTheRunGoesOn) {
  fake_->Script("bss.get_account",
                {FakeConnector::Fail("not_found", "404", "no account 7")});
  fake_->Script("bss.report", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(R"(workflow: test.on_error
steps:
  - id: account
    call: bss.get_account
    on_error:
      - id: note
        set:
          problem: "${ error.step }/${ error.kind }/${ error.code }: ${ error.message }"
  - id: report
    call: bss.report
    with: {problem: "${ vars.problem }"}
)");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("bss.report"), 1);
  EXPECT_EQ(Json(fake_->calls()[1].arguments),
            R"({"problem":"account/not_found/404: no account 7"})");
}

TEST_F(RunnerTest, WorkflowOnErrorRunsThenTheRunFails) {
  fake_->Script("bss.report", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(R"(workflow: test.wf_on_error
steps:
  - id: stop
    fail: "stopped here"
  - id: never
    call: bss.never
on_error:
  - id: report
    call: bss.report
    with: {message: "${ error.step }: ${ error.message }"}
)");
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.never"), 0);
  ASSERT_EQ(fake_->CallCount("bss.report"), 1);
  EXPECT_EQ(Json(fake_->calls()[0].arguments),
            R"({"message":"stop: stopped here"})");
  EXPECT_EQ(Last(run.run_id).data.dump(),
            R"({"error":{"code":"fail","kind":"fail","message":"stopped here",)"
            R"("step":"stop"},"status":"failed"})");
}

// Outputs that do not render fail the run as a failed step does, and the
// workflow's on_error (which reports failures to the BSS) runs for them.
TEST_F(RunnerTest, WorkflowOnErrorRunsWhenTheOutputsFail) {
  fake_->Script("bss.report", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(R"(workflow: test.outputs_fail
inputs: {m: map}
steps:
  - id: a
    set: {x: 1}
outputs:
  gone: "${ inputs.m.missing }"
on_error:
  - id: report
    call: bss.report
    with: {message: "${ error.step }: ${ error.message }"}
)",
                         {{"m", nlohmann::json::object()}});
  EXPECT_EQ(run.status, RunStatus::kFailed);
  ASSERT_EQ(fake_->CallCount("bss.report"), 1);
  EXPECT_EQ(Json(fake_->calls()[0].arguments),
            R"({"message":"outputs: wf.yaml:7:22: no such key: \"missing\""})");
  EXPECT_EQ(Last(run.run_id).data["error"]["step"], "outputs");
}

// The position of a failing expression is in the YAML file, also in a folded
// message over several lines (on its own line, not at the scalar's `>-`).
TEST_F(RunnerTest, RuntimeExpressionErrorNamesThePosition) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"name": "Contoso"})")),
                 FakeConnector::Ok(J(R"({"name": "Contoso"})"))});
  const std::string account = R"(workflow: test.expr
steps:
  - id: account
    call: bss.get_account
  - id: names
    set:
)";
  RunSummary run =
      Start(account + "      phone: \"Phone: ${ steps.account.phone }\"\n");
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(Last(run.run_id).data["error"].dump(),
            R"({"code":"no_such_key","kind":"expression","message":)"
            R"("wf.yaml:7:39: no such key: \"phone\"","step":"names"})");
  run = Start(account +
              "      phone: >-\n"
              "        Account ${ steps.account.name },\n"
              "\n"
              "        phone ${ steps.account.phone }\n");
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(Last(run.run_id).data["error"]["message"],
            "wf.yaml:10:32: no such key: \"phone\"");
}

TEST_F(RunnerTest, SkippedStepAndWorkflowStepOfAnUnknownWorkflow) {
  auto workflow = Load(R"(workflow: test.skip
steps:
  - id: maybe
    if: 1 > 2
    call: bss.never
  - id: sub
    workflow: test.other
)");
  // A workflow the engine has not loaded is its setup's problem, not the
  // run's: the run stops where it is, to go on once the workflow is there.
  Result<RunSummary> run = Await(runner_->Start(workflow, text_, {}, ""));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "step 'sub' calls workflow 'test.other', which this engine has "
            "not loaded (bssflow run, answer and resume take --workflows DIR)");
  EXPECT_EQ(fake_->calls().size(), 0u);
  std::vector<RunRecord> runs = store_->ListRuns(RunFilter()).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::kRunning);
  std::vector<Event> journal = Journal(runs[0].id);
  EXPECT_EQ(journal[1].type, "step_succeeded");
  EXPECT_EQ(journal[1].data.dump(), R"({"skipped":true})");
  EXPECT_EQ(journal.back().type + " " + journal.back().step,
            "step_started sub");
}

TEST_F(RunnerTest, NotifySendsThroughTheNotifyConnector) {
  fake_->Script("notify.send", {FakeConnector::Ok(J(R"({"id": "n-1"})"))});
  RunSummary run = Start(R"(workflow: test.notify
inputs:
  email: string
steps:
  - id: welcome
    notify:
      template: welcome-office365
      to: "${ inputs.email }"
)",
                         {{"email", "a@b.c"}});
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("notify.send"), 1);
  EXPECT_EQ(Json(fake_->calls()[0].arguments),
            R"({"template":"welcome-office365","to":"a@b.c","cc":null})");
  EXPECT_EQ(Types(run.run_id)[4], "notification_sent welcome");
}

// A notify step naming a template sends its fields rendered for the run;
// the event records the recipients and subject, never the body.
TEST_F(RunnerTest, NotifyRendersItsTemplate) {
  auto library = std::make_shared<TemplateLibrary>();
  TemplateLoadResult welcome = ParseNotificationTemplate(
      "welcome.yaml",
      "template: welcome\nname: Welcome\nto: \"${ vars.email }\"\n"
      "cc: ops@cloud.example\nsubject: \"Tenant ${ vars.domain }\"\n"
      "body: \"Sign in to ${ vars.domain }.\"\n");
  ASSERT_TRUE(welcome.ok());
  library->Add(std::move(*welcome.template_));
  context_.templates = library;
  fake_->Script("notify.send", {FakeConnector::Ok(J(R"({"id": "n-1"})"))});
  RunSummary run = Start(R"(workflow: test.notify-template
steps:
  - id: keep
    set: {email: a@b.c, domain: t.onmicrosoft.com}
  - id: welcome
    notify: {template: welcome}
)");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("notify.send"), 1);
  EXPECT_EQ(Json(fake_->calls()[0].arguments),
            R"({"template":"welcome","to":"a@b.c","cc":"ops@cloud.example",)"
            R"("subject":"Tenant t.onmicrosoft.com",)"
            R"("body":"Sign in to t.onmicrosoft.com."})");
  for (const Event& event : Journal(run.run_id)) {
    if (event.type == event_type::kNotificationSent) {
      EXPECT_EQ(event.data.dump(),
                R"({"cc":"ops@cloud.example","subject":"Tenant t.onmicrosoft.com",)"
                R"("template":"welcome","to":"a@b.c"})");
    }
  }
}

TEST_F(RunnerTest, IdempotencyKeyReturnsTheSameRun) {
  RunSummary first =
      Start(ConfirmWorkflow("end"), {{"domain", "c.com"}}, "key-1");
  RunSummary second =
      Start(ConfirmWorkflow("end"), {{"domain", "c.com"}}, "key-1");
  EXPECT_EQ(second.run_id, first.run_id);
  EXPECT_EQ(second.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(Journal(first.run_id).size(), 3u);
}

constexpr const char* kTwoCalls = R"(workflow: test.crash
steps:
  - id: account
    call: bss.get_account
  - id: create
    call: partner_center.create_customer
    with: {domain: "${ steps.account.domain }"}
outputs:
  tenant: "${ steps.create.tenant_id }"
)";

TEST_F(RunnerTest, NowIsTheJournaledStartOfTheStep) {
  RunSummary run = Start(
      "workflow: demo\n"
      "steps:\n"
      "  - id: before\n"
      "    set: {at: '${ now() }'}\n"
      "  - id: ask\n"
      "    confirm: {message: Go on}\n"
      "  - id: after\n"
      "    set: {at: '${ now() }', same: '${ now() == now() }'}\n"
      "outputs: {before: '${ vars.at }'}\n");
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  now_ms_ += 86'400'250;  // answered a day later
  EXPECT_EQ(Answer(run.run_id, engine::Answer::kConfirm).status,
            RunStatus::kSucceeded);
  std::vector<Event> journal = Journal(run.run_id);
  EXPECT_EQ(journal[2].data.dump(),
            R"({"values":{"at":"2023-11-14T22:13:20.000Z"}})");
  const Event& after_started = journal[8];
  ASSERT_EQ(after_started.type + " " + after_started.step,
            "step_started after");
  EXPECT_EQ(after_started.time_ms, now_ms_);
  EXPECT_EQ(journal[9].data.dump(),
            R"({"values":{"at":"2023-11-15T22:13:20.250Z","same":true}})");
}

TEST_F(RunnerTest, UuidsAreDistinctAndTheSameWhenAStepIsDrivenAgain) {
  fake_->Script("bss.get_account",
                {FakeConnector::Hang(), FakeConnector::Ok(J("{}"))});
  auto workflow = Load(
      "workflow: demo\n"
      "steps:\n"
      "  - id: ids\n"
      "    set: {a: '${ uuid() }', b: '${ uuid() }'}\n"
      "  - id: account\n"
      "    call: bss.get_account\n"
      "    with: {request: '${ uuid() }', at: '${ now() }'}\n"
      "outputs: {a: '${ vars.a }', b: '${ vars.b }'}\n");
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  std::string id = fake_->calls()[0].ctx.run_id;
  MakeRunner();  // a crash while the call is out
  now_ms_ += 5000;
  Result<RunSummary> resumed = Await(runner_->Resume(id));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  ASSERT_EQ(fake_->calls().size(), 2u);
  // The call sent again carries the arguments it was first sent with.
  EXPECT_EQ(Json(fake_->calls()[1].arguments),
            Json(fake_->calls()[0].arguments));
  nlohmann::json values = Journal(id)[2].data["values"];
  std::string a = values["a"], b = values["b"];
  EXPECT_NE(a, b);
  std::string request = dsl::ValueToJson(fake_->calls()[0].arguments)["request"];
  EXPECT_NE(request, a);
  for (const std::string& uuid : {a, b, request}) {
    ASSERT_EQ(uuid.size(), 36u) << uuid;
    EXPECT_EQ(uuid[14], '4') << uuid;  // version 4
  }
  EXPECT_EQ(dsl::ValueToJson(fake_->calls()[1].arguments)["at"],
            "2023-11-14T22:13:20.000Z");
}

TEST_F(RunnerTest, CrashAfterCallSentResumesWithTheSameKey) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"domain": "c.com"})"))});
  fake_->Script(
      "partner_center.create_customer",
      {FakeConnector::Hang(), FakeConnector::Ok(J(R"({"tenant_id": "t-9"})"))});
  auto workflow = Load(kTwoCalls);
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().size() < 2 && io_->run_one() > 0) {
  }
  std::string id = fake_->calls()[0].ctx.run_id;
  EXPECT_EQ(Types(id).back(), "call_sent create");

  MakeRunner();  // the crash: the executor dies with the run suspended
  Result<RunSummary> resumed = Await(runner_->Resume(id));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_EQ(resumed.value().status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  ASSERT_EQ(fake_->CallCount("partner_center.create_customer"), 2);
  EXPECT_EQ(fake_->calls()[2].ctx.idempotency_key,
            fake_->calls()[1].ctx.idempotency_key);
  EXPECT_EQ(fake_->calls()[2].ctx.attempt, 1);
  EXPECT_EQ(Json(fake_->calls()[2].arguments), R"({"domain":"c.com"})");
  EXPECT_EQ(
      Types(id),
      (std::vector<std::string>{
          "run_started", "step_started account", "call_sent account",
          "call_succeeded account", "step_succeeded account",
          "step_started create", "call_sent create", "call_sent create",
          "call_succeeded create", "step_succeeded create", "run_finished"}));
  EXPECT_EQ(Journal(id)[7].data.value("resent", false), true);
  EXPECT_EQ(Last(id).data["outputs"].dump(), R"({"tenant":"t-9"})");

  // Resuming a finished run does nothing.
  Result<RunSummary> again = Await(runner_->Resume(id));
  EXPECT_EQ(again.value().status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->calls().size(), 3u);
}

// A resume that fails before its drive waits on anything (here: the run's
// definition is gone) ends before ResumeUnfinished waits for the drives;
// it must not wait for ever.
TEST_F(RunnerTest, ResumeUnfinishedReturnsWhenEveryResumeFailsAtOnce) {
  NewRun orphan;
  orphan.id = "orphan";
  orphan.workflow = "test.gone";
  orphan.definition_hash = "no-such-definition";
  ASSERT_TRUE(store_->CreateRun(orphan).ok());
  std::optional<Result<std::vector<Runner::Resumed>>> resumed;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        resumed.emplace(co_await runner_->ResumeUnfinished());
      },
      boost::asio::detached);
  // Bounded, so that a regression fails instead of hanging the suite.
  io_->run_for(std::chrono::seconds(10));
  io_->restart();
  ASSERT_TRUE(resumed.has_value());
  ASSERT_TRUE(resumed->ok()) << resumed->status().message();
  ASSERT_EQ(resumed->value().size(), 1u);
  EXPECT_EQ(resumed->value()[0].run_id, "orphan");
  EXPECT_EQ(resumed->value()[0].status.message(),
            "no workflow definition no-such-definition");
}

TEST_F(RunnerTest, ResumeAfterARetryWaitCrash) {
  fake_->Script("bss.get_account", {FakeConnector::Fail("retryable", "503"),
                                    FakeConnector::Ok(J("{}"))});
  auto workflow = Load(R"(workflow: test.wait
steps:
  - id: account
    call: bss.get_account
    retry: {attempts: 2, backoff: 1h, max_backoff: 1h}
)");
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  io_->poll();  // journal the failure; the backoff wait starts
  std::string id = fake_->calls()[0].ctx.run_id;
  EXPECT_EQ(Types(id).back(), "call_failed account");
  // After the restart the run waits its backoff again before the second
  // attempt: it is active and calls nothing (the wait is up to an hour, so
  // the test cancels it rather than waiting).
  MakeRunner();
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> { co_await runner_->Resume(id); },
      boost::asio::detached);
  io_->poll();
  EXPECT_EQ(runner_->active_runs(), 1u);
  EXPECT_EQ(fake_->calls().size(), 1u);
  EXPECT_TRUE(Await(runner_->Cancel(id)).ok());
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kCancelled);
}

// A connector's result in the shape of a sealed field would be read back
// from the journal as one, and fail to open on every resume: the call
// fails instead (not retried), so the workflow can handle it and the run
// ends, with the shape and where it is named.
TEST_F(RunnerTest, AResultShapedLikeASealedSecretFailsTheCall) {
  SealSecrets();
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"note": {"$secret": "v1:?"}})"))});
  RunSummary run = Start(kRetry);
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  EXPECT_EQ(Types(run.run_id), kFailedOnFirstCall);
  EXPECT_EQ(Last(run.run_id).data["error"].dump(),
            R"({"code":"sealed_shape","kind":"fatal","message":")"
            R"('bss.get_account' answered with a map whose only key is )"
            R"(\"$secret\" at 'note', the shape the journal keeps for sealed )"
            R"(secrets","step":"account"})");
}

TEST(SealedShapeTest, NamesWhereAResultHoldsTheShape) {
  auto at = [](const char* json) {
    return SealedShapeAt(dsl::ValueFromJson(nlohmann::json::parse(json)).value());
  };
  EXPECT_EQ(at(R"({"$secret": "x"})"), "");
  EXPECT_EQ(at(R"({"users": [{"id": 1}, {"token": {"$secret": 5}}]})"),
            "users[1].token");
  EXPECT_EQ(at(R"([[{"$secret": null}]])"), "[0][0]");
  EXPECT_EQ(at(R"({"$secret": "x", "other": 1})"), std::nullopt);
  EXPECT_EQ(at(R"({"a": {"secret": "x"}, "b": ["$secret"]})"), std::nullopt);
}

// A map a connector built in its own order is seen in the order the
// journal gives it back in (sorted), from the first drive on: what a step
// computes from that order is the same when a resume replays it.
TEST_F(RunnerTest, AResultMapIsSeenInTheOrderTheJournalKeeps) {
  dsl::ValueMap unsorted;
  unsorted.Insert(dsl::Value::String("b"), dsl::Value::Int(1));
  unsorted.Insert(dsl::Value::String("a"), dsl::Value::Int(2));
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(dsl::Value::Map(std::move(unsorted)))});
  RunSummary run = Start(R"(workflow: test.order
steps:
  - id: account
    call: bss.get_account
  - id: keys
    set:
      order: "${ steps.account.map(k, k) }"
)");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  std::vector<Event> journal = Journal(run.run_id);
  auto set = std::find_if(journal.begin(), journal.end(), [](const Event& e) {
    return e.type == event_type::kVariablesSet;
  });
  ASSERT_NE(set, journal.end());
  EXPECT_EQ(set->data.dump(), R"({"values":{"order":["a","b"]}})");
}

TEST_F(RunnerTest, SecretFieldsAreSealedInTheJournal) {
  SealSecretsAndScriptCreate();
  fake_->Script("bss.store", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(R"(workflow: test.secret
steps:
  - id: create
    call: partner_center.create_customer
    with: {domain: c.com}
  - id: ask
    confirm:
      message: "Store the password?"
  - id: store
    call: bss.store
    with: {password: "${ steps.create.credentials.password }"}
)");
  EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  nlohmann::json result = Journal(run.run_id)[3].data["result"];
  EXPECT_EQ(result["tenant_id"], "t-1");
  std::string sealed = result["credentials"]["password"]["$secret"];
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(Journal(run.run_id)[3].data.dump().find("p@ss"), std::string::npos);

  // After a restart the replayed result is opened again.
  MakeRunner(&*box_);
  RunSummary answered = Answer(run.run_id, Answer::kConfirm);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("bss.store"), 1);
  EXPECT_EQ(Json(fake_->calls()[1].arguments), R"({"password":"p@ss"})");
  EXPECT_EQ(fake_->CallCount("partner_center.create_customer"), 1);
}

TEST(NewTimeOrderedUuidTest, IsVersion7WithTheTimeFirst) {
  uint64_t draws = 0;
  auto random = [&draws] { return ++draws * 0x9E3779B97F4A7C15ull; };
  // 2026-11-24T12:00:00Z; rand_a and rand_b from the two draws.
  EXPECT_EQ(NewTimeOrderedUuid(1795521600000, random),
            "01a20d6d-5a00-7c15-bc6e-f372fe94f82a");
  // Ids made later sort after, as text too.
  std::string earlier = NewTimeOrderedUuid(1795521600000, random);
  std::string later = NewTimeOrderedUuid(1795521600001, random);
  EXPECT_LT(earlier, later);
}

// A Cancel() that runs after the run registered its call but before the
// call's wait on the cancel signal started (both queued on the executor)
// must still stop the run: the cancel is a state, not an edge.
TEST_F(RunnerTest, CancelQueuedBeforeTheCallWaitStartsStillCancels) {
  fake_->Script("bss.get_account", {FakeConnector::Hang()});
  auto workflow = Load(kRetry);
  // The run id the Start below draws: the clock and the first two random
  // numbers.
  uint64_t draws = draws_;
  std::string id = NewTimeOrderedUuid(
      now_ms_, [&draws] { return ++draws * 0x9E3779B97F4A7C15ull; });
  std::optional<Result<RunSummary>> out;
  std::optional<Status> cancelled;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        out.emplace(co_await runner_->Start(workflow, text_, {}, ""));
      },
      boost::asio::detached);
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        cancelled.emplace(co_await runner_->Cancel(id));
      },
      boost::asio::detached);
  io_->poll();
  io_->restart();
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_TRUE(cancelled->ok()) << cancelled->message();
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->ok()) << out->status().message();
  EXPECT_EQ(out->value().run_id, id);
  EXPECT_EQ(out->value().status, RunStatus::kCancelled);
  EXPECT_EQ(runner_->active_runs(), 0u);
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kCancelled);
}

// The same for a retry's backoff wait.
TEST_F(RunnerTest, CancelQueuedBeforeTheBackoffWaitStartsStillCancels) {
  fake_->Script("bss.get_account", {FakeConnector::Fail("retryable", "503")});
  auto workflow = Load(R"(workflow: test.wait
steps:
  - id: account
    call: bss.get_account
    retry: {attempts: 2, backoff: 1h, max_backoff: 1h}
)");
  std::optional<Result<RunSummary>> out;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        out.emplace(co_await runner_->Start(workflow, text_, {}, ""));
      },
      boost::asio::detached);
  // Up to the first call's answer; the run then journals the failure and
  // starts its backoff wait in the same handler.
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  std::string id = fake_->calls()[0].ctx.run_id;
  std::optional<Status> cancelled;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        cancelled.emplace(co_await runner_->Cancel(id));
      },
      boost::asio::detached);
  io_->poll();
  io_->restart();
  ASSERT_TRUE(cancelled.has_value());
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->ok()) << out->status().message();
  EXPECT_EQ(out->value().status, RunStatus::kCancelled);
  EXPECT_EQ(fake_->calls().size(), 1u);
}

// A connector that breaks its contract by throwing something that is not a
// std::exception.
class ThrowingConnector : public Connector {
 public:
  boost::asio::awaitable<ActionOutcome> Call(const std::string&,
                                             const dsl::Value&,
                                             const CallContext&) override {
    throw 42;
    co_return ActionOutcome::Success(dsl::Value());
  }
};

TEST_F(RunnerTest, AConnectorThrowingANonStdExceptionFailsTheCall) {
  ASSERT_TRUE(
      connectors_.Add("thrower", std::make_shared<ThrowingConnector>()).ok());
  RunSummary run = Start(R"(workflow: test.throw
steps:
  - id: boom
    call: thrower.boom
)");
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(Last(run.run_id).data["error"].dump(),
            R"({"code":"exception","kind":"fatal","message":)"
            R"("connector failed: unknown exception","step":"boom"})");
}

// Two engines drive the same run at once (two Runners on one store): the
// one that appends second is refused by the store and returns that error,
// leaving the journal as the first one wrote it.
TEST_F(RunnerTest, AStaleDriveIsRefusedCleanly) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"domain": "c.com"})"))});
  fake_->Script(
      "partner_center.create_customer",
      {FakeConnector::Hang(), FakeConnector::Ok(J(R"({"tenant_id": "t-9"})"))});
  auto workflow = Load(kTwoCalls);
  std::optional<Result<RunSummary>> first;
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        first.emplace(co_await runner_->Start(workflow, text_, {}, ""));
      },
      boost::asio::detached);
  while (fake_->calls().size() < 2 && io_->run_one() > 0) {
  }
  std::string id = fake_->calls()[0].ctx.run_id;

  // A second Resume on the same Runner is refused: the run is being driven.
  Result<RunSummary> twice = AwaitBeside(runner_->Resume(id));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "run " + id + " is already being driven");
  EXPECT_FALSE(first.has_value());

  // Another engine on the same store resumes it and finishes it.
  RunnerDependencies deps;
  deps.store = store_.get();
  deps.connectors = &connectors_;
  deps.actions = &catalog_;
  deps.clock = [] { return int64_t{1700000000000}; };
  deps.random = [this] { return ++draws_ * 0x9E3779B97F4A7C15ull; };
  deps.executor = io_->get_executor();
  deps.workflows = [this](const std::string&, const std::string&,
                          const std::string& text) {
    return LoadWorkflow("wf.yaml", text, context_).workflow;
  };
  Runner other(std::move(deps));
  Result<RunSummary> resumed = AwaitBeside(other.Resume(id));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_EQ(resumed.value().status, RunStatus::kSucceeded);
  std::vector<std::string> journal = Types(id);

  // The first drive's call ends (cancelled); its append is refused.
  EXPECT_TRUE(Await(runner_->Cancel(id)).ok());
  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(first->ok());
  EXPECT_EQ(first->status().message().rfind(kSequenceConflict, 0), 0u)
      << first->status().message();
  EXPECT_EQ(runner_->active_runs(), 0u);
  EXPECT_EQ(Types(id), journal);
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("partner_center.create_customer"), 2);
  EXPECT_EQ(fake_->calls()[2].ctx.idempotency_key,
            fake_->calls()[1].ctx.idempotency_key);
}

// A secret the run copies elsewhere (a variable, another call's arguments,
// a notification, a prompt, an error, the outputs) stays sealed in the
// journal, and a replay still sees it in clear.
TEST_F(RunnerTest, SecretsCopiedIntoOtherEventsAreSealedToo) {
  SealSecretsAndScriptCreate();
  fake_->Script("bss.store", {FakeConnector::Ok(J("{}"))});
  fake_->Script("notify.send", {FakeConnector::Ok(J("{}"))});
  const char* yaml = R"(workflow: test.secret_copies
steps:
  - id: create
    call: partner_center.create_customer
    with: {domain: c.com}
  - id: keep
    set:
      password: "${ steps.create.credentials.password }"
      tenant: "${ steps.create.tenant_id }"
  - id: ask
    confirm:
      message: "Send ${ vars.password } to the customer?"
  - id: store
    call: bss.store
    with: {password: "${ vars.password }", tenant: "${ vars.tenant }"}
  - id: tell
    notify:
      template: welcome
      to: "admin+${ vars.password }@c.com"
  - id: stop
    fail: "done with ${ vars.password }"
    on_error:
      - id: noted
        set:
          seen: "${ error.message }"
outputs:
  password: "${ vars.password }"
  seen: "${ vars.seen }"
)";
  RunSummary run = Start(yaml);
  EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  MakeRunner(&*box_);  // a restart: the variables come back from the journal
  RunSummary answered = Answer(run.run_id, Answer::kConfirm);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("bss.store"), 1);
  EXPECT_EQ(Json(fake_->calls()[1].arguments),
            R"({"password":"p@ss","tenant":"t-1"})");
  EXPECT_EQ(Json(fake_->calls()[2].arguments),
            R"({"template":"welcome","to":"admin+p@ss@c.com","cc":null})");
  for (const Event& event : Journal(run.run_id)) {
    EXPECT_EQ(event.data.dump().find("p@ss"), std::string::npos)
        << event.type << " " << event.step << ": " << event.data.dump();
  }
  // What is not secret stays readable.
  for (const Event& event : Journal(run.run_id)) {
    if (event.type == event_type::kVariablesSet && event.step == "keep") {
      EXPECT_EQ(event.data["values"]["tenant"], "t-1");
    }
  }
}

// A copy of a secret nested deeper than values may be read back (two
// expressions of 60 levels each) is sealed too: the payload was converted
// to a value to be sealed, which failed past the depth limit, and the
// copy was journaled in clear.
TEST_F(RunnerTest, ASecretCopiedDeepIntoArgumentsIsSealed) {
  SealSecretsAndScriptCreate();
  fake_->Script("bss.store", {FakeConnector::Ok(J("{}"))});
  const std::string open(60, '['), close(60, ']');
  const std::string yaml = R"(workflow: test.deep_copy
steps:
  - id: create
    call: partner_center.create_customer
    with: {domain: c.com}
  - id: keep
    set:
      deep: "${ )" + open + "steps.create.credentials.password" + close +
                           R"( }"
  - id: store
    call: bss.store
    with:
      deeper: "${ )" + open + "vars.deep" + close + R"( }"
)";
  RunSummary run = Start(yaml);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->CallCount("bss.store"), 1);
  std::optional<Event> sent;
  for (const Event& event : Journal(run.run_id)) {
    EXPECT_EQ(event.data.dump().find("p@ss"), std::string::npos)
        << event.type << " " << event.step;
    if (event.type == event_type::kCallSent && event.step == "store")
      sent = event;
  }
  ASSERT_TRUE(sent.has_value());
  EXPECT_TRUE(sent->data["arguments"]["deeper"].contains("$secret"));
}

// The Runner may go before the io_context its runs are suspended on (a
// shutdown in the "wrong" order); destroying the context then must not
// reach into the destroyed Runner (AddressSanitizer catches it).
TEST_F(RunnerTest, RunnerDestroyedBeforeItsSuspendedRuns) {
  fake_->Script("bss.get_account", {FakeConnector::Hang()});
  auto workflow = Load(kRetry);
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  EXPECT_EQ(runner_->active_runs(), 1u);
  runner_.reset();
  io_.reset();
  MakeRunner();
  EXPECT_EQ(runner_->active_runs(), 0u);
}

// A result the journal cannot encode (not UTF-8: SQLite's store writes
// JSON text) is an error for the caller, not an exception.
TEST_F(RunnerTest, AResultTheStoreCannotEncodeIsAnError) {
  std::string path = ::testing::TempDir() + "runner_utf8.db";
  for (const char* suffix : {"", "-wal", "-shm"})
    std::remove((path + suffix).c_str());
  auto sqlite = OpenSqliteStore(path);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().message();
  store_ = std::move(sqlite.value());
  MakeRunner();
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(dsl::Value::String("caf\xE9"))});
  auto workflow = Load(kRetry);
  Result<RunSummary> run = Await(runner_->Start(workflow, text_, {}, ""));
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("cannot append to the journal"),
            std::string::npos)
      << run.status().message();
  EXPECT_EQ(runner_->active_runs(), 0u);
}

// The whole runner on the SQLite store: a confirmation parks the run, the
// answer drives it on; a run whose engine died during a call is resumed
// from the reopened file and its call sent again with the same key.
class SqliteRunnerTest : public RunnerTest {
 protected:
  SqliteRunnerTest() {
    path_ = ::testing::TempDir() + "runner_sqlite_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() +
            ".db";
    for (const char* suffix : {"", "-wal", "-shm"})
      std::remove((path_ + suffix).c_str());
    Reopen();
  }

  // Closes the store (after the engine that uses it) and opens the file again.
  void Reopen() {
    io_.reset();
    runner_.reset();
    store_.reset();
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store.value());
    MakeRunner();
  }

  std::string path_;
};

TEST_F(SqliteRunnerTest, ConfirmParksAndTheAnswerDrivesTheRunOn) {
  fake_->Script("bss.link", {FakeConnector::Ok(J(R"({"linked": true})"))});
  RunSummary run = Start(ConfirmWorkflow("end"), {{"domain", "contoso.com"}});
  EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  Reopen();  // the prompt waits across a restart
  RunRecord record = store_->GetRun(run.run_id).value();
  EXPECT_EQ(record.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(record.current_step, "ask");
  RunSummary answered = Answer(run.run_id, Answer::kConfirm);
  EXPECT_EQ(answered.status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.link"), 1);
  EXPECT_EQ(Types(run.run_id),
            (std::vector<std::string>{
                "run_started", "step_started ask", "confirmation_requested ask",
                "confirmation_answered ask", "step_succeeded ask",
                "step_started link", "call_sent link", "call_succeeded link",
                "step_succeeded link", "run_finished"}));
  EXPECT_EQ(store_->GetRun(run.run_id).value().status, RunStatus::kSucceeded);
}

// The workflow the damaged-journal tests park, then damage.
constexpr const char* kSetThenAsk = R"(workflow: test.damaged
steps:
  - id: first
    set: {x: 1}
  - id: ask
    confirm: {message: "Go?"}
)";

// Runs `sql` on the store's file through a connection of its own, as an
// operator's edit would.
void EditDatabase(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// A journaled payload edited into a shape the engine never writes: the
// answer's drive stops with an error naming the run, and the engine goes
// on (it threw out of the drive before).
TEST_F(SqliteRunnerTest, AJournalDamagedInTheDatabaseIsAnError) {
  RunSummary run = Start(kSetThenAsk);
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  Reopen();
  EditDatabase(path_,
               "UPDATE journal SET data = '{\"skipped\": \"yes\"}' "
               "WHERE sequence = 4");
  Result<RunSummary> answered =
      Await(runner_->AnswerConfirmation(run.run_id, Answer::kConfirm, "bob"));
  ASSERT_FALSE(answered.ok());
  EXPECT_EQ(answered.status().message(),
            "run " + run.run_id +
                ": its journal is damaged: type must be boolean, but is "
                "string");
  EXPECT_EQ(runner_->active_runs(), 0u);
}

// Damage the store itself reports refuses the answer before it is written:
// the run still waits for its answer, to be given once the row is mended.
TEST_F(SqliteRunnerTest, AnAnswerToARunTheStoreCannotReadIsNotWritten) {
  RunSummary run = Start(kSetThenAsk);
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  Reopen();
  EditDatabase(path_, "UPDATE journal SET data = 'oops' WHERE sequence = 4");
  Result<RunSummary> answered =
      Await(runner_->AnswerConfirmation(run.run_id, Answer::kConfirm, "bob"));
  ASSERT_FALSE(answered.ok());
  EXPECT_EQ(answered.status().message(),
            "run " + run.run_id +
                " is damaged in the database: the data of its event 4 "
                "(step_succeeded) is not JSON: parse error at line 1, column "
                "1: syntax error while parsing value - invalid literal; last "
                "read: 'o'");
  RunRecord record = store_->GetRun(run.run_id).value();
  EXPECT_EQ(record.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(record.last_sequence, 6);
  EditDatabase(path_, "UPDATE journal SET data = '{}' WHERE sequence = 4");
  EXPECT_EQ(Answer(run.run_id, Answer::kConfirm).status, RunStatus::kSucceeded);
}

TEST_F(SqliteRunnerTest, CrashDuringACallThenResumeFromTheReopenedFile) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"domain": "c.com"})"))});
  fake_->Script(
      "partner_center.create_customer",
      {FakeConnector::Hang(), FakeConnector::Ok(J(R"({"tenant_id": "t-9"})"))});
  auto workflow = Load(kTwoCalls);
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().size() < 2 && io_->run_one() > 0) {
  }
  std::string id = fake_->calls()[0].ctx.run_id;
  Reopen();  // the crash: engine and store gone with the call in flight
  EXPECT_EQ(store_->GetRun(id).value().status, RunStatus::kRunning);
  Result<RunSummary> resumed = Await(runner_->Resume(id));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_EQ(resumed.value().status, RunStatus::kSucceeded);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  ASSERT_EQ(fake_->CallCount("partner_center.create_customer"), 2);
  EXPECT_EQ(fake_->calls()[2].ctx.idempotency_key,
            fake_->calls()[1].ctx.idempotency_key);
  EXPECT_EQ(
      Types(id),
      (std::vector<std::string>{
          "run_started", "step_started account", "call_sent account",
          "call_succeeded account", "step_succeeded account",
          "step_started create", "call_sent create", "call_sent create",
          "call_succeeded create", "step_succeeded create", "run_finished"}));
  EXPECT_EQ(Last(id).data["outputs"].dump(), R"({"tenant":"t-9"})");
}

// The hooks a replay uses (app/offline_run.h): the caller gives the run its
// id and its steps their start times, and retries do not wait.
class RunnerHooksTest : public RunnerTest {
 protected:
  // MakeRunner() with `adjust` applied to the dependencies.
  void MakeRunnerWith(const std::function<void(RunnerDependencies&)>& adjust) {
    io_.reset();
    runner_.reset();
    io_ = std::make_unique<boost::asio::io_context>();
    RunnerDependencies deps;
    deps.store = store_.get();
    deps.connectors = &connectors_;
    deps.actions = &catalog_;
    deps.clock = [this] { return now_ms_; };
    deps.random = [this] { return ++draws_ * 0x9E3779B97F4A7C15ull; };
    deps.executor = io_->get_executor();
    adjust(deps);
    runner_ = std::make_unique<Runner>(std::move(deps));
  }

  // Starts `workflow` and runs only what is ready, never waiting for a
  // timer: nullopt when the run is still waiting.
  std::optional<Result<RunSummary>> StartWithoutWaiting(
      std::shared_ptr<const Workflow> workflow) {
    auto run = std::make_shared<std::optional<Result<RunSummary>>>();
    boost::asio::co_spawn(
        *io_,
        [this, run, workflow]() -> boost::asio::awaitable<void> {
          Result<RunSummary> started =
              co_await runner_->Start(workflow, text_, {}, "");
          run->emplace(std::move(started));
        },
        boost::asio::detached);
    io_->poll();
    io_->restart();
    return *run;
  }
};

constexpr const char* kIds = R"(workflow: test.ids
steps:
  - id: account
    call: bss.get_account
    with: {request: "${ uuid() }"}
)";

TEST_F(RunnerHooksTest, NewRunIdGivesTheRunItsId) {
  int made = 0;
  MakeRunnerWith([&made](RunnerDependencies& deps) {
    deps.new_run_id = [&made] { return "run-" + std::to_string(++made); };
  });
  fake_->Script("bss.get_account", {FakeConnector::Ok(J("{}"))});
  RunSummary run = Start(kIds);
  EXPECT_EQ(run.run_id, "run-1");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(store_->GetRun("run-1").value().status, RunStatus::kSucceeded);
  ASSERT_EQ(fake_->calls().size(), 1u);
  EXPECT_EQ(fake_->calls()[0].ctx.run_id, "run-1");
  EXPECT_EQ(Start(kIds).run_id, "run-2");

  // uuid() follows from the run id: the same id on another engine gives
  // the same values, whatever the random source says.
  store_ = MakeMemoryStore();
  draws_ = 1000;
  made = 0;
  MakeRunnerWith([&made](RunnerDependencies& deps) {
    deps.new_run_id = [&made] { return "run-" + std::to_string(++made); };
  });
  EXPECT_EQ(Start(kIds).run_id, "run-1");
  ASSERT_EQ(fake_->calls().size(), 3u);
  EXPECT_EQ(Json(fake_->calls()[2].arguments),
            Json(fake_->calls()[0].arguments));
  EXPECT_NE(Json(fake_->calls()[1].arguments),
            Json(fake_->calls()[0].arguments));
}

TEST_F(RunnerHooksTest, StepTimeSetsTheStepStartAndNow) {
  MakeRunnerWith([](RunnerDependencies& deps) {
    deps.step_time = [](const std::string& step) -> int64_t {
      return step == "later" ? 1795500005250 : 1795500000100;
    };
  });
  RunSummary run = Start(R"(workflow: test.clock
steps:
  - id: first
    set: {a: "${ now() }"}
  - id: later
    set: {b: "${ now() }"}
outputs: {a: "${ vars.a }", b: "${ vars.b }"}
)");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(
      Last(run.run_id).data["outputs"].dump(),
      R"({"a":"2026-11-24T06:00:00.100Z","b":"2026-11-24T06:00:05.250Z"})");
  std::vector<std::string> times;
  for (const Event& event : Journal(run.run_id)) {
    times.push_back(event.type + " " + event.step + " " +
                    std::to_string(event.time_ms));
  }
  // Only step_started takes the step's time; the other events the clock's.
  EXPECT_EQ(times,
            (std::vector<std::string>{"run_started  1700000000000",
                                      "step_started first 1795500000100",
                                      "variables_set first 1700000000000",
                                      "step_succeeded first 1700000000000",
                                      "step_started later 1795500005250",
                                      "variables_set later 1700000000000",
                                      "step_succeeded later 1700000000000",
                                      "run_finished  1700000000000"}));
}

constexpr const char* kLongBackoff = R"(workflow: test.backoff
steps:
  - id: account
    call: bss.get_account
    retry: {attempts: 3, backoff: 1h, max_backoff: 1h}
)";

// A throttled answer asking to be called again in `retry_after` (at least
// that long a wait, whatever the jitter draws), then a success.
std::vector<FakeConnector::Reply> ThrottledThenOk(
    std::chrono::seconds retry_after) {
  return {{std::nullopt,
           ActionError{"throttled", "429", "slow down", retry_after},
           {},
           false},
          FakeConnector::Ok(J(R"({"ok": true})"))};
}

// A service that asks to be called again in more than kMaxRetryAfter is
// taken as down: the step fails at once instead of parking the run for
// that long (a Retry-After date in 2100 would be decades).
TEST_F(RunnerHooksTest, ARetryAfterLongerThanAnHourFailsTheStep) {
  fake_->Script("bss.get_account", ThrottledThenOk(std::chrono::hours(2)));
  std::optional<Result<RunSummary>> run =
      StartWithoutWaiting(Load(kLongBackoff));
  ASSERT_TRUE(run.has_value()) << "the run waited";
  ASSERT_TRUE(run->ok()) << run->status().message();
  const std::string id = run->value().run_id;
  EXPECT_EQ(run->value().status, RunStatus::kFailed);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  EXPECT_EQ(Last(id).data["error"].dump(),
            R"x({"code":"429","kind":"throttled","message":"slow down (the )x"
            R"x(service asked to be called again in 7200 s; a retry waits )x"
            R"x(at most 3600 s)","step":"account"})x");
}

TEST_F(RunnerHooksTest, SkipWaitsRetriesWithoutTheTimer) {
  MakeRunnerWith([](RunnerDependencies& deps) { deps.skip_waits = true; });
  fake_->Script("bss.get_account", ThrottledThenOk(std::chrono::hours(1)));
  std::optional<Result<RunSummary>> run =
      StartWithoutWaiting(Load(kLongBackoff));
  ASSERT_TRUE(run.has_value()) << "the run waited";
  ASSERT_TRUE(run->ok()) << run->status().message();
  const std::string id = run->value().run_id;
  EXPECT_EQ(run->value().status, RunStatus::kSucceeded);
  EXPECT_EQ(Types(id), (std::vector<std::string>{
                           "run_started", "step_started account",
                           "call_sent account", "call_failed account",
                           "call_sent account", "call_succeeded account",
                           "step_succeeded account", "run_finished"}));
  EXPECT_EQ(Journal(id)[3].data.dump(),
            R"({"attempt":1,"error":{"code":"429","kind":"throttled",)"
            R"("message":"slow down","retry_after_ms":3600000}})");
  EXPECT_EQ(Journal(id)[4].data["attempt"], 2);
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 2);
}

TEST_F(RunnerHooksTest, WithoutSkipWaitsTheSameRetryWaits) {
  MakeRunnerWith([](RunnerDependencies&) {});
  fake_->Script("bss.get_account", ThrottledThenOk(std::chrono::hours(1)));
  std::optional<Result<RunSummary>> run =
      StartWithoutWaiting(Load(kLongBackoff));
  EXPECT_FALSE(run.has_value());
  EXPECT_EQ(fake_->CallCount("bss.get_account"), 1);
  MakeRunner();  // drops the waiting run with its executor
}

}  // namespace
}  // namespace bssflow::engine
