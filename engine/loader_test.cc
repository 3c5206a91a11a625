#include "engine/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "dsl/testing/shipped_data.h"

namespace bssflow::engine {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest() {
    context_.functions = dsl::testing::ShippedRegistry();
    EXPECT_TRUE(
        catalog_.Add({"bss.get_account", {{"id", true, ""}}, {}, ""}).ok());
    EXPECT_TRUE(catalog_
                    .Add({"partner_center.create_customer",
                          {{"domain", true, ""}, {"account", true, ""}},
                          {"credentials.password"},
                          ""})
                    .ok());
    context_.actions = &catalog_;
  }

  LoadResult Load(const std::string& yaml) {
    return LoadWorkflow("provision.yaml", yaml, context_);
  }

  // Every diagnostic, rendered as the CLI prints them.
  std::string Problems(const std::string& yaml) {
    LoadResult result = Load(yaml);
    return dsl::RenderAll(result.source, result.diagnostics);
  }

  LoaderContext context_;
  ActionCatalog catalog_;
};

constexpr const char* kValid = R"(workflow: microsoft.provision-tenant
version: 3
summary: Save & Synchronize an account with Microsoft.
inputs:
  account_id: {type: int}
  dry_run: bool
steps:
  - id: account
    call: bss.get_account
    with: {id: "${ inputs.account_id }"}
    retry: {attempts: 3, backoff: 500ms, on: [retryable, timeout]}
    timeout: 30s
  - id: prerequisites
    check:
      - that: is_phone(steps.account.phone)
        message: "Account ${ steps.account.name } has no valid phone number."
  - id: names
    set:
      domain: "${ lower(steps.account.domain_prefix) }.onmicrosoft.com"
      seats: 5
  - id: route
    switch:
      - if: inputs.dry_run
        steps:
          - id: stop
            fail: "dry run for ${ vars.domain }"
      - else:
        steps:
          - id: confirm_link
            confirm:
              message: "Link ${ steps.account.name } to ${ vars.domain }?"
              on_reject: end
outputs:
  domain: "${ vars.domain }"
)";

TEST_F(LoaderTest, LoadsAValidWorkflow) {
  LoadResult result = Load(kValid);
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  const Workflow& w = *result.workflow;
  EXPECT_EQ(w.name, "microsoft.provision-tenant");
  EXPECT_EQ(w.version, 3);
  ASSERT_EQ(w.inputs.size(), 2u);
  EXPECT_EQ(w.inputs[0].kind, dsl::ValueKind::kInt);
  EXPECT_EQ(w.inputs[1].kind, dsl::ValueKind::kBool);
  ASSERT_EQ(w.steps.size(), 4u);
  const Step& account = w.steps[0];
  EXPECT_EQ(account.kind, StepKind::kCall);
  EXPECT_EQ(account.target, "bss.get_account");
  EXPECT_EQ(account.retry.attempts, 3);
  EXPECT_EQ(account.retry.backoff, std::chrono::milliseconds(500));
  EXPECT_EQ(account.retry.retry_on,
            (std::vector<std::string>{"retryable", "timeout"}));
  EXPECT_EQ(account.timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(account.position.line, 8);
  EXPECT_EQ(account.position.column, 5);
  EXPECT_EQ(w.steps[1].requirements.size(), 1u);
  EXPECT_EQ(w.steps[2].assignments.size(), 2u);
  // A plain YAML number keeps its type.
  EXPECT_TRUE(w.steps[2].assignments[1].second.scalar.compiled->single_part());
  ASSERT_EQ(w.steps[3].branches.size(), 2u);
  EXPECT_TRUE(w.steps[3].branches[0].condition.has_value());
  EXPECT_FALSE(w.steps[3].branches[1].condition.has_value());
  EXPECT_EQ(w.steps[3].branches[1].steps[0].kind, StepKind::kConfirm);
  EXPECT_EQ(w.content_hash.size(), 64u);
}

TEST_F(LoaderTest, YamlSyntaxErrorIsPositioned) {
  EXPECT_EQ(
      Problems("workflow: x\nsteps: [a, b\n"),
      "provision.yaml:3:1: YAML syntax error: end of sequence flow not found\n"
      "    \n"
      "    ^\n");
}

// yaml-cpp keeps both entries of a repeated key and a lookup finds the
// first: the second would be ignored without a word.
TEST_F(LoaderTest, DuplicateKeysAreReportedEachAtItsPlace) {
  EXPECT_EQ(Problems("workflow: w\n"
                     "steps:\n"
                     "  - id: a\n"
                     "    call: bss.get_account\n"
                     "    with: {id: 1, id: 2}\n"
                     "    id: b\n"),
            "provision.yaml:5:19: duplicate key 'id': it is already on line "
            "5, and a key may appear only once in a map\n"
            "        with: {id: 1, id: 2}\n"
            "                      ^\n"
            "provision.yaml:6:5: duplicate key 'id': it is already on line 3, "
            "and a key may appear only once in a map\n"
            "        id: b\n"
            "        ^\n");
}

// Nine levels of ten aliases each: 10^9 paths through a small file. The
// duplicate-key walk stops at its budget instead of following them all.
TEST_F(LoaderTest, AFileOfNestedAliasesIsCheckedWithoutFollowingEveryPath) {
  std::string text = "workflow: w\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 9; ++level) {
    std::string previous = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i == 0 ? "" : ", ") + previous;
    text += "]\n";
  }
  text += "steps:\n  - id: s\n    fail: x\n";
  std::string problems = Problems(text);
  EXPECT_EQ(problems.rfind("provision.yaml:2:1: unknown field 'l0' in the "
                           "workflow\n",
                           0),
            0u)
      << problems;
}

