// ParkedJournals, and the Runner's use of it: the drive an answer starts
// goes on from the journal the drive that parked the run left, when that
// still is the run's whole journal, and from the store otherwise.
#include "engine/parked_journals.h"

#include <gtest/gtest.h>

#include "engine/runner_drive.h"
#include "engine/secrets.h"
#include "engine/testing/counting_store.h"
#include "engine/testing/runner_fixture.h"

namespace bssflow::engine {
namespace {

using testing::CountingStore;
using testing::FakeConnector;
using testing::J;

// A journal of `n` events, numbered 1..n, of step `step`.
KnownJournal JournalOf(int n, const std::string& step = "s") {
  KnownJournal journal;
  journal.events.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    journal.events[static_cast<size_t>(i)].sequence = i + 1;
    journal.events[static_cast<size_t>(i)].step = step;
  }
  return journal;
}

TEST(ParkedJournalsTest, GivesBackAJournalOnceWhenItIsWhole) {
  ParkedJournals kept(4);
  kept.Keep("r1", JournalOf(3, "ask"));
  std::optional<KnownJournal> journal = kept.Take("r1", 3);
  ASSERT_TRUE(journal.has_value());
  ASSERT_EQ(journal->events.size(), 3u);
  EXPECT_EQ(journal->events.back().sequence, 3);
  EXPECT_EQ(journal->events.back().step, "ask");
  EXPECT_FALSE(kept.Take("r1", 3).has_value());
  EXPECT_EQ(kept.size(), 0u);
}

TEST(ParkedJournalsTest, AJournalShorterOrLongerThanTheRunsIsDropped) {
  ParkedJournals kept(4);
  kept.Keep("r1", JournalOf(3));
  // Another process appended to the run meanwhile.
  EXPECT_FALSE(kept.Take("r1", 5).has_value());
  EXPECT_EQ(kept.size(), 0u);
  kept.Keep("r2", JournalOf(3));
  EXPECT_FALSE(kept.Take("r2", 2).has_value());
  EXPECT_EQ(kept.size(), 0u);
}

TEST(ParkedJournalsTest, TheOldestKeptIsDroppedWhenFull) {
  ParkedJournals kept(2);
  kept.Keep("r1", JournalOf(1));
  kept.Keep("r2", JournalOf(2));
  kept.Keep("r3", JournalOf(3));
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_FALSE(kept.Take("r1", 1).has_value());
  EXPECT_TRUE(kept.Take("r2", 2).has_value());
  EXPECT_TRUE(kept.Take("r3", 3).has_value());
}

TEST(ParkedJournalsTest, KeepingARunAgainReplacesItsJournalAndItsPlace) {
  ParkedJournals kept(2);
  kept.Keep("r1", JournalOf(1));
  kept.Keep("r2", JournalOf(2));
  kept.Keep("r1", JournalOf(4));  // parked again, on a later prompt
  kept.Keep("r3", JournalOf(3));  // drops r2, now the oldest
  EXPECT_FALSE(kept.Take("r2", 2).has_value());
  std::optional<KnownJournal> r1 = kept.Take("r1", 4);
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(r1->events.size(), 4u);
}

TEST(ParkedJournalsTest, ForgetAndNoCapacityKeepNothing) {
  ParkedJournals kept(2);
  kept.Keep("r1", JournalOf(1));
  kept.Forget("r1");
  kept.Forget("never-kept");
  EXPECT_FALSE(kept.Take("r1", 1).has_value());
  ParkedJournals none(0);
  none.Keep("r1", JournalOf(1));
  EXPECT_EQ(none.size(), 0u);
  EXPECT_FALSE(none.Take("r1", 1).has_value());
}

// ---- the Runner: answers driven from kept journals, on SQLite

// A call whose result has a secret, a variable made of it, then a prompt:
// the answer's drive must see all of them as the parking drive journaled
// them.
constexpr const char* kSecretThenAsk = R"(workflow: test.kept
steps:
  - id: create
    call: partner_center.create_customer
    with: {domain: c.com}
  - id: keep
    set:
      password: "${ steps.create.credentials.password }"
  - id: ask
    confirm:
      message: "Send ${ vars.password } to ${ steps.create.tenant_id }?"
  - id: after
    set:
      done: true
outputs:
  tenant: "${ steps.create.tenant_id }"
  password: "${ vars.password }"
  done: "${ vars.done }"
)";

