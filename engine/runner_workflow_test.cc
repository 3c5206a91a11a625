// `workflow` steps: child runs, their prompts relayed to the parent, their
// failures, crashes in the middle of a child, and secrets in their outputs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/testing/runner_fixture.h"

namespace bssflow::engine {
namespace {

using testing::FakeConnector;
using testing::J;

constexpr const char* kLink = R"(workflow: test.link
inputs:
  domain: string
steps:
  - id: find
    call: partner_center.find_customer
    with: {domain: "${ inputs.domain }"}
  - id: ask
    confirm:
      message: "Link to ${ steps.find.name }?"
      on_reject: end
outputs:
  tenant_id: "${ steps.find.id }"
)";

constexpr const char* kProvision = R"(workflow: test.provision
steps:
  - id: link
    workflow: test.link
    with: {domain: contoso.com}
  - id: after
    set: {tenant: "${ steps.link.tenant_id }"}
outputs:
  tenant: "${ vars.tenant }"
)";

class WorkflowStepTest : public testing::RunnerFixture {
 protected:
  // The id of the run the step `step` of `parent` started.
  std::string ChildOf(const std::string& parent, const std::string& step) {
    Result<std::vector<RunRecord>> runs = store_->ListRuns(RunFilter());
    for (const RunRecord& run : runs.value()) {
      if (run.idempotency_key ==
          std::string(kChildRunKeyPrefix) + parent + "/" + step) {
        return run.id;
      }
    }
    ADD_FAILURE() << "no child run of " << parent << "/" << step;
    return "";
  }

  // kProvision started and parked on the prompt of its child (kLink), which
  // found the tenant t-1 "Contoso".
  RunSummary StartParkedOnTheChild() {
    fake_->Script(
        "partner_center.find_customer",
        {FakeConnector::Ok(J(R"({"id": "t-1", "name": "Contoso"})"))});
    AddToLibrary(kLink);
    RunSummary parent = Start(kProvision);
    EXPECT_EQ(parent.status, RunStatus::kAwaitingConfirmation);
    return parent;
  }
};


TEST_F(WorkflowStepTest, ChildPromptIsTheParentsAndTheAnswerReachesTheChild) {
  RunSummary parent = StartParkedOnTheChild();
  ASSERT_EQ(parent.status, RunStatus::kAwaitingConfirmation);
  std::string child = ChildOf(parent.run_id, "link");
  EXPECT_EQ(store_->GetRun(child).value().status,
            RunStatus::kAwaitingConfirmation);
  const Event& asked = Last(parent.run_id);
  EXPECT_EQ(asked.type + " " + asked.step, "confirmation_requested link");
  EXPECT_EQ(asked.data.dump(),
            R"({"child_run":")" + child +
                R"(","child_sequence":7,"child_step":"ask","message":"Link to Contoso?"})");
  EXPECT_EQ(store_->GetRun(parent.run_id).value().current_step, "link");

  RunSummary done = Answer(parent.run_id, engine::Answer::kConfirm);
  EXPECT_EQ(done.status, RunStatus::kSucceeded);
  EXPECT_EQ(Last(parent.run_id).data.dump(),
            R"({"outputs":{"tenant":"t-1"},"status":"succeeded"})");
  std::vector<Event> child_journal = Journal(child);
  EXPECT_EQ(child_journal[child_journal.size() - 3].data.dump(),
            R"({"answer":"confirm","by":"alice"})");
  EXPECT_EQ(
      Types(parent.run_id),
      (std::vector<std::string>{"run_started", "step_started link",
                                "confirmation_requested link",
                                "confirmation_answered link",
                                "step_succeeded link", "step_started after",
                                "variables_set after", "step_succeeded after",
                                "run_finished"}));
  EXPECT_EQ(fake_->CallCount("partner_center.find_customer"), 1);
}