TEST_F(LoaderTest, UnknownFieldsGetSuggestions) {
  EXPECT_EQ(Problems("workflow: w\nstep:\n  - id: a\n    fail: x\n"),
            "provision.yaml:1:1: missing field 'steps': the list of what the "
            "workflow does\n"
            "    workflow: w\n"
            "    ^\n"
            "provision.yaml:2:1: unknown field 'step' in the workflow; did you "
            "mean 'steps'?\n"
            "    step:\n"
            "    ^\n");
  EXPECT_EQ(
      Problems("workflow: w\nsteps:\n  - id: a\n    chek:\n      - that: true\n"
               "        message: m\n"),
      "provision.yaml:3:5: step 'a' says nothing to do: give one of call, "
      "check, set, switch, confirm, notify, fail, workflow\n"
      "      - id: a\n"
      "        ^\n"
      "provision.yaml:4:5: unknown field 'chek' in step 'a'; did you mean "
      "'check'?\n"
      "        chek:\n"
      "        ^\n");
}

TEST_F(LoaderTest, ExpressionErrorsPointIntoTheYamlFile) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: account\n"
      "    call: bss.get_account\n"
      "    with: {id: 1}\n"
      "  - id: check\n"
      "    check:\n"
      "      - that: is_phone(steps.acount.phone)\n"
      "        message: \"bad ${ steps.account.nmae + }\"\n";
  EXPECT_EQ(Problems(yaml),
            "provision.yaml:8:30: no step 'acount'; did you mean 'account'?\n"
            "          - that: is_phone(steps.acount.phone)\n"
            "                                 ^\n"
            "provision.yaml:9:47: expected an expression after '+', found '}'\n"
            "            message: \"bad ${ steps.account.nmae + }\"\n"
            "                                                  ^\n");
}

TEST_F(LoaderTest, StepsThatRunLaterAreNotAvailable) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: early\n"
      "    fail: \"${ steps.late }\"\n"
      "  - id: late\n"
      "    fail: \"${ steps.early }\"\n";
  EXPECT_EQ(
      Problems(yaml),
      "provision.yaml:4:21: step 'late' is not available here: it runs after "
      "this point\n"
      "        fail: \"${ steps.late }\"\n"
      "                        ^\n");
}