const std::vector<std::string> kSecretThenAskJournal = {
    "run_started",          "step_started create",
    "call_sent create",     "call_succeeded create",
    "step_succeeded create", "step_started keep",
    "variables_set keep",   "step_succeeded keep",
    "step_started ask",     "confirmation_requested ask",
    "confirmation_answered ask", "step_succeeded ask",
    "step_started after",   "variables_set after",
    "step_succeeded after", "run_finished"};

void ScriptCreate(FakeConnector& fake, int runs) {
  fake.Script("partner_center.create_customer",
              std::vector<FakeConnector::Reply>(
                  static_cast<size_t>(runs),
                  FakeConnector::Ok(J(R"({"tenant_id": "t-1",
                                         "credentials": {"password": "p@ss"}})"))));
}

class KeptJournalTest : public testing::CountingSqliteFixture {
 protected:
  KeptJournalTest() : CountingSqliteFixture("kept_journal_"), box_(Key()) {
    MakeRunner(&box_);
  }

  static SecretKey Key() {
    return SecretKey::FromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .value();
  }

  // The outputs of the finished run `id`, secrets opened.
  std::string Outputs(const std::string& id) {
    Result<nlohmann::json> opened = OpenEventCopies(&box_, id, Last(id));
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    return opened.ok() ? opened.value()["outputs"].dump() : "";
  }

  // Parks a run of kSecretThenAsk, answers it, and checks that the answer
  // read the journal `reads` times and the run ended as it should.
  void ParkAndAnswer(int reads) {
    ScriptCreate(*fake_, 1);
    RunSummary run = Start(kSecretThenAsk);
    ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
    counting_->journal_reads = 0;
    EXPECT_EQ(Answer(run.run_id, Answer::kConfirm).status,
              RunStatus::kSucceeded);
    EXPECT_EQ(counting_->journal_reads, reads);
    EXPECT_EQ(Types(run.run_id), kSecretThenAskJournal);
    EXPECT_EQ(Outputs(run.run_id),
              R"({"done":true,"password":"p@ss","tenant":"t-1"})");
    EXPECT_EQ(fake_->CallCount("partner_center.create_customer"), 1);
  }

  SecretBox box_;
};

TEST_F(KeptJournalTest, AnAnswerDrivesOnFromTheJournalTheParkingDriveLeft) {
  ParkAndAnswer(0);
}

// The run opened a secret before it parked: its journal is kept, but not
// the values its drive had, which hold the password in clear.
TEST_F(KeptJournalTest, ARunThatOpenedASecretKeepsNoState) {
  ScriptCreate(*fake_, 1);
  RunSummary run = Start(kSecretThenAsk);
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  const KnownJournal* kept = runner_->parked_journals().Find(run.run_id);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->events.size(), 10u);
  EXPECT_FALSE(kept->state.has_value());
}

// A run that opened no secret: the answer's drive starts from the values
// the parking drive had (inputs, step results, variables, one of them set
// twice) instead of reading the journaled results back, and ends exactly
// as a drive that replays the journal does.
constexpr const char* kReadThenAsk = R"(workflow: test.warm
inputs:
  n: int
steps:
  - id: read
    call: bss.get_account
    with: {id: "${ inputs.n }"}
  - id: first
    set:
      x: 1
      name: "${ steps.read.name }"
  - id: second
    set:
      x: "${ vars.x + 1 }"
  - id: ask
    confirm:
      message: "x is ${ vars.x }"
  - id: after
    set:
      y: "${ vars.x * 10 + inputs.n }"
outputs:
  name: "${ steps.read.name }"
  first: "${ steps.first }"
  vars: "${ vars }"
  answer: "${ steps.ask.answer }"
)";

