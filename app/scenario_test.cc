#include "app/scenario.h"

#include <gtest/gtest.h>


#include "dsl/json_value.h"

namespace bssflow::app {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;

ScenarioFileResult Parse(const std::string& text) {
  return ParseScenario("dir/s.yaml", text);
}

// "line:col: message" of each diagnostic.
Lines Problems(const ScenarioFileResult& result) {
  Lines lines;
  for (const dsl::Diagnostic& d : result.diagnostics) {
    dsl::Location at = dsl::Locate(result.source, d.offset);
    lines.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) +
                    ": " + d.message);
  }
  return lines;
}

TEST(ParseScenarioTest, ReadsEveryField) {
  ScenarioFileResult read = Parse(R"(scenario: a new tenant
workflow: ../workflows/provision.yaml
inputs: {account_id: 1001, name: "007", ratio: 1.5, flag: true}
responses:
  partner_center.create_customer:
    - error: {kind: retryable, code: "503", message: busy}
    - result: {id: t-1}
answers: {confirm_link: reject}
expect:
  status: failed
  outputs: {domain: a.example}
  error: {kind: fail}
  outcome: rejected
  calls:
    - bss.get_account
    - {action: partner_center.create_customer, step: create, arguments: {domain: a}, attempts: 2}
  called: [bss.get_account]
  not_called: [notify.send]
  notifications: [{to: a@b.example}]
  messages: [no phone]
)");
  ASSERT_TRUE(read.scenario.has_value()) << Problems(read).front();
  const Scenario& s = *read.scenario;
  EXPECT_EQ(s.title, "a new tenant");
  EXPECT_EQ(s.workflow_file, "workflows/provision.yaml");
  EXPECT_EQ(s.inputs.dump(),
            R"({"account_id":1001,"flag":true,"name":"007","ratio":1.5})");
  ASSERT_EQ(s.responses.at("partner_center.create_customer").size(), 2u);
  EXPECT_EQ(s.responses.at("partner_center.create_customer")[0].dump(),
            R"({"error":{"code":"503","kind":"retryable","message":"busy"}})");
  EXPECT_EQ(s.answers.at("confirm_link"), "reject");
  EXPECT_EQ(s.expect.status, "failed");
  EXPECT_EQ(s.expect.outputs->dump(), R"({"domain":"a.example"})");
  EXPECT_EQ(s.expect.outcome, "rejected");
  ASSERT_EQ(s.expect.calls->size(), 2u);
  EXPECT_EQ((*s.expect.calls)[0].action, "bss.get_account");
  EXPECT_EQ((*s.expect.calls)[1].step, "create");
  EXPECT_EQ((*s.expect.calls)[1].attempts, 2);
  EXPECT_EQ((*s.expect.calls)[1].arguments->dump(), R"({"domain":"a"})");
  EXPECT_EQ(s.expect.called, Lines{"bss.get_account"});
  EXPECT_EQ(s.expect.not_called, Lines{"notify.send"});
  EXPECT_EQ(s.expect.messages, Lines{"no phone"});
}

TEST(ParseScenarioTest, ReportsEveryProblemWithItsPosition) {
  ScenarioFileResult read = Parse(R"(scenario: broken
workflw: x.yaml
responses:
  get_account: [{result: 1}]
  bss.get_account:
    - {result: 1, error: {kind: fatal}}
    - {error: {kind: retryabel}}
answers: {ask: maybe}
expect:
  status: succeded
  calls: [{step: s}]
  attempts: 3
)");
  EXPECT_FALSE(read.scenario.has_value());
  EXPECT_EQ(Problems(read),
            (Lines{"1:1: a scenario needs 'workflow'",
                   "2:1: unknown field 'workflw' in the scenario; did you mean "
                   "'workflow'?",
                   "4:3: 'get_account' is not an action: write "
                   "connector.action, e.g. bss.get_account",
                   "6:7: a response has either 'result' or 'error'",
                   "7:22: unknown error kind 'retryabel'; did you mean "
                   "'retryable'?",
                   "8:16: an answer is confirm or reject, got 'maybe'",
                   "10:11: unknown status 'succeded'; did you mean "
                   "'succeeded'?",
                   "11:11: a call needs 'action'",
                   "12:3: unknown field 'attempts' in 'expect'"}));
}