// `error` is set only while on_error steps run (a step's or the
// workflow's); elsewhere reading it would fail every run.
TEST_F(LoaderTest, OnlyOnErrorStepsReadTheError) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: a\n"
      "    fail: \"${ error.message }\"\n"
      "    on_error:\n"
      "      - id: handled\n"
      "        set: {why: \"${ error.message }\"}\n"
      "on_error:\n"
      "  - id: last\n"
      "    set: {kind: \"${ error.kind }\"}\n"
      "outputs:\n"
      "  code: \"${ error.code }\"\n";
  EXPECT_EQ(Problems(yaml),
            "provision.yaml:4:21: error field 'message' is not available "
            "here: only on_error steps have an error\n"
            "        fail: \"${ error.message }\"\n"
            "                        ^\n"
            "provision.yaml:12:19: error field 'code' is not available "
            "here: only on_error steps have an error\n"
            "      code: \"${ error.code }\"\n"
            "                      ^\n");
}

// Two branches of a switch never both run: a step of one cannot read a
// step of the other. After the switch, either may have run.
TEST_F(LoaderTest, StepsOfAnotherSwitchBranchAreNotAvailable) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: choose\n"
      "    switch:\n"
      "      - if: \"true\"\n"
      "        steps:\n"
      "          - id: a\n"
      "            set: {x: 1}\n"
      "      - else:\n"
      "        steps:\n"
      "          - id: b\n"
      "            fail: \"${ steps.a }\"\n"
      "  - id: after\n"
      "    fail: \"${ steps.a } ${ steps.b }\"\n";
  EXPECT_EQ(Problems(yaml),
            "provision.yaml:12:29: step 'a' is not available here: it is in "
            "another branch of switch step 'choose'\n"
            "                fail: \"${ steps.a }\"\n"
            "                                ^\n");
}

// Typed inputs are typed in expressions; double and uint inputs, which
// take ints that stay ints, are not.
TEST_F(LoaderTest, TypedInputsAreTypedInExpressions) {
  std::string yaml =
      "workflow: w\n"
      "inputs:\n"
      "  n: int\n"
      "  d: double\n"
      "steps:\n"
      "  - id: a\n"
      "    if: inputs.n\n"
      "    set:\n"
      "      y: \"${ inputs.n + true }\"\n"
      "      z: \"${ inputs.d + 1.5 }\"\n";
  EXPECT_EQ(Problems(yaml),
            "provision.yaml:7:9: a condition must be bool, got int\n"
            "        if: inputs.n\n"
            "            ^\n"
            "provision.yaml:9:23: no matching overload for '+' applied to "
            "(int, bool)\n"
            "          y: \"${ inputs.n + true }\"\n"
            "                          ^\n");
}

TEST_F(LoaderTest, ActionsAndArgumentsAreCheckedAgainstTheCatalog) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: a\n"
      "    call: bss.get_acount\n"
      "  - id: b\n"
      "    call: bss.get_account\n"
      "    with: {idd: 1}\n";
  EXPECT_EQ(
      Problems(yaml),
      "provision.yaml:4:11: unknown action 'bss.get_acount'; did you mean "
      "'bss.get_account'?\n"
      "        call: bss.get_acount\n"
      "              ^\n"
      "provision.yaml:6:11: action 'bss.get_account' needs the argument 'id'\n"
      "        call: bss.get_account\n"
      "              ^\n"
      "provision.yaml:7:12: unknown field 'idd' in the arguments of "
      "'bss.get_account'; did you mean 'id'?\n"
      "        with: {idd: 1}\n"
      "               ^\n");
}

TEST_F(LoaderTest, WrongTypesAndDuplicateIds) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: a\n"
      "    call: bss.get_account\n"
      "    with: {id: 1}\n"
      "    retry: {attempts: three, on: [throttle]}\n"
      "    timeout: soon\n"
      "  - id: a\n"
      "    fail: x\n";
  EXPECT_EQ(
      Problems(yaml),
      "provision.yaml:6:23: 'attempts' must be a whole number from 1 to 100, "
      "got 'three'\n"
      "        retry: {attempts: three, on: [throttle]}\n"
      "                          ^\n"
      "provision.yaml:6:35: unknown error kind 'throttle' in 'on'; did you "
      "mean 'throttled'?\n"
      "        retry: {attempts: three, on: [throttle]}\n"
      "                                      ^\n"
      "provision.yaml:7:14: 'timeout' must be a duration such as 500ms, 30s, "
      "5m or 1h, got 'soon'\n"
      "        timeout: soon\n"
      "                 ^\n"
      "provision.yaml:8:9: duplicate step id 'a'\n"
      "      - id: a\n"
      "            ^\n");
}

