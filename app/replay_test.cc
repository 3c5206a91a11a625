#include "app/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/offline_run.h"
#include "dsl/json_value.h"
#include "dsl/testing/shipped_data.h"
#include "engine/loader.h"

namespace bssflow::app {
namespace {

using nlohmann::json;

// ---- reading a recording ----

// A small but complete recording: three calls (one retried), a confirmed
// prompt, a notification, two clock ticks.
constexpr const char* kValidRecording = R"({
  "format": "bssflow-recording", "version": 1,
  "run": {"id": "r-1", "status": "succeeded"},
  "workflow": {"name": "test.link", "version": "h", "definition": "workflow: test.link\n"},
  "inputs": {"account_id": 7},
  "calls": [
    {"step": "account", "action": "bss.get_account", "arguments": {"id": 7},
     "attempts": [{"attempt": 1, "error": {"kind": "throttled", "code": "429",
                                           "message": "slow", "retry_after_ms": 2000}},
                  {"attempt": 2, "result": {"prefix": "contoso"}}]},
    {"step": "sync", "action": "bss.get_sync_options", "arguments": {"id": 7},
     "attempts": [{"attempt": 1, "result": {"mode": "full"}}]},
    {"step": "create", "action": "partner_center.create_customer",
     "arguments": {"domain": "contoso.onmicrosoft.com"},
     "attempts": [{"attempt": 1}]}
  ],
  "confirmations": [{"step": "ask", "message": "Link?", "answer": "confirm", "by": "alice"}],
  "notifications": [{"step": "tell", "template": "welcome", "to": "it@contoso.example"}],
  "clock": [{"step": "account", "time_ms": 1795500000100},
            {"step": "sync", "time_ms": 1795500000200}],
  "outcome": {"status": "succeeded", "outputs": {"tenant": "t-1"}}
})";

// The error ParseRecording gives for kValidRecording changed by `edit`.
std::string ParseError(const std::function<void(json&)>& edit) {
  json document = json::parse(kValidRecording);
  edit(document);
  Result<Recording> read = ParseRecording(document);
  return read.ok() ? "(parsed)" : read.status().message();
}

TEST(ParseRecordingTest, AValidDocument) {
  Result<Recording> read = ParseRecording(json::parse(kValidRecording));
  ASSERT_TRUE(read.ok()) << read.status().message();
  const Recording& recording = read.value();
  EXPECT_EQ(recording.run_id, "r-1");
  EXPECT_EQ(recording.workflow_name, "test.link");
  EXPECT_EQ(recording.definition, "workflow: test.link\n");
  EXPECT_EQ(recording.inputs.dump(), R"({"account_id":7})");
  ASSERT_EQ(recording.calls.size(), 3u);
  EXPECT_EQ(recording.calls[0].step, "account");
  EXPECT_EQ(recording.calls[0].action, "bss.get_account");
  EXPECT_EQ(recording.calls[0].arguments.dump(), R"({"id":7})");
  ASSERT_EQ(recording.calls[0].attempts.size(), 2u);
  EXPECT_FALSE(recording.calls[0].attempts[0].result.has_value());
  EXPECT_EQ(recording.calls[0].attempts[0].error->dump(),
            R"({"code":"429","kind":"throttled","message":"slow",)"
            R"("retry_after_ms":2000})");
  EXPECT_EQ(recording.calls[0].attempts[1].result->dump(),
            R"({"prefix":"contoso"})");
  ASSERT_EQ(recording.confirmations.size(), 1u);
  EXPECT_EQ(recording.confirmations[0].step, "ask");
  EXPECT_EQ(recording.confirmations[0].message, "Link?");
  EXPECT_EQ(recording.confirmations[0].answer, "confirm");
  EXPECT_EQ(recording.confirmations[0].by, "alice");
  EXPECT_EQ(
      recording.notifications.dump(),
      R"([{"step":"tell","template":"welcome","to":"it@contoso.example"}])");
  EXPECT_EQ(recording.step_times,
            (std::map<std::string, int64_t>{{"account", 1795500000100},
                                            {"sync", 1795500000200}}));
  EXPECT_EQ(recording.start_ms, 1795500000100);
  EXPECT_EQ(recording.outcome.dump(),
            R"({"outputs":{"tenant":"t-1"},"status":"succeeded"})");
}

TEST(ParseRecordingTest, RecordedOutcomes) {
  Recording recording = ParseRecording(json::parse(kValidRecording)).value();
  std::optional<engine::ActionOutcome> failed =
      RecordedOutcome(recording.calls[0].attempts[0]);
  ASSERT_TRUE(failed.has_value() && failed->error.has_value());
  EXPECT_EQ(failed->error->kind, "throttled");
  EXPECT_EQ(failed->error->code, "429");
  EXPECT_EQ(failed->error->message, "slow");
  EXPECT_EQ(failed->error->retry_after, std::chrono::milliseconds(2000));
  std::optional<engine::ActionOutcome> answered =
      RecordedOutcome(recording.calls[0].attempts[1]);
  ASSERT_TRUE(answered.has_value() && answered->result.has_value());
  EXPECT_EQ(dsl::ValueToJson(*answered->result).dump(),
            R"({"prefix":"contoso"})");
  // Sent, never answered: the recorded run stopped during the call.
  EXPECT_FALSE(RecordedOutcome(recording.calls[2].attempts[0]).has_value());
}