class ReplayedStateTest : public KeptJournalTest {
 protected:
  // Parks a run of kReadThenAsk and answers it: its journal's types and its
  // outputs, "|"-joined.
  std::string ParkAndAnswerRead() {
    fake_->Script("bss.get_account",
                  {FakeConnector::Ok(J(R"({"name": "Contoso"})"))});
    RunSummary run = Start(kReadThenAsk, nlohmann::json{{"n", 7}});
    EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
    parked_ = runner_->parked_journals().Find(run.run_id) != nullptr &&
              runner_->parked_journals().Find(run.run_id)->state.has_value();
    EXPECT_EQ(Answer(run.run_id, Answer::kConfirm).status,
              RunStatus::kSucceeded);
    std::string out;
    for (const std::string& type : Types(run.run_id)) out += type + "|";
    return out + Outputs(run.run_id);
  }

  bool parked_ = false;
};

TEST_F(ReplayedStateTest, AnAnswerGoesOnFromTheParkingDrivesValues) {
  fake_->Script("bss.get_account",
                {FakeConnector::Ok(J(R"({"name": "Contoso"})"))});
  RunSummary run = Start(kReadThenAsk, nlohmann::json{{"n", 7}});
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  const KnownJournal* kept = runner_->parked_journals().Find(run.run_id);
  ASSERT_NE(kept, nullptr);
  ASSERT_TRUE(kept->state.has_value());
  const ReplayedState& state = *kept->state;
  EXPECT_EQ(state.through_sequence, 13);  // confirmation_requested
  EXPECT_EQ(testing::Json(state.inputs), R"({"n":7})");
  ASSERT_EQ(state.steps.size(), 3u);
  EXPECT_EQ(state.steps[0].first.string_value(), "read");
  EXPECT_EQ(testing::Json(state.steps[2].second), R"({"x":2})");
  // In the order first set: a `set` sets its values in key order.
  ASSERT_EQ(state.vars.size(), 2u);
  EXPECT_EQ(state.vars[0].first.string_value(), "name");
  EXPECT_EQ(state.vars[1].first.string_value(), "x");
  EXPECT_EQ(testing::Json(state.vars[1].second), "2");
}

TEST_F(ReplayedStateTest, EndsAsADriveThatReplaysTheJournal) {
  const std::string warm = ParkAndAnswerRead();
  EXPECT_TRUE(parked_);
  const std::string expected =
      "run_started|step_started read|call_sent read|call_succeeded read|"
      "step_succeeded read|step_started first|variables_set first|"
      "step_succeeded first|step_started second|variables_set second|"
      "step_succeeded second|step_started ask|confirmation_requested ask|"
      "confirmation_answered ask|step_succeeded ask|step_started after|"
      "variables_set after|step_succeeded after|run_finished|"
      R"({"answer":"confirm","first":{"name":"Contoso","x":1},)"
      R"("name":"Contoso","vars":{"name":"Contoso","x":2,"y":27}})";
  EXPECT_EQ(warm, expected);
  // The same run with no journal kept replays it from the store.
  runner_.reset();
  RunnerDependencies deps = Dependencies(&box_);
  deps.parked_journals = 0;
  runner_ = std::make_unique<Runner>(std::move(deps));
  EXPECT_EQ(ParkAndAnswerRead(), expected);
  EXPECT_FALSE(parked_);
}

// The same run, with no journal kept: read from the store, to the same
// journal and outputs.
TEST_F(KeptJournalTest, WithNoneKeptTheAnswerReadsTheJournal) {
  runner_.reset();
  RunnerDependencies deps = Dependencies(&box_);
  deps.parked_journals = 0;
  runner_ = std::make_unique<Runner>(std::move(deps));
  ParkAndAnswer(1);
}