TEST_F(WorkflowStepTest, TheChildIsAnsweredThroughItsParentOnly) {
  RunSummary parent = StartParkedOnTheChild();
  ASSERT_EQ(parent.status, RunStatus::kAwaitingConfirmation);
  std::string child = ChildOf(parent.run_id, "link");
  Result<RunSummary> refused = Await(
      runner_->AnswerConfirmation(child, engine::Answer::kReject, "bob"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "run " + child + " asks its prompts through step 'link' of run " +
                parent.run_id + ": answer run " + parent.run_id);
  // Nothing was journaled: the parent's answer still reaches the child.
  EXPECT_EQ(store_->GetRun(child).value().status,
            RunStatus::kAwaitingConfirmation);
  RunSummary done = Answer(parent.run_id, engine::Answer::kConfirm);
  EXPECT_EQ(done.status, RunStatus::kSucceeded);
  EXPECT_EQ(Last(parent.run_id).data.dump(),
            R"({"outputs":{"tenant":"t-1"},"status":"succeeded"})");
}

// A parent that is over asks nothing: a child it left parked (a crash
// between the parent's end and the child's cancel) answers for itself.
TEST_F(WorkflowStepTest, AChildLeftParkedByAParentThatIsOverIsAnswered) {
  RunSummary parent = StartParkedOnTheChild();
  std::string child = ChildOf(parent.run_id, "link");
  RunRecord record = store_->GetRun(parent.run_id).value();
  Event finished;
  finished.sequence = record.last_sequence + 1;
  finished.type = event_type::kRunFinished;
  finished.data = {{"status", "cancelled"}};
  ASSERT_TRUE(store_
                  ->Append(parent.run_id, record.last_sequence, {finished},
                           RunStatus::kCancelled, "", 1700000000000)
                  .ok());
  RunSummary done = Answer(child, engine::Answer::kConfirm);
  EXPECT_EQ(done.status, RunStatus::kSucceeded);
}

TEST_F(WorkflowStepTest, RejectedChildEndsAsAResultTheParentCanRead) {
  fake_->Script("partner_center.find_customer",
                {FakeConnector::Ok(J(R"({"id": "t-1", "name": "Contoso"})"))});
  AddToLibrary(kLink);
  RunSummary parent = Start(
      "workflow: test.provision\n"
      "steps:\n"
      "  - id: link\n"
      "    workflow: test.link\n"
      "    with: {domain: contoso.com}\n"
      "outputs:\n"
      "  outcome: \"${ steps.link.outcome }\"\n");
  RunSummary done = Answer(parent.run_id, engine::Answer::kReject);
  EXPECT_EQ(done.status, RunStatus::kSucceeded);
  EXPECT_EQ(Last(parent.run_id).data["outputs"].dump(),
            R"({"outcome":"rejected"})");
}

TEST_F(WorkflowStepTest, ChildFailureFailsTheStepAndOnErrorSeesIt) {
  fake_->Script("partner_center.find_customer",
                {FakeConnector::Fail("not_found", "60003", "no such tenant")});
  AddToLibrary(kLink);
  RunSummary parent = Start(
      "workflow: test.provision\n"
      "steps:\n"
      "  - id: link\n"
      "    workflow: test.link\n"
      "    with: {domain: contoso.com}\n"
      "    on_error:\n"
      "      - id: note\n"
      "        set: {why: '${ error.kind + \": \" + error.message }'}\n"
      "outputs:\n"
      "  why: \"${ vars.why }\"\n");
  EXPECT_EQ(parent.status, RunStatus::kSucceeded);
  EXPECT_EQ(Last(parent.run_id).data["outputs"]["why"],
            "not_found: workflow test.link failed at step 'find': no such "
            "tenant");
  EXPECT_EQ(store_->GetRun(ChildOf(parent.run_id, "link")).value().status,
            RunStatus::kFailed);
}

constexpr const char* kLoop = R"(workflow: test.loop
steps:
  - id: again
    workflow: test.loop
)";

TEST_F(WorkflowStepTest, AWorkflowThatCallsItselfStopsAtTheDepthLimit) {
  AddToLibrary(kLoop);
  RunSummary run = Start(kLoop);
  EXPECT_EQ(run.status, RunStatus::kFailed);
  // The innermost run fails its step; each run above fails with it.
  std::string chain = "test.loop";
  for (int i = 0; i < kMaxWorkflowDepth; ++i) chain += " -> test.loop";
  std::string message = "step 'again' cannot run workflow 'test.loop': "
                        "workflow steps nest 8 runs deep (" + chain +
                        "); does a workflow call itself?";
  for (int i = 1; i < kMaxWorkflowDepth; ++i)
    message = "workflow test.loop failed at step 'again': " + message;
  const Event& finished = Last(run.run_id);
  EXPECT_EQ(finished.data["error"]["code"], "too_deep");
  EXPECT_EQ(finished.data["error"]["kind"], "invalid");
  EXPECT_EQ(finished.data["error"]["message"], message);
  // The top run and the seven it started, one inside the other.
  EXPECT_EQ(store_->ListRuns(RunFilter()).value().size(),
            static_cast<size_t>(kMaxWorkflowDepth));
}

TEST_F(WorkflowStepTest, ChildInputsThatDoNotFitFailTheStep) {
  AddToLibrary(kLink);
  RunSummary parent = Start(
      "workflow: test.provision\n"
      "steps:\n"
      "  - id: link\n"
      "    workflow: test.link\n"
      "    with: {domian: contoso.com}\n");
  EXPECT_EQ(parent.status, RunStatus::kFailed);
  EXPECT_EQ(Last(parent.run_id).data["error"].dump(),
            R"({"code":"workflow","kind":"invalid","message":"step 'link' )"
            R"(cannot run workflow 'test.link': workflow test.link has no )"
            R"(input 'domian'; did you mean 'domain'?","step":"link"})");
}