TEST(ParseRecordingTest, NotAnObject) {
  Result<Recording> read = ParseRecording(json::array());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(), "a recording must be a JSON object");
}

TEST(ParseRecordingTest, WrongFormat) {
  EXPECT_EQ(ParseError([](json& d) { d["format"] = "bssflow-journal"; }),
            R"(not a recording: /format must be "bssflow-recording")");
  EXPECT_EQ(ParseError([](json& d) { d.erase("format"); }),
            R"(not a recording: /format must be "bssflow-recording")");
}

TEST(ParseRecordingTest, UnsupportedVersion) {
  EXPECT_EQ(ParseError([](json& d) { d["version"] = 2; }),
            "recording version 2 is not supported; this bssflow reads "
            "version 1");
  EXPECT_EQ(ParseError([](json& d) { d["version"] = "1"; }),
            "recording version \"1\" is not supported; this bssflow reads "
            "version 1");
}

TEST(ParseRecordingTest, AMissingMemberIsNamedByItsPointer) {
  EXPECT_EQ(ParseError([](json& d) { d["calls"][2].erase("action"); }),
            "/calls/2/action is missing");
  EXPECT_EQ(ParseError([](json& d) { d["calls"][1].erase("arguments"); }),
            "/calls/1/arguments is missing");
  EXPECT_EQ(ParseError([](json& d) { d["run"].erase("id"); }),
            "/run/id is missing");
  EXPECT_EQ(ParseError([](json& d) { d.erase("clock"); }), "/clock is missing");
  EXPECT_EQ(ParseError([](json& d) { d["confirmations"][0].erase("step"); }),
            "/confirmations/0/step is missing");
}

TEST(ParseRecordingTest, AWrongTypeIsNamedByItsPointer) {
  EXPECT_EQ(ParseError([](json& d) { d["calls"][0]["step"] = 5; }),
            "/calls/0/step must be a string, not number");
  EXPECT_EQ(ParseError([](json& d) { d["calls"] = json::object(); }),
            "/calls must be an array, not object");
  EXPECT_EQ(ParseError([](json& d) { d["calls"][1] = "sync"; }),
            "/calls/1 must be an object");
  EXPECT_EQ(ParseError([](json& d) { d["inputs"] = json::array(); }),
            "/inputs must be an object, not array");
  EXPECT_EQ(ParseError([](json& d) { d["clock"][1]["time_ms"] = "soon"; }),
            "/clock/1/time_ms must be an integer, not string");
  EXPECT_EQ(ParseError([](json& d) { d["clock"][1]["time_ms"] = 1.5; }),
            "/clock/1/time_ms must be an integer, not number");
  EXPECT_EQ(ParseError([](json& d) {
              d["calls"][0]["attempts"][0]["error"] = "busy";
            }),
            "/calls/0/attempts/0/error must be an object, not string");
  EXPECT_EQ(ParseError([](json& d) { d["confirmations"][0]["by"] = nullptr; }),
            "/confirmations/0/by must be a string, not null");
}

TEST(ParseRecordingTest, AnErrorWithoutATextKind) {
  EXPECT_EQ(ParseError([](json& d) {
              d["calls"][0]["attempts"][0]["error"] = {{"kind", 5}};
            }),
            "/calls/0/attempts/0/error/kind must be a string, not number");
  EXPECT_EQ(ParseError([](json& d) {
              d["calls"][0]["attempts"][0]["error"] = {{"message", "busy"}};
            }),
            "/calls/0/attempts/0/error/kind is missing");
  EXPECT_EQ(ParseError([](json& d) {
              d["calls"][0]["attempts"][0]["error"] = {{"kind", "retryable"},
                                                       {"code", 503}};
            }),
            "/calls/0/attempts/0/error/code must be a string, not number");
}

TEST(ParseRecordingTest, ABadAnswer) {
  EXPECT_EQ(
      ParseError([](json& d) { d["confirmations"][0]["answer"] = "maybe"; }),
      R"(/confirmations/0/answer must be "confirm" or "reject", not "maybe")");
}

TEST(ParseRecordingTest, AnEmptyAttemptsArray) {
  EXPECT_EQ(
      ParseError([](json& d) { d["calls"][1]["attempts"] = json::array(); }),
      "/calls/1/attempts is empty");
}

// ---- comparing JSON ----

std::vector<std::string> Differences(const char* expected, const char* actual,
                                     const std::string& path = "") {
  return JsonDifferences(json::parse(expected), json::parse(actual), path);
}

using Lines = std::vector<std::string>;