// Another Runner on the same store (another process) answered the first
// prompt and parked the run on the second: the journal this Runner kept
// is a prefix of the run's, and is not used.
TEST_F(KeptJournalTest, AJournalAnotherRunnerMovedOnIsReadAgain) {
  RunSummary run = Start(R"(workflow: test.two_prompts
steps:
  - id: first
    confirm: {message: "One?"}
  - id: second
    confirm: {message: "Two?"}
  - id: after
    set: {done: true}
outputs:
  done: "${ vars.done }"
)");
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  Runner other(Dependencies(&box_));
  Result<RunSummary> first =
      Await(other.AnswerConfirmation(run.run_id, Answer::kConfirm, "bob"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first.value().status, RunStatus::kAwaitingConfirmation);
  counting_->journal_reads = 0;
  EXPECT_EQ(Answer(run.run_id, Answer::kConfirm).status,
            RunStatus::kSucceeded);
  EXPECT_EQ(counting_->journal_reads, 1);
  EXPECT_EQ(Types(run.run_id),
            (std::vector<std::string>{
                "run_started", "step_started first",
                "confirmation_requested first", "confirmation_answered first",
                "step_succeeded first", "step_started second",
                "confirmation_requested second",
                "confirmation_answered second", "step_succeeded second",
                "step_started after", "variables_set after",
                "step_succeeded after", "run_finished"}));
  EXPECT_EQ(Outputs(run.run_id), R"({"done":true})");
}

// A cancelled run's kept journal is dropped with it: a later answer is
// refused as for any cancelled run.
TEST_F(KeptJournalTest, ACancelledRunsAnswerIsRefused) {
  ScriptCreate(*fake_, 1);
  RunSummary run = Start(kSecretThenAsk);
  ASSERT_EQ(run.status, RunStatus::kAwaitingConfirmation);
  ASSERT_TRUE(Await(runner_->Cancel(run.run_id)).ok());
  Result<RunSummary> answered =
      Await(runner_->AnswerConfirmation(run.run_id, Answer::kConfirm, "bob"));
  ASSERT_FALSE(answered.ok());
  EXPECT_EQ(answered.status().message(),
            "run " + run.run_id +
                " is not waiting for a confirmation (it was cancelled)");
}

// ---- the drive an answer starts, from the parking drive's state or from
// the journal: the same run either way

// One workflow run to its end: started, then every prompt answered in turn.
struct Scenario {
  const char* name;
  const char* yaml;
  const char* inputs;
  std::vector<Answer> answers;
  const char* child_yaml = nullptr;  // the workflow a `workflow` step runs
};

// Each scenario parks on a prompt somewhere other than at the top of a
// plain list of steps, or has values that only a faithful state gives.
const Scenario kScenarios[] = {
    {"confirm_in_a_switch_branch", R"(workflow: test.branch
inputs:
  n: int
steps:
  - id: read
    call: bss.get_account
    with: {id: "${ inputs.n }"}
  - id: pick
    switch:
      - if: steps.read.big
        steps:
          - id: note
            set: {size: big, id: "${ uuid() }"}
          - id: ask
            confirm: {message: "Big ${ vars.size }?"}
          - id: after_ask
            set: {size: "${ vars.size + '!' }", at: "${ now() }"}
      - else:
        steps:
          - id: small
            set: {size: small}
  - id: last
    set: {summary: "${ vars.size } ${ steps.read.name } ${ uuid() }"}
outputs:
  vars: "${ vars }"
  steps: "${ steps }"
)",
     R"({"n": 7})",
     {Answer::kConfirm}},
    {"confirm_in_a_steps_on_error", R"(workflow: test.handler
steps:
  - id: before
    set: {x: 1}
  - id: read
    call: bss.unscripted
    on_error:
      - id: remember
        set: {why: "${ error.code }", x: "${ vars.x + 1 }"}
      - id: ask
        confirm: {message: "Failed with ${ error.code }: go on?"}
      - id: after_ask
        set: {also: "${ error.message }"}
  - id: last
    set: {x: "${ vars.x * 10 }"}
outputs:
  vars: "${ vars }"
)",
     "{}",
     {Answer::kConfirm}},
    {"confirm_in_the_workflows_on_error", R"(workflow: test.workflow_handler
steps:
  - id: before
    set: {x: 1}
  - id: stop
    fail: "stopped at ${ vars.x }"
on_error:
  - id: ask
    confirm: {message: "${ error.message }: tell someone?"}
  - id: told
    set: {told: "${ error.step }"}
)",
     "{}",
     {Answer::kConfirm}},
    {"two_prompts_and_a_rejection", R"(workflow: test.two
steps:
  - id: first
    confirm: {message: "One?"}
  - id: between
    set: {seen: "${ steps.first.answer }", id: "${ uuid() }"}
  - id: second
    confirm:
      message: "Two after ${ vars.seen }?"
      on_reject:
        - id: undo
          set: {undone: "${ steps.second.answer }"}
  - id: last
    set: {all: "${ vars }"}
outputs:
  vars: "${ vars }"
)",
     "{}",
     {Answer::kConfirm, Answer::kReject}},
    {"a_childs_prompt", R"(workflow: test.parent
steps:
  - id: before
    set: {x: 2}
  - id: child
    workflow: test.child
    with: {n: "${ vars.x }"}
  - id: after
    set: {got: "${ steps.child.outputs.doubled + vars.x }"}
outputs:
  got: "${ vars.got }"
)",
     "{}",
     {Answer::kConfirm},
     R"(workflow: test.child