TEST_F(LoaderTest, ConditionsMustBeBool) {
  EXPECT_EQ(
      Problems(
          "workflow: w\nsteps:\n  - id: a\n    if: \"'yes'\"\n    fail: x\n"),
      "provision.yaml:4:9: a condition must be bool, got string\n"
      "        if: \"'yes'\"\n"
      "            ^\n");
}

TEST_F(LoaderTest, ExpressionInABlockScalar) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: a\n"
      "    if: |\n"
      "      inputs.flag &&\n"
      "        is_emial(inputs.mail)\n"
      "    fail: x\n"
      "inputs: {flag: bool, mail: string}\n";
  EXPECT_EQ(Problems(yaml),
            "provision.yaml:6:9: unknown function 'is_emial'; did you mean "
            "'is_email'?\n"
            "            is_emial(inputs.mail)\n"
            "            ^\n");
}

// Folded paragraphs, Windows line breaks and escapes: the caret is still
// under the mistake.
TEST_F(LoaderTest, ExpressionsInFoldedCrlfAndEscapedScalars) {
  EXPECT_EQ(Problems("workflow: w\n"
                     "steps:\n"
                     "  - id: a\n"
                     "    confirm:\n"
                     "      message: >-\n"
                     "        Hello\n"
                     "\n"
                     "        {#Acounts.Name#}\n"),
            "provision.yaml:8:9: merge field {#Acounts.Name#} cannot be used "
            "here: no merge field mapping is loaded\n"
            "            {#Acounts.Name#}\n"
            "            ^\n");
  EXPECT_EQ(Problems("workflow: w\r\n"
                     "steps:\r\n"
                     "  - id: a\r\n"
                     "    fail: |\r\n"
                     "      one\r\n"
                     "      two ${ inputs.zz }\r\n"),
            "provision.yaml:6:21: no input 'zz'\n"
            "          two ${ inputs.zz }\n"
            "                        ^\n");
  EXPECT_EQ(Problems("workflow: w\n"
                     "steps:\n"
                     "  - id: a\n"
                     "    fail: \"a\\tb ${ inputs.qq }\"\n"),
            "provision.yaml:4:27: no input 'qq'\n"
            "        fail: \"a\\tb ${ inputs.qq }\"\n"
            "                              ^\n");
}

TEST_F(LoaderTest, SwitchConfirmAndNotifyShapes) {
  std::string yaml =
      "workflow: w\n"
      "steps:\n"
      "  - id: s\n"
      "    switch:\n"
      "      - else:\n"
      "        steps: [{id: x, fail: a}]\n"
      "      - if: true\n"
      "        steps: [{id: y, fail: b}]\n"
      "  - id: c\n"
      "    confirm: {on_reject: maybe}\n"
      "  - id: n\n"
      "    notify: {to: x}\n";
  EXPECT_EQ(
      Problems(yaml),
      "provision.yaml:5:9: 'else' must be the last branch of a switch\n"
      "          - else:\n"
      "            ^\n"
      "provision.yaml:10:14: 'confirm' needs a 'message': the question put to "
      "the user\n"
      "        confirm: {on_reject: maybe}\n"
      "                 ^\n"
      "provision.yaml:10:26: 'on_reject' must be end, fail or a list of steps, "
      "got 'maybe'\n"
      "        confirm: {on_reject: maybe}\n"
      "                             ^\n"
      "provision.yaml:12:13: 'notify' needs 'template' (the notification's "
      "name) and 'to'\n"
      "        notify: {to: x}\n"
      "                ^\n");
}