TEST(JsonDifferencesTest, EqualValues) {
  EXPECT_EQ(Differences(R"({"a": [1, {"b": null}], "c": "x"})",
                        R"({"c": "x", "a": [1, {"b": null}]})"),
            Lines{});
}

TEST(JsonDifferencesTest, AChangedScalar) {
  EXPECT_EQ(Differences("1", "2"), Lines{"(the value): expected 1, got 2"});
  EXPECT_EQ(
      Differences(R"({"domain_prefix": "contoso"})",
                  R"({"domain_prefix": "fabrikam"})", "arguments"),
      Lines{R"(arguments.domain_prefix: expected "contoso", got "fabrikam")"});
  EXPECT_EQ(Differences(R"({"id": 7})", R"({"id": "7"})"),
            Lines{R"(id: expected 7, got "7")"});
}

TEST(JsonDifferencesTest, MissingAndExtraKeys) {
  EXPECT_EQ(Differences(R"({"a": 1, "b": {"x": true}})",
                        R"({"a": 1, "c": [3]})", "arguments"),
            (Lines{R"(arguments.b: expected {"x":true}, missing)",
                   "arguments.c: not expected, got [3]"}));
}

TEST(JsonDifferencesTest, ArraysOfDifferentSizes) {
  EXPECT_EQ(
      Differences("[1, 2, 3]", "[1]", "ids"),
      (Lines{"ids[1]: expected 2, missing", "ids[2]: expected 3, missing"}));
  EXPECT_EQ(Differences("[1]", R"([1, "two"])", "ids"),
            Lines{R"(ids[1]: not expected, got "two")"});
}

TEST(JsonDifferencesTest, MaskedSecretsMatchAnything) {
  EXPECT_EQ(Differences(R"({"password": "***", "user": "***"})",
                        R"({"password": "p@ss", "user": {"name": "x"}})"),
            Lines{});
  EXPECT_EQ(Differences(R"("***")", "null"), Lines{});
  // Only in what was expected: a replay that produces "***" is compared.
  EXPECT_EQ(Differences(R"("p@ss")", R"("***")"),
            Lines{R"((the value): expected "p@ss", got "***")"});
}

TEST(JsonDifferencesTest, NestedPaths) {
  EXPECT_EQ(Differences(R"({"a": {"b": [1, 2], "c": {"d": 1}}})",
                        R"({"a": {"b": [1, 3], "c": 1}})", "arguments"),
            (Lines{"arguments.a.b[1]: expected 2, got 3",
                   R"(arguments.a.c: expected {"d":1}, got 1)"}));
}

TEST(ShortJsonTest, LongValuesAreShortened) {
  EXPECT_EQ(ShortJson(json::parse(R"({"b": [1, 2], "a": "x"})")),
            R"({"a":"x","b":[1,2]})");
  std::string text = ShortJson(std::string(300, 'x'));
  EXPECT_EQ(text.size(), 160u);
  EXPECT_EQ(text.substr(0, 2), "\"x");
  EXPECT_EQ(text.substr(157), "...");
}

TEST(RenderDivergencesTest, OneDivergence) {
  ReplayReport report;
  report.divergences.push_back({"account",
                                "wf.yaml:6:5",
                                "call 1 (bss.get_account) has other arguments",
                                {"arguments.id: expected 7, got 8"}});
  EXPECT_EQ(RenderDivergences(report, "  "),
            "  call 1 (bss.get_account) has other arguments\n"
            "    at step account (wf.yaml:6:5)\n"
            "    arguments.id: expected 7, got 8\n");
}

TEST(RenderDivergencesTest, ADivergenceWithoutAStep) {
  ReplayReport report;
  report.divergences.push_back(
      {"", "", "the replay made 2 calls; the recording has 3", {}});
  report.divergences.push_back({"gone", "", "call 3 differs", {"expected: x"}});
  EXPECT_EQ(RenderDivergences(report, "> "),
            "> the replay made 2 calls; the recording has 3\n"
            "> call 3 differs\n"
            ">   at step gone\n"
            ">   expected: x\n");
}

// ---- replaying ----

// Three calls, the third using the first's result; secrets in the result
// of the third.
constexpr const char* kProvision = R"(workflow: test.provision
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: sync
    call: bss.get_sync_options
    with: {id: "${ inputs.account_id }"}
  - id: create
    call: partner_center.create_customer
    with: {domain: "${ steps.account.prefix }.onmicrosoft.com"}
outputs:
  tenant: "${ steps.create.tenant_id }"
  mode: "${ steps.sync.mode }"
)";

using Answers = std::map<std::string, std::vector<engine::ActionOutcome>>;

engine::ActionOutcome Ok(const char* result) {
  return engine::ActionOutcome::Success(
      dsl::ValueFromJson(json::parse(result)).value());
}

engine::ActionOutcome Fail(
    std::string kind, std::string code, std::string message,
    std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
  return engine::ActionOutcome::Failure(
      {std::move(kind), std::move(code), std::move(message), retry_after});
}