inputs:
  n: int
steps:
  - id: ask
    confirm: {message: "Double ${ inputs.n }?"}
outputs:
  doubled: "${ inputs.n * 2 }"
)"},
};

class WarmOrColdTest : public testing::RunnerFixture,
                       public ::testing::WithParamInterface<Scenario> {
 protected:
  // Every event of every run of `scenario` (its child's too), on a fresh
  // store with a Runner keeping `parked_journals` journals.
  std::string Transcript(const Scenario& scenario, size_t parked_journals) {
    store_ = MakeMemoryStore();
    now_ms_ = 1700000000000;
    draws_ = 0;
    fake_->Script("bss.get_account",
                  {FakeConnector::Ok(J(R"({"big": true, "name": "Contoso"})")),
                   FakeConnector::Ok(J(R"({"big": true, "name": "Contoso"})"))});
    if (GetParam().child_yaml != nullptr) AddToLibrary(scenario.child_yaml);
    RunnerDependencies deps = Dependencies();
    deps.parked_journals = parked_journals;
    auto ids = std::make_shared<int>(0);
    deps.new_run_id = [ids] { return "run-" + std::to_string(++*ids); };
    runner_.reset();
    runner_ = std::make_unique<Runner>(std::move(deps));
    RunSummary run = Start(scenario.yaml, nlohmann::json::parse(scenario.inputs));
    for (engine::Answer answer : scenario.answers) {
      EXPECT_EQ(run.status, RunStatus::kAwaitingConfirmation);
      now_ms_ += 1000;
      run = this->Answer(run.run_id, answer);
    }
    EXPECT_TRUE(IsFinal(run.status)) << RunStatusName(run.status);
    std::string out;
    Result<std::vector<RunRecord>> runs = store_->ListRuns(RunFilter());
    EXPECT_TRUE(runs.ok());
    if (!runs.ok()) return out;
    for (const RunRecord& record : runs.value()) {
      out += record.id + " " + RunStatusName(record.status) + "\n";
      for (const Event& e : Journal(record.id)) {
        out += "  " + std::to_string(e.sequence) + " " + e.type + " " +
               e.step + " " + e.data.dump() + " " + std::to_string(e.time_ms) +
               "\n";
      }
    }
    return out;
  }
};

TEST_P(WarmOrColdTest, TheAnswersDriveEndsAsAReplayWould) {
  const std::string warm = Transcript(GetParam(), 64);
  const std::string cold = Transcript(GetParam(), 0);
  EXPECT_EQ(warm, cold);
  EXPECT_NE(warm.find("run_finished"), std::string::npos) << warm;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, WarmOrColdTest, ::testing::ValuesIn(kScenarios),
    [](const ::testing::TestParamInfo<Scenario>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace bssflow::engine