// A key given twice would have one of its values dropped without a word:
// in a scenario, a check that passes for want of being read.
TEST(ParseScenarioTest, AKeyGivenTwiceIsAProblem) {
  ScenarioFileResult read =
      Parse("scenario: s\nworkflow: w.yaml\ninputs: {a: 1}\ninputs: {a: 2}\n");
  EXPECT_EQ(Problems(read),
            Lines{"4:1: duplicate key 'inputs': it is already on line 3, and "
                  "a key may appear only once in a map"});
}

TEST(ParseScenarioTest, ARetryAfterOutOfRangeIsAProblem) {
  ScenarioFileResult read = Parse(
      "scenario: s\nworkflow: w.yaml\nresponses:\n"
      "  bss.get_account:\n"
      "    - error: {kind: throttled, retry_after_ms: -5}\n");
  EXPECT_EQ(Problems(read),
            Lines{"5:48: 'retry_after_ms' must be a whole number from 0 to "
                  "86400000, got '-5'"});
}

TEST(ParseScenarioTest, AMissingRecordingIsAProblemAtItsField) {
  ScenarioFileResult read = Parse(
      "scenario: s\nworkflow: w.yaml\nrecording: nowhere.json\n");
  EXPECT_EQ(Problems(read),
            Lines{"3:12: dir/nowhere.json: cannot read the file: No such file "
                  "or directory"});
}

// A recording as RunOffline makes them: what CheckExpectations reads.
json Recorded() {
  return json::parse(R"({
    "calls": [
      {"step": "account", "action": "bss.get_account", "arguments": {"id": 7},
       "attempts": [{"attempt": 1}]},
      {"step": "create", "action": "partner_center.create_customer",
       "arguments": {"domain": "a", "address": {"city": "Berlin", "zip": "1"}},
       "attempts": [{"attempt": 1}, {"attempt": 2}]}],
    "confirmations": [{"step": "ask", "message": "Link to Contoso?"}],
    "notifications": [{"step": "welcome", "template": "welcome", "to": "a@b.example", "cc": null}],
    "outcome": {"status": "failed",
                "error": {"step": "create", "kind": "fatal", "code": "x",
                          "message": "the tenant exists"}}})");
}

// A workflow that calls bss.get_account in a switch branch, asks at
// "ask" and notifies.
engine::Workflow NamesWorkflow() {
  engine::Workflow workflow;
  workflow.name = "w";
  engine::Step call;
  call.id = "account";
  call.kind = engine::StepKind::kCall;
  call.target = "bss.get_account";
  engine::Step branching;
  branching.id = "choose";
  branching.kind = engine::StepKind::kSwitch;
  branching.branches.push_back({std::nullopt, {call}, {}});
  engine::Step ask;
  ask.id = "ask";
  ask.kind = engine::StepKind::kConfirm;
  engine::Step notify;
  notify.id = "tell";
  notify.kind = engine::StepKind::kNotify;
  workflow.steps = {branching, ask, notify};
  return workflow;
}

TEST(CheckScenarioNamesTest, NamesTheWorkflowDoesNotHaveAreProblems) {
  ScenarioFileResult read = Parse(R"(scenario: names
workflow: w.yaml
responses:
  bss.get_acount: [{result: {}}]
  notify.send: [{result: {}}]
answers: {ask: confirm, aks: reject}
expect:
  calls: [bss.get_account, {action: bss.get_acount}]
  called: [notify.send]
  not_called: [partner_center.create_customer]
)");
  ASSERT_TRUE(read.scenario.has_value()) << Problems(read)[0];
  ScenarioFileResult checked = read;
  checked.diagnostics = CheckScenarioNames(*read.scenario, NamesWorkflow());
  EXPECT_EQ(
      Problems(checked),
      (Lines{"4:3: 'responses' names action 'bss.get_acount', which no step "
             "of workflow w makes; did you mean 'bss.get_account'?",
             "6:25: 'answers' names step 'aks', which is not a confirm step "
             "of workflow w; did you mean 'ask'?",
             "8:37: 'calls' names action 'bss.get_acount', which no step of "
             "workflow w makes; did you mean 'bss.get_account'?",
             "10:16: 'not_called' names action "
             "'partner_center.create_customer', which no step of workflow w "
             "makes"}));
}

TEST(CheckExpectationsTest, APassingScenarioHasNoFailures) {
  ScenarioExpectations e;
  e.status = "failed";
  e.error = json{{"kind", "fatal"}, {"step", "create"}};
  e.calls = std::vector<ExpectedCall>{
      {"bss.get_account", "account", json{{"id", 7}}, 1},
      {"partner_center.create_customer", "",
       json{{"address", {{"city", "Berlin"}}}}, 2}};
  e.called = {"bss.get_account"};
  e.not_called = {"notify.send"};
  e.notifications = json::array({{{"to", "a@b.example"}}});
  e.messages = {"Contoso", "tenant exists"};
  EXPECT_EQ(CheckExpectations(e, Recorded()), Lines{});
}