// What the services answer to kProvision (and its variations).
Answers ProvisionAnswers() {
  return {
      {"bss.get_account", {Ok(R"({"name": "Contoso", "prefix": "contoso"})")}},
      {"bss.get_sync_options", {Ok(R"({"mode": "full"})")}},
      {"partner_center.create_customer",
       {Ok(R"({"tenant_id": "t-1", "credentials": {"password": "p@ss"}})")}},
      {"bss.set_sync_status", {Ok(R"({"ok": true})")}}};
}

using PromptAnswerer = std::function<std::optional<PromptAnswer>(
    const std::string& step, const json& message)>;

class ReplayTest : public ::testing::Test {
 protected:
  ReplayTest() {
    context_.functions = dsl::testing::ShippedRegistry();
    context_.actions = &catalog_;
    EXPECT_TRUE(
        catalog_.Add({"bss.get_account", {{"id", true, ""}}, {}, ""}).ok());
    EXPECT_TRUE(
        catalog_.Add({"bss.get_sync_options", {{"id", true, ""}}, {}, ""})
            .ok());
    EXPECT_TRUE(catalog_
                    .Add({"bss.set_sync_status",
                          {{"id", true, ""}, {"status", true, ""}},
                          {},
                          ""})
                    .ok());
    EXPECT_TRUE(catalog_
                    .Add({"partner_center.create_customer",
                          {{"domain", true, ""},
                           {"request", false, ""},
                           {"at", false, ""}},
                          {"credentials.password"},
                          ""})
                    .ok());
  }

  std::shared_ptr<const engine::Workflow> Load(const std::string& yaml) {
    engine::LoadResult loaded = engine::LoadWorkflow("wf.yaml", yaml, context_);
    EXPECT_TRUE(loaded.ok())
        << dsl::RenderAll(loaded.source, loaded.diagnostics);
    return loaded.workflow;
  }

  // Runs `yaml` once offline on `answers` (by action, one per attempt, the
  // last repeating) and reads its recording back. `adjust` may set the
  // run id and clock.
  Recording Record(const std::string& yaml, const Answers& answers,
                   PromptAnswerer prompt = {},
                   const std::function<void(OfflineRunSpec&)>& adjust = {}) {
    OfflineRunSpec spec;
    spec.workflow = Load(yaml);
    spec.definition = yaml;
    spec.inputs = {{"account_id", 7}};
    spec.actions = &catalog_;
    spec.answer_call = [&answers](const OfflineCall& call) {
      auto script = answers.find(call.action);
      if (script == answers.end())
        return Fail("fatal", "unscripted", "no answer for " + call.action);
      const size_t rank =
          std::min(static_cast<size_t>(call.attempt), script->second.size());
      return script->second[rank - 1];
    };
    spec.answer_prompt = std::move(prompt);
    if (adjust) adjust(spec);
    Result<OfflineRunResult> run = RunOffline(spec);
    EXPECT_TRUE(run.ok()) << run.status().message();
    if (!run.ok()) return Recording();
    recorded_ = run.value().recording;
    Result<Recording> read = ParseRecording(recorded_);
    EXPECT_TRUE(read.ok()) << read.status().message();
    return read.ok() ? read.value() : Recording();
  }

  ReplayReport ReplayOn(const std::string& yaml, const Recording& recording,
                        bool accept_changes = false) {
    ReplayOptions options;
    options.workflow = Load(yaml);
    options.definition = yaml;
    options.actions = &catalog_;
    options.accept_changes = accept_changes;
    Result<ReplayReport> report = Replay(recording, options);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? report.value() : ReplayReport();
  }

  // `text` with `from` replaced by `to` (once; `from` must be there).
  static std::string Edit(std::string text, const std::string& from,
                          const std::string& to) {
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  }

  engine::LoaderContext context_;
  engine::ActionCatalog catalog_;
  json recorded_;  // the last recording made, as written
};

TEST_F(ReplayTest, TheRecordedWorkflowReplaysGreen) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  EXPECT_EQ(
      recorded_["outcome"].dump(),
      R"({"outputs":{"mode":"full","tenant":"t-1"},"status":"succeeded"})");
  ASSERT_EQ(recording.calls.size(), 3u);
  EXPECT_EQ(recording.calls[2].arguments.dump(),
            R"({"domain":"contoso.onmicrosoft.com"})");
  // The secret is masked in the recording, and the masked value is what
  // the replay's connector answers with.
  EXPECT_EQ(recording.calls[2].attempts[0].result->dump(),
            R"({"credentials":{"password":"***"},"tenant_id":"t-1"})");

  ReplayReport report = ReplayOn(kProvision, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_TRUE(report.divergences.empty());
  EXPECT_EQ(report.calls, 3u);
  EXPECT_EQ(report.recording["run"]["id"], recording.run_id);
  // The same calls with the same answers; only the idempotency keys, drawn
  // at random, are new.
  json replayed_calls = report.recording["calls"];
  json recorded_calls = recorded_["calls"];
  for (json* calls : {&replayed_calls, &recorded_calls}) {
    for (json& call : *calls) call.erase("idempotency_key");
  }
  EXPECT_EQ(replayed_calls.dump(), recorded_calls.dump());
  EXPECT_EQ(report.recording["outcome"], recorded_["outcome"]);
}