// With a template library, `notify` compiles the named template's fields
// against the step's variables; a merge field reading a variable the
// workflow does not set is reported at the step, with the template's place.
class NotifyTemplateTest : public LoaderTest {
 protected:
  NotifyTemplateTest() {
    context_.merge_fields =
        dsl::MergeFieldMap::Parse(
            "version: 1\n"
            "fields:\n"
            "  Accounts.Email: {expression: vars.account.email, "
            "description: e}\n"
            "  Tenant.Domain: {expression: vars.tenant.domain, "
            "description: d}\n",
            "merge_fields.yaml")
            .value();
    auto library = std::make_shared<TemplateLibrary>();
    TemplateLoadResult welcome = ParseNotificationTemplate(
        "templates/welcome.yaml",
        "template: welcome\n"
        "name: Welcome\n"
        "to: \"{#Accounts.Email#}\"\n"
        "subject: Tenant {#Tenant.Domain#}\n"
        "body: |\n"
        "  Your tenant is {#Tenant.Domain#}.\n");
    EXPECT_TRUE(welcome.ok());
    library->Add(std::move(*welcome.template_));
    context_.templates = library;
  }
};

TEST_F(NotifyTemplateTest, CompilesTheTemplateAgainstTheStep) {
  LoadResult result = Load(
      "workflow: w\n"
      "steps:\n"
      "  - id: keep\n"
      "    set:\n"
      "      account: {email: a@b.c}\n"
      "      tenant: {domain: t.onmicrosoft.com}\n"
      "  - id: welcome\n"
      "    notify: {template: welcome}\n");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  const Step& step = result.workflow->steps[1];
  ASSERT_TRUE(step.to && step.subject && step.body);
  EXPECT_FALSE(step.cc.has_value());
  EXPECT_EQ(step.to->text, "{#Accounts.Email#}");
  EXPECT_EQ(step.body->text, "Your tenant is {#Tenant.Domain#}.\n");
}

TEST_F(NotifyTemplateTest, ReportsUnknownTemplatesAndFieldsOutOfReach) {
  EXPECT_EQ(Problems("workflow: w\n"
                     "steps:\n"
                     "  - id: keep\n"
                     "    set: {account: {email: a@b.c}}\n"
                     "  - id: welcome\n"
                     "    notify: {template: welcome}\n"
                     "  - id: other\n"
                     "    notify: {template: welcom}\n"),
            "provision.yaml:6:24: template 'welcome', 'subject' "
            "(templates/welcome.yaml:4:17): merge field {#Tenant.Domain#} "
            "maps to 'vars.tenant.domain' (merge_fields.yaml:4), which does "
            "not compile here: no variable 'tenant'\n"
            "        notify: {template: welcome}\n"
            "                           ^\n"
            "provision.yaml:6:24: template 'welcome', 'body' "
            "(templates/welcome.yaml:6:18): merge field {#Tenant.Domain#} "
            "maps to 'vars.tenant.domain' (merge_fields.yaml:4), which does "
            "not compile here: no variable 'tenant'\n"
            "        notify: {template: welcome}\n"
            "                           ^\n"
            "provision.yaml:8:24: unknown notification template 'welcom'; "
            "did you mean 'welcome'?\n"
            "        notify: {template: welcom}\n"
            "                           ^\n");
}

TEST_F(LoaderTest, StructuredValuesHoldTemplatesAtAnyDepth) {
  LoadResult result = Load(
      "workflow: w\n"
      "inputs: {name: string}\n"
      "steps:\n"
      "  - id: a\n"
      "    set:\n"
      "      account:\n"
      "        name: \"${ upper(inputs.name) }\"\n"
      "        seats: 5\n"
      "        tags: [new, \"${ 1 + 1 }\", ~]\n"
      "        note:\n");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  const Workflow& w = *result.workflow;
  dsl::Activation activation(*w.env);
  dsl::ValueMap inputs;
  inputs.Insert(dsl::Value::String("name"), dsl::Value::String("contoso"));
  activation.Bind("inputs", dsl::Value::Map(std::move(inputs)));
  dsl::Value account = Render(w.steps[0].assignments[0].second, activation);
  EXPECT_EQ(
      dsl::DebugString(account),
      R"({"name": "CONTOSO", "seats": 5, "tags": ["new", 2, null], "note": null})");
}