TEST_F(WorkflowStepTest, CrashInsideTheChildResumesThroughTheParentOnly) {
  fake_->Script("partner_center.find_customer",
                {FakeConnector::Hang(),
                 FakeConnector::Ok(J(R"({"id": "t-1", "name": "Contoso"})"))});
  AddToLibrary(kLink);
  auto workflow = Load(kProvision);
  boost::asio::co_spawn(
      *io_,
      [&]() -> boost::asio::awaitable<void> {
        co_await runner_->Start(workflow, text_, {}, "");
      },
      boost::asio::detached);
  while (fake_->calls().empty() && io_->run_one() > 0) {
  }
  std::string child = fake_->calls()[0].ctx.run_id;
  MakeRunner();  // the crash, with the child's call in flight

  auto resumed = Await(runner_->ResumeUnfinished());
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  ASSERT_EQ(resumed.value().size(), 1u);  // the parent; it drives the child
  EXPECT_TRUE(resumed.value()[0].status.ok())
      << resumed.value()[0].status.message();
  EXPECT_EQ(resumed.value()[0].run_status, RunStatus::kAwaitingConfirmation);
  ASSERT_EQ(fake_->calls().size(), 2u);
  EXPECT_EQ(fake_->calls()[1].ctx.run_id, child);
  EXPECT_EQ(fake_->calls()[1].ctx.idempotency_key,
            fake_->calls()[0].ctx.idempotency_key);
}

TEST_F(WorkflowStepTest, SecretsFromTheChildStaySealedInTheParent) {
  fake_->Script("partner_center.create_customer",
                {FakeConnector::Ok(J(
                    R"({"id": "t-9", "credentials": {"password": "Pa55!"}})"))});
  AddToLibrary(
      "workflow: test.create\n"
      "steps:\n"
      "  - id: create\n"
      "    call: partner_center.create_customer\n"
      "    with: {domain: x.onmicrosoft.com}\n"
      "outputs:\n"
      "  password: \"${ steps.create.credentials.password }\"\n");
  std::optional<SecretBox> box;
  box.emplace(SecretKey::FromBase64(
                  "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
                  .value());
  MakeRunner(&*box);
  RunSummary parent = Start(
      "workflow: test.provision\n"
      "steps:\n"
      "  - id: create\n"
      "    workflow: test.create\n"
      "outputs:\n"
      "  password: \"${ steps.create.password }\"\n");
  ASSERT_EQ(parent.status, RunStatus::kSucceeded);
  for (const std::string& run :
       {parent.run_id, ChildOf(parent.run_id, "create")}) {
    for (const Event& event : Journal(run)) {
      EXPECT_EQ(event.data.dump().find("Pa55!"), std::string::npos)
          << event.type << " " << event.step << " " << event.data.dump();
    }
  }
}

// A child parked at a `workflow` step of its own asks every prompt of its
// child from that one step: each must reach the person, not the answer to
// the one before.
TEST_F(WorkflowStepTest, EveryPromptOfAGrandchildIsAskedOnItsOwn) {
  AddToLibrary(
      "workflow: test.grandchild\n"
      "steps:\n"
      "  - id: first\n"
      "    confirm: {message: First question}\n"
      "  - id: second\n"
      "    confirm: {message: Second question}\n");
  AddToLibrary(
      "workflow: test.child\n"
      "steps:\n"
      "  - id: inner\n"
      "    workflow: test.grandchild\n");
  RunSummary parent = Start(
      "workflow: test.parent\n"
      "steps:\n"
      "  - id: outer\n"
      "    workflow: test.child\n");
  ASSERT_EQ(parent.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(Last(parent.run_id).data["message"], "First question");
  RunSummary after_first = Answer(parent.run_id, engine::Answer::kConfirm);
  ASSERT_EQ(after_first.status, RunStatus::kAwaitingConfirmation);
  EXPECT_EQ(Last(parent.run_id).data["message"], "Second question");
  RunSummary done = Answer(parent.run_id, engine::Answer::kReject);
  EXPECT_EQ(done.status, RunStatus::kSucceeded);
  std::string grandchild = ChildOf(ChildOf(parent.run_id, "outer"), "inner");
  std::vector<std::string> answers;
  for (const Event& event : Journal(grandchild)) {
    if (event.type == "confirmation_answered") {
      answers.push_back(event.step + "=" + event.data["answer"].get<std::string>());
    }
  }
  EXPECT_EQ(answers, (std::vector<std::string>{"first=confirm", "second=reject"}));
}

TEST_F(WorkflowStepTest, CancellingAParkedParentCancelsItsChild) {
  fake_->Script("partner_center.find_customer",
                {FakeConnector::Ok(J(R"({"id": "t-1", "name": "Contoso"})"))});
  AddToLibrary(kLink);
  RunSummary parent = Start(kProvision);
  ASSERT_EQ(parent.status, RunStatus::kAwaitingConfirmation);
  Status cancelled = Await(runner_->Cancel(parent.run_id));
  ASSERT_TRUE(cancelled.ok()) << cancelled.message();
  EXPECT_EQ(store_->GetRun(parent.run_id).value().status,
            RunStatus::kCancelled);
  EXPECT_EQ(store_->GetRun(ChildOf(parent.run_id, "link")).value().status,
            RunStatus::kCancelled);
}

TEST_F(WorkflowStepTest, CallersCannotUseTheChildKeyPrefix) {
  auto workflow = Load(kLink);
  Result<RunSummary> run = Await(runner_->Start(
      workflow, text_, {{"domain", "a.com"}}, "child-of:x/y"));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "idempotency keys starting with 'child-of:' are reserved for the "
            "runs of workflow steps");
}

}  // namespace
}  // namespace bssflow::engine