TEST_F(ReplayTest, AChangedArgument) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayReport report =
      ReplayOn(Edit(kProvision, R"(id: "${ inputs.account_id }"})",
                    R"(id: "${ inputs.account_id + 1 }"})"),
               recording);
  EXPECT_EQ(RenderDivergences(report, "  "),
            "  call 1 (bss.get_account) has other arguments\n"
            "    at step account (wf.yaml:5:5)\n"
            "    arguments.id: expected 7, got 8\n");
  // Nothing after the first difference is compared (the run then fails on
  // the call answered with a failure, and its end is not reported).
  EXPECT_EQ(report.divergences.size(), 1u);
  EXPECT_EQ(report.calls, 1u);
  EXPECT_EQ(report.recording["outcome"]["status"], "failed");
  EXPECT_EQ(report.recording["outcome"]["error"]["code"], "replay_divergence");
}

TEST_F(ReplayTest, AReorderedCall) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  const std::string reordered = R"(workflow: test.provision
inputs:
  account_id: int
steps:
  - id: sync
    call: bss.get_sync_options
    with: {id: "${ inputs.account_id }"}
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: create
    call: partner_center.create_customer
    with: {domain: "${ steps.account.prefix }.onmicrosoft.com"}
outputs:
  tenant: "${ steps.create.tenant_id }"
  mode: "${ steps.sync.mode }"
)";
  ReplayReport report = ReplayOn(reordered, recording);
  EXPECT_EQ(
      RenderDivergences(report, ""),
      "call 1 differs\n"
      "  at step sync (wf.yaml:5:5)\n"
      "  expected: step account (wf.yaml:8:5): bss.get_account {\"id\":7}\n"
      "  actual:   step sync: bss.get_sync_options {\"id\":7}\n");
  EXPECT_EQ(report.calls, 1u);
}

TEST_F(ReplayTest, AnExtraCallBeyondTheRecording) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayReport report = ReplayOn(Edit(kProvision, "outputs:\n",
                                      "  - id: done\n"
                                      "    call: bss.set_sync_status\n"
                                      "    with: {id: 7, status: synced}\n"
                                      "outputs:\n"),
                                 recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "call 4 is not in the recording, which has 3 calls\n"
            "  at step done (wf.yaml:14:5)\n"
            "  actual:   step done: bss.set_sync_status "
            "{\"id\":7,\"status\":\"synced\"}\n");
  EXPECT_EQ(report.calls, 4u);
}

// kProvision without its third call, and how a replay of a kProvision
// recording on it diverges.
constexpr const char* kWithoutCreate = R"(workflow: test.provision
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: sync
    call: bss.get_sync_options
    with: {id: "${ inputs.account_id }"}
outputs:
  tenant: t-1
  mode: "${ steps.sync.mode }"
)";
constexpr const char* kCreateNotMade =
    "the replay made 2 calls; the recording has 3\n"
    "  at step create\n"
    "  first call not made: step create (not in the workflow): "
    "partner_center.create_customer "
    "{\"domain\":\"contoso.onmicrosoft.com\"}\n";

TEST_F(ReplayTest, FewerCalls) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayReport report = ReplayOn(kWithoutCreate, recording);
  EXPECT_EQ(RenderDivergences(report, ""), kCreateNotMade);
  EXPECT_EQ(report.calls, 2u);
}

// kProvision with a last step that fails.
std::string ProvisionThatFails() {
  std::string text = kProvision;
  text.replace(text.find("outputs:\n"), 9,
               "  - id: verify\n"
               "    check:\n"
               "      - that: steps.create.tenant_id == 't-2'\n"
               "        message: \"Unexpected tenant "
               "${ steps.create.tenant_id }.\"\n"
               "outputs:\n");
  return text;
}

TEST_F(ReplayTest, ADifferentFinalStatus) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayReport report = ReplayOn(ProvisionThatFails(), recording);
  ASSERT_EQ(report.divergences.size(), 1u);
  EXPECT_EQ(report.divergences[0].summary,
            "the run ends failed; the recording ends succeeded");
  EXPECT_EQ(
      report.divergences[0].details,
      Lines{"error: {\"code\":\"check\",\"kind\":\"check_failed\","
            "\"message\":\"Unexpected tenant t-1.\",\"step\":\"verify\"}"});
}

// A failed run's outcome names its step in error.step.
TEST_F(ReplayTest, AFailedRunsDivergenceNamesItsStep) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayReport report = ReplayOn(ProvisionThatFails(), recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "the run ends failed; the recording ends succeeded\n"
            "  at step verify (wf.yaml:14:5)\n"
            "  error: {\"code\":\"check\",\"kind\":\"check_failed\","
            "\"message\":\"Unexpected tenant t-1.\",\"step\":\"verify\"}\n");
}