TEST_F(LoaderTest, ProblemsInsideStructuredValuesArePositioned) {
  EXPECT_EQ(Problems("workflow: w\n"
                     "steps:\n"
                     "  - id: a\n"
                     "    set: {x: [1, {y: \"${ nope }\"}]}\n"),
            "provision.yaml:4:26: undeclared reference to 'nope'\n"
            "        set: {x: [1, {y: \"${ nope }\"}]}\n"
            "                             ^\n");
}

TEST_F(LoaderTest, AConditionWrittenAsATemplateSaysSo) {
  EXPECT_EQ(Problems("workflow: w\ninputs: {n: int}\nsteps:\n"
                     "  - id: a\n    if: \"${ inputs.n > 0 }\"\n"
                     "    fail: x\n"),
            "provision.yaml:5:9: a condition is an expression as it stands, "
            "written without ${ }, e.g. `if: inputs.count > 0`\n"
            "        if: \"${ inputs.n > 0 }\"\n"
            "            ^\n");
}

TEST_F(LoaderTest, AnEmptyTextIsAsMissingAsNone) {
  EXPECT_EQ(Problems("workflow: w\nsteps:\n"
                     "  - id: a\n    fail: \"\"\n"
                     "  - id: b\n    confirm: {message: '  '}\n"),
            "provision.yaml:4:11: 'fail' (the failure message) must not be "
            "empty\n"
            "        fail: \"\"\n"
            "              ^\n"
            "provision.yaml:6:24: 'message' must not be empty\n"
            "        confirm: {message: '  '}\n"
            "                           ^\n");
}

TEST_F(LoaderTest, UnreadableFile) {
  LoadResult result = LoadWorkflowFile("/nonexistent/w.yaml", context_);
  EXPECT_EQ(dsl::RenderAll(result.source, result.diagnostics),
            "/nonexistent/w.yaml: cannot read the file: No such file or "
            "directory\n");
}

TEST_F(LoaderTest, ADirectoryIsNotAnEmptyWorkflow) {
  std::string dir = ::testing::TempDir() + "loader_test_dir.yaml";
  std::filesystem::create_directories(dir);
  LoadResult result = LoadWorkflowFile(dir, context_);
  EXPECT_EQ(dsl::RenderAll(result.source, result.diagnostics),
            dir + ": cannot read the file: Is a directory\n");
}

}  // namespace
}  // namespace bssflow::engine

namespace bssflow::engine {
namespace {

// Regressions from review: numbers YAML allows but CEL spells differently,
// numbers too long to convert, empty messages, and non-bool `required`.
TEST_F(LoaderTest, YamlNumbersAndEmptyValues) {
  LoadResult ok = Load(
      "workflow: w\nsteps:\n  - id: a\n    set: {p: +5, d: 1., e: 2.e3}\n");
  ASSERT_TRUE(ok.ok()) << dsl::RenderAll(ok.source, ok.diagnostics);
  dsl::Activation activation(*ok.workflow->env);
  const TemplateMap& set = ok.workflow->steps[0].assignments;
  EXPECT_EQ(dsl::DebugString(Render(set[0].second, activation)), "5");
  EXPECT_EQ(dsl::DebugString(Render(set[1].second, activation)), "1.0");
  EXPECT_EQ(dsl::DebugString(Render(set[2].second, activation)), "2000.0");
  EXPECT_EQ(
      Problems("workflow: w\nversion: 99999999999999999999\nsteps:\n"
               "  - id: a\n    fail:\n"
               "inputs: {x: {type: int, required: no}}\n"),
      "provision.yaml:2:10: 'version' must be a whole number, got "
      "'99999999999999999999'\n"
      "    version: 99999999999999999999\n"
      "             ^\n"
      "provision.yaml:5:10: 'fail' (the failure message) must not be empty\n"
      "        fail:\n"
      "             ^\n"
      "provision.yaml:6:35: 'required' must be true or false, got 'no'\n"
      "    inputs: {x: {type: int, required: no}}\n"
      "                                      ^\n");
}

}  // namespace
}  // namespace bssflow::engine