TEST(CheckExpectationsTest, EachFailureSaysWhatDiffers) {
  ScenarioExpectations e;
  e.status = "succeeded";
  e.outputs = json{{"domain", "a"}};
  e.outcome = "rejected";
  e.calls = std::vector<ExpectedCall>{
      {"bss.get_account", "other", json{{"id", 8}}, std::nullopt},
      {"partner_center.create_customer", "",
       json{{"address", {{"city", "Paris"}}}}, 1}};
  e.called = {"notify.send"};
  e.not_called = {"bss.get_account"};
  e.notifications = json::array({{{"to", "c@d.example"}}, {{"to", "x"}}});
  e.messages = {"nowhere"};
  EXPECT_EQ(
      CheckExpectations(e, Recorded()),
      (Lines{"status: expected succeeded, got failed (error: "
             R"({"code":"x","kind":"fatal","message":"the tenant exists","step":"create"}))",
             "outcome: expected rejected, got null",
             "outputs.domain: expected \"a\", missing",
             "calls[0] (bss.get_account): expected step other, got account",
             "calls[0] (bss.get_account): arguments.id: expected 8, got 7",
             "calls[1] (partner_center.create_customer): expected 1 attempts, "
             "got 2",
             "calls[1] (partner_center.create_customer): "
             "arguments.address.city: expected \"Paris\", got \"Berlin\"",
             "called: notify.send was not called",
             "not_called: bss.get_account was called",
             "notifications[0].to: expected \"c@d.example\", got "
             "\"a@b.example\"",
             "notifications[1]: expected {\"to\":\"x\"}, missing",
             "messages: no prompt, error or call says \"nowhere\""}));
}

TEST(CheckExpectationsTest, OtherCallsAreListedSideBySide) {
  ScenarioExpectations e;
  e.calls = std::vector<ExpectedCall>{
      {"bss.get_account", "", std::nullopt, std::nullopt}};
  EXPECT_EQ(CheckExpectations(e, Recorded()),
            (Lines{"calls: expected bss.get_account",
                   "       got      bss.get_account, "
                   "partner_center.create_customer"}));
}

engine::ActionOutcome Answer(ScenarioAnswers& answers, const std::string& step,
                             const std::string& action, int attempt) {
  return answers.Answer({step, action, attempt, json::object()});
}

std::string Text(const engine::ActionOutcome& outcome) {
  if (outcome.error.has_value())
    return "error " + outcome.error->kind + " " + outcome.error->message;
  return "result " + dsl::ValueToJson(*outcome.result).dump();
}

TEST(ScenarioAnswersTest, ResponsesFirstThenTheRecordingThenTheLastAgain) {
  Scenario scenario;
  scenario.responses["pc.create"] = {
      json::parse(R"({"error": {"kind": "retryable", "message": "busy"}})")};
  scenario.responses["bss.get"] = {json::parse(R"({"result": {"n": 1}})")};
  Recording recording;
  recording.calls.push_back(
      {"create", "pc.create", json::object(),
       {{json{{"id", "t-1"}}, std::nullopt, std::nullopt, false}}, "key-1"});
  scenario.recording = recording;
  ScenarioAnswers answers(scenario);
  // Attempt 1 from the responses, attempt 2 from the recording.
  EXPECT_EQ(Text(Answer(answers, "create", "pc.create", 1)),
            "error retryable busy");
  EXPECT_EQ(Text(Answer(answers, "create", "pc.create", 2)),
            R"(result {"id":"t-1"})");
  // The recording has no bss.get: its one response again and again.
  EXPECT_EQ(Text(Answer(answers, "a", "bss.get", 1)), R"(result {"n":1})");
  EXPECT_EQ(Text(Answer(answers, "b", "bss.get", 1)), R"(result {"n":1})");
  EXPECT_TRUE(answers.problem().empty());
  // Neither answers notify.send.
  EXPECT_EQ(Text(Answer(answers, "welcome", "notify.send", 1)),
            "error fatal scenario: step welcome calls notify.send, which "
            "neither the scenario's responses nor its recording answer");
  EXPECT_EQ(answers.problem(),
            "step welcome calls notify.send, which neither the scenario's "
            "responses nor its recording answer");
}

}  // namespace
}  // namespace bssflow::app