TEST_F(ReplayTest, OtherOutputs) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  recording.calls[2].attempts[0].result = json{{"tenant_id", "t-9"}};
  ReplayReport report = ReplayOn(kProvision, recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "the run's outputs differ\n"
            "  outputs.tenant: expected \"t-1\", got \"t-9\"\n");
}

constexpr const char* kConfirm = R"(workflow: test.confirm
inputs:
  account_id: int
steps:
  - id: ask
    confirm:
      message: "Link account ${ inputs.account_id }?"
      on_reject: end
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
outputs:
  name: "${ steps.account.name }"
)";

PromptAnswerer AnswerWith(engine::Answer answer) {
  return [answer](const std::string&, const json&) {
    return std::optional<PromptAnswer>(PromptAnswer{answer, "alice"});
  };
}

TEST_F(ReplayTest, AConfirmationIsAnsweredFromTheRecording) {
  Recording recording = Record(kConfirm, ProvisionAnswers(),
                               AnswerWith(engine::Answer::kConfirm));
  ASSERT_EQ(recording.confirmations.size(), 1u);
  EXPECT_EQ(recording.confirmations[0].message, "Link account 7?");
  EXPECT_EQ(recording.confirmations[0].answer, "confirm");
  ReplayReport report = ReplayOn(kConfirm, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.calls, 1u);
  EXPECT_EQ(report.recording["confirmations"].dump(),
            R"([{"answer":"confirm","by":"alice","message":"Link account 7?",)"
            R"("step":"ask"}])");
  EXPECT_EQ(report.recording["outcome"].dump(),
            R"({"outputs":{"name":"Contoso"},"status":"succeeded"})");
}

TEST_F(ReplayTest, ARejectionIsAnsweredFromTheRecording) {
  Recording recording =
      Record(kConfirm, ProvisionAnswers(), AnswerWith(engine::Answer::kReject));
  EXPECT_EQ(recording.calls.size(), 0u);
  ReplayReport report = ReplayOn(kConfirm, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.calls, 0u);
  EXPECT_EQ(report.recording["confirmations"][0]["answer"], "reject");
  EXPECT_EQ(report.recording["outcome"].dump(),
            R"({"outcome":"rejected","status":"succeeded","step":"ask"})");
}

TEST_F(ReplayTest, AnUnansweredConfirmationStaysParked) {
  Recording recording = Record(kConfirm, ProvisionAnswers());
  EXPECT_EQ(recorded_["outcome"].dump(),
            R"({"status":"awaiting_confirmation"})");
  ReplayReport report = ReplayOn(kConfirm, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.recording["outcome"]["status"], "awaiting_confirmation");
}

// What `bssflow export` writes for a run cancelled where it waited: the
// prompt unanswered, the outcome cancelled.
TEST_F(ReplayTest, ARunCancelledAtAPromptReplaysCancelledThere) {
  Recording recording = Record(kConfirm, ProvisionAnswers());
  recording.outcome = {{"status", "cancelled"}};
  ReplayReport report = ReplayOn(kConfirm, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.recording["confirmations"].dump(),
            R"([{"message":"Link account 7?","step":"ask"}])");
  EXPECT_EQ(report.recording["outcome"].dump(), R"({"status":"cancelled"})");
}

TEST_F(ReplayTest, OfflineRunsCancelAtAPromptWhenTold) {
  Recording recording =
      Record(kConfirm, ProvisionAnswers(), [](const std::string&, const json&) {
        return std::optional<PromptAnswer>(PromptAnswer{{}, "", true});
      });
  EXPECT_EQ(recorded_["outcome"].dump(), R"({"status":"cancelled"})");
  EXPECT_EQ(recorded_["confirmations"].dump(),
            R"([{"message":"Link account 7?","step":"ask"}])");
}

// A run cancelled while its third call was under way: the call was sent,
// never answered.
TEST_F(ReplayTest, ARunCancelledDuringACallReplaysCancelledThere) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ASSERT_EQ(recording.calls.size(), 3u);
  recording.calls[2].attempts[0] = Recording::Attempt{};
  recording.outcome = {{"status", "cancelled"}};
  ReplayReport report = ReplayOn(kProvision, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.calls, 3u);
  const json& attempts = report.recording["calls"][2]["attempts"];
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_FALSE(attempts[0].contains("result"));
  EXPECT_FALSE(attempts[0].contains("error"));
  EXPECT_EQ(report.recording["outcome"].dump(), R"({"status":"cancelled"})");
}

// The same recording, but the replayed workflow no longer makes that call:
// it goes on to the end, which the recording does not have.
TEST_F(ReplayTest, ACancelledRunWhoseCallIsGoneDiverges) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  recording.calls[2].attempts[0] = Recording::Attempt{};
  recording.outcome = {{"status", "cancelled"}};
  ReplayReport report = ReplayOn(kWithoutCreate, recording);
  EXPECT_EQ(RenderDivergences(report, ""), kCreateNotMade);
}

TEST_F(ReplayTest, AConfirmationWithAnotherMessage) {
  Recording recording = Record(kConfirm, ProvisionAnswers(),
                               AnswerWith(engine::Answer::kConfirm));
  ReplayReport report =
      ReplayOn(Edit(kConfirm, "Link account", "Link the account"), recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "confirmation 1 asks with another message\n"
            "  at step ask (wf.yaml:5:5)\n"
            "  message: expected \"Link account 7?\", got \"Link the account "
            "7?\"\n");
}

constexpr const char* kRetried = R"(workflow: test.retried
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
    retry: {attempts: 3, backoff: 1h, max_backoff: 1h}
outputs:
  name: "${ steps.account.name }"
)";

// Both the recording and the replay would wait an hour (the Retry-After)
// if they waited at all.
Answers RetriedAnswers() {
  return {{"bss.get_account",
           {Fail("throttled", "429", "slow down", std::chrono::hours(1)),
            Ok(R"({"name": "Contoso"})")}}};
}

TEST_F(ReplayTest, ARetriedCallReplaysWithoutWaiting) {
  Recording recording = Record(kRetried, RetriedAnswers());
  ASSERT_EQ(recording.calls.size(), 1u);
  ASSERT_EQ(recording.calls[0].attempts.size(), 2u);
  EXPECT_EQ(recording.calls[0].attempts[0].error->dump(),
            R"({"code":"429","kind":"throttled","message":"slow down",)"
            R"("retry_after_ms":3600000})");
  ReplayReport report = ReplayOn(kRetried, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.calls, 1u);
  EXPECT_EQ(report.recording["calls"][0]["attempts"].size(), 2u);
  EXPECT_EQ(report.recording["outcome"].dump(),
            R"({"outputs":{"name":"Contoso"},"status":"succeeded"})");
}

TEST_F(ReplayTest, ACallTriedFewerTimesThanRecorded) {
  Recording recording = Record(kRetried, RetriedAnswers());
  ReplayReport report = ReplayOn(
      Edit(kRetried, "    retry: {attempts: 3, backoff: 1h, max_backoff: 1h}\n",
           ""),
      recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "call 1 (bss.get_account) is tried 1 time; the recording tried it "
            "2 times\n"
            "  at step account (wf.yaml:5:5)\n");
}

TEST_F(ReplayTest, ACallTriedMoreTimesThanRecorded) {
  Recording recording = Record(kRetried, RetriedAnswers());
  recording.calls[0].attempts.pop_back();  // the recording: one throttled try
  ReplayReport report = ReplayOn(kRetried, recording);
  EXPECT_EQ(RenderDivergences(report, ""),
            "call 1 (bss.get_account) is tried 2 times; the recording tried it "
            "1 time\n"
            "  at step account (wf.yaml:5:5)\n");
}

// A run cancelled while it waited an hour to try its call again.
TEST_F(ReplayTest, ARunCancelledWaitingToRetryReplaysCancelledThere) {
  Recording recording = Record(kRetried, RetriedAnswers());
  recording.calls[0].attempts.pop_back();  // the recording: one throttled try
  recording.outcome = {{"status", "cancelled"}};
  ReplayReport report = ReplayOn(kRetried, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.recording["outcome"].dump(), R"({"status":"cancelled"})");
  // The replay does not wait: it cancels as the second try starts.
  const json& attempts = report.recording["calls"][0]["attempts"];
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0]["error"]["code"], "429");
  EXPECT_FALSE(attempts[1].contains("error"));
}

TEST_F(ReplayTest, AWorkflowStepStopsAnOfflineRun) {
  OfflineRunSpec spec;
  spec.workflow = Load(R"(workflow: test.parent
inputs:
  account_id: int
steps:
  - id: child
    workflow: test.child
    with: {account_id: "${ inputs.account_id }"}
)");
  spec.inputs = {{"account_id", 7}};
  spec.answer_call = [](const OfflineCall& call) {
    return Fail("fatal", "unscripted", "no answer for " + call.action);
  };
  Result<OfflineRunResult> run = RunOffline(spec);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "the run reaches a `workflow` step (it runs workflow "
            "'test.child'), which an offline run cannot run: the run such a "
            "step starts has a recording of its own (bssflow export RUN)");
}

constexpr const char* kNondeterministic = R"(workflow: test.ids
inputs:
  account_id: int
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
  - id: create
    call: partner_center.create_customer
    with:
      domain: "${ steps.account.prefix }.onmicrosoft.com"
      request: "${ uuid() }"
      at: "${ now() }"
)";

constexpr const char* kRecordedRunId = "6f1d2c3b-4a59-4e87-9d6c-5b4a39281706";

void RecordedClock(OfflineRunSpec& spec) {
  spec.run_id = kRecordedRunId;
  spec.start_ms = 1795500000000;
  spec.step_times = {{"account", 1795500000100}, {"create", 1795500005250}};
}

TEST_F(ReplayTest, UuidAndNowGiveTheRecordedValues) {
  Recording recording =
      Record(kNondeterministic, ProvisionAnswers(), {}, RecordedClock);
  EXPECT_EQ(recording.run_id, kRecordedRunId);
  ASSERT_EQ(recording.calls.size(), 2u);
  const json& arguments = recording.calls[1].arguments;
  EXPECT_EQ(arguments["at"], "2026-11-24T06:00:05.250Z");
  const std::string request = arguments["request"];
  EXPECT_EQ(request.size(), 36u);
  EXPECT_EQ(recording.step_times.at("create"), 1795500005250);

  ReplayReport report = ReplayOn(kNondeterministic, recording);
  EXPECT_EQ(RenderDivergences(report, ""), "");
  EXPECT_EQ(report.recording["calls"][1]["arguments"], arguments);

  // The values come from the recording: another run id gives other uuids,
  // another clock another now().
  Recording other_id = recording;
  other_id.run_id = "00000000-0000-4000-8000-000000000000";
  report = ReplayOn(kNondeterministic, other_id);
  ASSERT_EQ(report.divergences.size(), 1u);
  EXPECT_EQ(report.divergences[0].summary,
            "call 2 (partner_center.create_customer) has other arguments");
  ASSERT_EQ(report.divergences[0].details.size(), 1u);
  EXPECT_EQ(report.divergences[0].details[0].rfind(
                "arguments.request: expected \"" + request + "\", got \"", 0),
            0u)
      << report.divergences[0].details[0];

  Recording other_clock = recording;
  other_clock.step_times["create"] = 1795500009000;
  report = ReplayOn(kNondeterministic, other_clock);
  EXPECT_EQ(RenderDivergences(report, ""),
            "call 2 (partner_center.create_customer) has other arguments\n"
            "  at step create (wf.yaml:8:5)\n"
            "  arguments.at: expected \"2026-11-24T06:00:05.250Z\", got "
            "\"2026-11-24T06:00:09.000Z\"\n");
}

TEST_F(ReplayTest, AcceptingChangesAnswersAReorderedWorkflow) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  const std::string reordered =
      Edit(Edit(kProvision,
                "  - id: sync\n"
                "    call: bss.get_sync_options\n"
                "    with: {id: \"${ inputs.account_id }\"}\n",
                ""),
           "outputs:\n",
           "  - id: sync\n"
           "    call: bss.get_sync_options\n"
           "    with: {id: \"${ inputs.account_id }\"}\n"
           "outputs:\n");
  ASSERT_FALSE(ReplayOn(reordered, recording).divergences.empty());

  ReplayReport accepted =
      ReplayOn(reordered, recording, /*accept_changes=*/true);
  // What changed is still reported.
  EXPECT_EQ(RenderDivergences(accepted, ""),
            "call 2 differs\n"
            "  at step create (wf.yaml:8:5)\n"
            "  expected: step sync (wf.yaml:11:5): bss.get_sync_options "
            "{\"id\":7}\n"
            "  actual:   step create: partner_center.create_customer "
            "{\"domain\":\"contoso.onmicrosoft.com\"}\n");
  EXPECT_EQ(accepted.calls, 3u);
  EXPECT_EQ(
      accepted.recording["outcome"].dump(),
      R"({"outputs":{"mode":"full","tenant":"t-1"},"status":"succeeded"})");

  Result<Recording> updated = ParseRecording(accepted.recording);
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  ASSERT_EQ(updated.value().calls.size(), 3u);
  EXPECT_EQ(updated.value().calls[1].step, "create");
  EXPECT_EQ(updated.value().calls[2].step, "sync");
  ReplayReport again = ReplayOn(reordered, updated.value());
  EXPECT_EQ(RenderDivergences(again, ""), "");
}

TEST_F(ReplayTest, AcceptingChangesNeedsAnAnswerForEveryCall) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  ReplayOptions options;
  const std::string extended = Edit(kProvision, "outputs:\n",
                                    "  - id: done\n"
                                    "    call: bss.set_sync_status\n"
                                    "    with: {id: 7, status: synced}\n"
                                    "outputs:\n");
  options.workflow = Load(extended);
  options.definition = extended;
  options.actions = &catalog_;
  options.accept_changes = true;
  Result<ReplayReport> report = Replay(recording, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().message(),
            "step done calls bss.set_sync_status, which the recording has no "
            "answer for; record the run again");
}

TEST_F(ReplayTest, InputsThatDoNotSuitTheWorkflow) {
  Recording recording = Record(kProvision, ProvisionAnswers());
  recording.inputs = {{"acount_id", 7}};
  ReplayOptions options;
  options.workflow = Load(kProvision);
  options.definition = kProvision;
  Result<ReplayReport> report = Replay(recording, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().message(),
            "workflow test.provision has no input 'acount_id'; did you mean "
            "'account_id'?");
}

}  // namespace
}  // namespace bssflow::app
