#include "app/run_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "dsl/testing/shipped_data.h"

namespace bssflow::app {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kGreeting =
    "workflow: demo.greeting\n"
    "inputs:\n"
    "  name: string\n"
    "  phone: {type: string, required: false}\n"
    "steps:\n"
    "  - id: greet\n"
    "    set:\n"
    "      greeting: \"Hello, ${ inputs.name }\"\n"
    "  - id: ask\n"
    "    confirm:\n"
    "      message: \"Greet ${ inputs.name }?\"\n"
    "  - id: prerequisites\n"
    "    check:\n"
    "      - that: is_phone(default(inputs.phone, ''))\n"
    "        message: The phone number is missing or invalid\n"
    "outputs:\n"
    "  greeting: \"${ vars.greeting }\"\n";

// Each test gets a state directory of its own.
class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = ::testing::TempDir() + "run_command_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(state_dir_);
    engine_.state_dir = state_dir_;
    std::string rules = dsl::testing::ShippedPostalCodeRulesPath();
    engine_.data.postal_code_rules = rules;
    engine_.data.merge_fields =
        rules.substr(0, rules.rfind('/')) + "/merge_fields.yaml";
    workflow_ = WriteFile("greeting.yaml", kGreeting);
  }

  RunOptions Options(std::string input) {
    RunOptions options;
    options.workflow_file = workflow_;
    options.input_json = std::move(input);
    options.by = "tester";
    options.engine = engine_;
    return options;
  }

  // The printed lines without their clock ("HH:MM:SS.mmm  "), and with the
  // run id and definition hash replaced by RUN and HASH.
  static std::string Normalize(const std::string& text) {
    std::istringstream lines(text);
    std::string line, result, run_id;
    while (std::getline(lines, line)) {
      if (line.rfind("run ", 0) == 0 && run_id.empty()) {
        run_id = line.substr(4, 36);
      }
      if (line.size() > 14 && line[2] == ':' && line[5] == ':') {
        line = line.substr(14);
      }
      if (!run_id.empty()) {
        for (size_t at; (at = line.find(run_id)) != std::string::npos;)
          line.replace(at, run_id.size(), "RUN");
      }
      size_t hash = line.find("(definition ");
      if (hash != std::string::npos) line.replace(hash + 12, 12, "HASH");
      result += line + "\n";
    }
    return result;
  }

  static std::string RunIdIn(const std::string& text) {
    return text.substr(4, 36);  // the first line is "run <id>"
  }

  std::string state_dir_;
  EngineOptions engine_;
  std::string workflow_;
};

TEST_F(RunCommandTest, RunsToTheEndWithAnAnswerFromTheFlags) {
  RunOptions options = Options(R"({"name": "Ada", "phone": "+30 210 1234567"})");
  options.answers = {"ask=confirm"};
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunSucceeded);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(Normalize(out.str()),
            "run RUN\n"
            "run started: workflow demo.greeting version 1 (definition HASH)\n"
            "greet: started\n"
            "greet: set greeting = \"Hello, Ada\"\n"
            "greet: done\n"
            "ask: started\n"
            "ask: asks for confirmation: Greet Ada?\n"
            "ask: answered confirm by tester\n"
            "ask: done\n"
            "prerequisites: started\n"
            "prerequisites: done\n"
            "run finished: succeeded outputs {\"greeting\":\"Hello, Ada\"}\n"
            "run RUN succeeded\n");
}

TEST_F(RunCommandTest, UnansweredPromptParksTheRunUntilAnswered) {
  std::istringstream in;
  std::ostringstream out, err;
  RunOptions options = Options(R"({"name": "Bob"})");
  options.answer_flags = " --state-dir " + state_dir_;
  ASSERT_EQ(RunWorkflow(options, in, out, err), kRunAwaitingConfirmation);
  std::string run_id = RunIdIn(out.str());
  EXPECT_EQ(Normalize(out.str()).substr(Normalize(out.str()).find("ask: asks")),
            "ask: asks for confirmation: Greet Bob?\n"
            "run RUN awaiting_confirmation\n"
            "answer it with: bssflow answer RUN confirm|reject --state-dir " +
                state_dir_ + "\n");

  AnswerOptions answer{run_id, "confirm", "alice", engine_, ""};
  std::ostringstream answered, answer_err;
  EXPECT_EQ(AnswerRun(answer, answered, answer_err), kRunFailed);
  EXPECT_EQ(answer_err.str(), "");
  EXPECT_EQ(Normalize("run " + run_id + "\n" + answered.str()),
            "run RUN\n"
            "ask: answered confirm by alice\n"
            "ask: done\n"
            "prerequisites: started\n"
            "prerequisites: check failed:\n"
            "    - The phone number is missing or invalid\n"
            "prerequisites: failed: check_failed: The phone number is missing "
            "or invalid\n"
            "run finished: failed (check_failed: The phone number is missing "
            "or invalid)\n"
            "run RUN failed\n");

  std::ostringstream again, again_err;
  EXPECT_EQ(AnswerRun(answer, again, again_err), kRunUsage);
  EXPECT_EQ(again_err.str(), "bssflow answer: run " + run_id +
                                 " is not waiting for a confirmation (it has "
                                 "failed)\n");
}

TEST_F(RunCommandTest, InteractivePromptAsksUntilTheAnswerIsClear) {
  RunOptions options = Options(R"({"name": "Eve"})");
  options.interactive = true;
  std::istringstream in("maybe\nno\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunSucceeded);
  std::string text = Normalize(out.str());
  // The terminal echoes the answer and its newline; this stream does not.
  EXPECT_NE(text.find("ask: asks for confirmation: Greet Eve?\n"
                      "Confirm? [confirm/reject]: Confirm? [confirm/reject]: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  ask: answered reject by tester\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("run finished: succeeded (rejected at step ask)\n"),
            std::string::npos)
      << text;
}

TEST_F(RunCommandTest, BadInputsAndAnswersAreRefusedBeforeAnyRun) {
  std::istringstream in;
  struct Case {
    std::string input;
    std::vector<std::string> answers;
    std::string message;
    std::string record_file = "";
  } cases[] = {
      {"{\"nam\": \"x\"}", {},
       "bssflow run: workflow demo.greeting has no input 'nam'; did you mean "
       "'name'?\n"},
      {"[1]", {}, "bssflow run: --input must be a JSON object, e.g. "
                  "'{\"account_id\": \"A-1\"}'\n"},
      {"{", {}, "bssflow run: --input is not valid JSON: {\n"},
      {"{\"name\": " + std::string(101, '[') + std::string(101, ']') + "}",
       {},
       "bssflow run: --input: data nests deeper than 100 levels\n"},
      {"{\"name\": 7}", {}, "bssflow run: input 'name' must be string, got int\n"},
      {"{\"name\": \"x\"}", {"ask=ok"},
       "bssflow run: --answer expects STEP=confirm or STEP=reject, got "
       "'ask=ok'\n"},
      {"{\"name\": \"x\"}", {"aks=confirm"},
       "bssflow run: --answer aks=confirm: workflow demo.greeting has no "
       "step 'aks' that asks for a confirmation; did you mean 'ask'?\n"},
      {"{\"name\": \"x\"}", {"ask=confirm", "ask=reject"},
       "bssflow run: --answer ask=reject: step 'ask' is answered twice\n"},
      // Checked before the run, not once it has had its effects.
      {"{\"name\": \"x\"}", {},
       "bssflow run: cannot write the recording to /nonexistent-dir/x.json: "
       "No such file or directory\n",
       "/nonexistent-dir/x.json"},
  };
  for (const Case& c : cases) {
    RunOptions options = Options(c.input);
    options.answers = c.answers;
    options.record_file = c.record_file;
    std::ostringstream out, err;
    EXPECT_EQ(RunWorkflow(options, in, out, err), kRunUsage) << c.input;
    EXPECT_EQ(err.str(), c.message);
  }
  ListOptions list;
  list.engine = engine_;
  std::ostringstream out, err;
  ASSERT_EQ(ListRuns(list, out, err), 0);
  EXPECT_EQ(out.str(),
            "RUN                                   WORKFLOW                      "
            "STATUS                 STEP                    CREATED\n");
}

// bssflow replay --update rewrites recordings in place: the file keeps its
// mode, and a link to it stays a link.
TEST_F(RunCommandTest, WriteRecordingKeepsTheModeAndTheLink) {
  const std::filesystem::path dir = state_dir_ + "-recordings";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "a.json";
  const std::filesystem::path link = dir / "link.json";
  std::ofstream(file) << "{}\n";
  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  std::filesystem::create_symlink(file.filename(), link);
  ASSERT_TRUE(WriteRecording({{"format", "x"}}, link.string()).ok());
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  std::ifstream written(file);
  std::string text((std::istreambuf_iterator<char>(written)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{\n  \"format\": \"x\"\n}\n");
  EXPECT_EQ(std::filesystem::status(file).permissions(),
            std::filesystem::perms::owner_read |
                std::filesystem::perms::owner_write);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.json.new"));
  Status into_directory = WriteRecording({{"format", "x"}}, dir.string());
  EXPECT_EQ(into_directory.message(), "cannot write the recording to " +
                                          dir.string() + ": Is a directory");
  EXPECT_FALSE(std::filesystem::exists(dir / ".new"));
}

TEST_F(RunCommandTest, InvalidWorkflowPrintsDiagnosticsAndRunsNothing) {
  RunOptions options = Options("{}");
  options.workflow_file = WriteFile("broken.yaml",
                                    "workflow: demo.broken\n"
                                    "steps:\n"
                                    "  - id: a\n"
                                    "    sett: {x: 1}\n");
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunFailed);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str().substr(0, err.str().find('\n')),
            options.workflow_file +
                ":3:5: step 'a' says nothing to do: give one of call, check, "
                "set, switch, confirm, notify, fail, workflow");
  EXPECT_NE(err.str().find(options.workflow_file +
                           ":4:5: unknown field 'sett' in step 'a'; did you mean "
                           "'set'?\n"),
            std::string::npos)
      << err.str();
}

TEST_F(RunCommandTest, CallWithoutItsConnectorFailsTheRun) {
  RunOptions options = Options("{}");
  options.workflow_file = WriteFile("call.yaml",
                                    "workflow: demo.call\n"
                                    "steps:\n"
                                    "  - id: fetch\n"
                                    "    call: bss.get_account\n"
                                    "    with: {account_id: 1}\n");
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunFailed);
  EXPECT_NE(Normalize(out.str()).find("fetch: call failed (attempt 1): "),
            std::string::npos)
      << out.str();
}

// A workflow name wider than its column is still followed by a space.
TEST_F(RunCommandTest, RunsKeepsALongWorkflowNameApartFromTheStatus) {
  RunOptions options = Options("{}");
  options.workflow_file =
      WriteFile("long.yaml",
                "workflow: fabrikam.provision-tenant-with-a-long-name\n"
                "steps:\n"
                "  - id: a\n"
                "    set: {x: 1}\n");
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(RunWorkflow(options, in, out, err), kRunSucceeded) << err.str();
  ListOptions list;
  list.engine = engine_;
  std::ostringstream listed, list_err;
  ASSERT_EQ(ListRuns(list, listed, list_err), 0);
  EXPECT_NE(listed.str().find(
                "  fabrikam.provision-tenant-with-a-long-name succeeded"),
            std::string::npos)
      << listed.str();
}

// The options the hint to answer a parked run repeats, as a shell reads them.
TEST(AnswerFlagsTest, GivenOptionsOnlyQuotedWhenNeeded) {
  EXPECT_EQ(AnswerFlags("", "", ""), "");
  EXPECT_EQ(AnswerFlags("/var/lib/bssflow", "", "workflows/microsoft"),
            " --state-dir /var/lib/bssflow --workflows workflows/microsoft");
  EXPECT_EQ(AnswerFlags("", "my connectors.yaml", "it's"),
            " --connectors 'my connectors.yaml' --workflows 'it'\\''s'");
}

// A run driven on by `bssflow answer` runs its stored definition: positions
// in it name the workflow and that version, not a file.
TEST_F(RunCommandTest, ErrorsAfterAnAnswerNameTheWorkflowAndItsVersion) {
  RunOptions options = Options(R"({"m": {}})");
  options.workflow_file = WriteFile("late.yaml",
                                    "workflow: demo.late\n"
                                    "inputs: {m: map}\n"
                                    "steps:\n"
                                    "  - id: ask\n"
                                    "    confirm: {message: \"Go?\"}\n"
                                    "  - id: b\n"
                                    "    set: {x: \"${ inputs.m.nope }\"}\n");
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(RunWorkflow(options, in, out, err), kRunAwaitingConfirmation);
  AnswerOptions answer{RunIdIn(out.str()), "confirm", "alice", engine_, ""};
  std::ostringstream answered, answer_err;
  EXPECT_EQ(AnswerRun(answer, answered, answer_err), kRunFailed);
  std::string text = Normalize(answered.str());
  EXPECT_NE(text.find("b: failed: expression: demo.late@"), std::string::npos)
      << text;
  EXPECT_NE(text.find(":7:27: no such key: \"nope\" (code no_such_key)\n"),
            std::string::npos)
      << text;
}

// A called workflow whose file does not load is not merely "unknown": the
// run says which files were left out.
TEST_F(RunCommandTest, AnUnknownWorkflowNamesTheFilesThatDoNotLoad) {
  std::string dir = state_dir_ + "-library";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/child.yaml") << "workflow: demo.child\nsteps: [\n";
  RunOptions options = Options("{}");
  options.workflow_file = WriteFile("caller.yaml",
                                    "workflow: demo.caller\n"
                                    "steps:\n"
                                    "  - id: kid\n"
                                    "    workflow: demo.child\n");
  options.engine.workflows_dir = dir;
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunFailed);
  EXPECT_EQ(err.str().substr(err.str().find("note:")),
            "note: these workflow files do not load, so no step can call the "
            "workflows they define (bssflow validate shows why):\n"
            "    " + dir + "/child.yaml\n");
}

// A mistyped --state-dir for a command that reads runs is an error, not a
// new empty journal (and a new key) under that name.
TEST_F(RunCommandTest, ReadingCommandsDoNotMakeAStateDirectory) {
  ListOptions list;
  list.engine = engine_;
  list.engine.create_state_dir = false;
  std::ostringstream out, err;
  EXPECT_EQ(ListRuns(list, out, err), kRunUsage);
  EXPECT_EQ(err.str(), "bssflow runs: no state directory " + state_dir_ +
                           ": no run was started there (bssflow run and "
                           "serve make it; --state-dir or $BSSFLOW_STATE_DIR "
                           "chooses it)\n");
  EXPECT_FALSE(std::filesystem::exists(state_dir_));
}

// The hint that --limit shows more comes only when there are more.
TEST_F(RunCommandTest, RunsSaysThereAreMoreOnlyWhenThereAre) {
  std::istringstream in;
  for (int i = 0; i < 2; ++i) {
    std::ostringstream out, err;
    ASSERT_EQ(RunWorkflow(Options(R"({"name": "Bob"})"), in, out, err),
              kRunAwaitingConfirmation);
  }
  ListOptions list;
  list.engine = engine_;
  list.limit = 1;
  std::ostringstream out, err;
  ASSERT_EQ(ListRuns(list, out, err), 0);
  EXPECT_EQ(out.str().substr(out.str().rfind('(')),
            "(the first 1 runs; --limit shows more)\n");
  list.limit = 2;
  std::ostringstream all;
  ASSERT_EQ(ListRuns(list, all, err), 0);
  EXPECT_EQ(all.str().find("--limit"), std::string::npos) << all.str();
}

// A `workflow` step asks every prompt of its child as its own: each --answer
// for it answers one, in order, and a prompt left without one parks.
TEST_F(RunCommandTest, EachAnswerOfAWorkflowStepAnswersOnePromptOfTheChild) {
  std::string dir = state_dir_ + "-library";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/child.yaml")
      << "workflow: demo.child\n"
         "steps:\n"
         "  - id: q1\n"
         "    confirm: {message: \"Link?\"}\n"
         "  - id: q2\n"
         "    confirm: {message: \"Delete the old tenant?\", on_reject: end}\n";
  RunOptions options = Options("{}");
  options.workflow_file = WriteFile("parent.yaml",
                                    "workflow: demo.parent\n"
                                    "steps:\n"
                                    "  - id: kid\n"
                                    "    workflow: demo.child\n");
  options.engine.workflows_dir = dir;
  options.answers = {"kid=confirm", "kid=reject"};
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunSucceeded) << err.str();
  std::string text = Normalize(out.str());
  EXPECT_NE(text.find("kid: asks for confirmation: Link?\n"
                      "kid: answered confirm by tester\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kid: asks for confirmation: Delete the old tenant?\n"
                      "kid: answered reject by tester\n"),
            std::string::npos)
      << text;

  options.answers = {"kid=confirm"};
  std::ostringstream parked, parked_err;
  EXPECT_EQ(RunWorkflow(options, in, parked, parked_err),
            kRunAwaitingConfirmation);
  text = Normalize(parked.str());
  EXPECT_NE(text.find("kid: asks for confirmation: Delete the old tenant?\n"
                      "run RUN awaiting_confirmation\n"),
            std::string::npos)
      << text;
}

// Two files of the workflows directory with one workflow name: the run is
// refused, naming both, instead of one silently replacing the other.
TEST_F(RunCommandTest, TwoWorkflowFilesWithOneNameAreRefused) {
  std::string dir = state_dir_ + "-library";
  std::filesystem::create_directories(dir);
  const std::string text = "workflow: demo.twin\nsteps:\n  - id: a\n"
                           "    set: {x: 1}\n";
  std::ofstream(dir + "/a.yaml") << text;
  std::ofstream(dir + "/b.yaml") << text;
  RunOptions options = Options("{\"name\": \"Ada\"}");
  options.engine.workflows_dir = dir;
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunUsage);
  EXPECT_EQ(err.str(), "bssflow run: two workflow files are named demo.twin: " +
                           dir + "/a.yaml and " + dir +
                           "/b.yaml; rename one (the `workflow:` field)\n");
}

TEST_F(RunCommandTest, RunsListsAndShowReadTheJournal) {
  std::istringstream in;
  std::ostringstream out, err;
  RunOptions options = Options(R"({"name": "Ann", "phone": "+44 20 7946 0958"})");
  options.answers = {"ask=confirm"};
  ASSERT_EQ(RunWorkflow(options, in, out, err), kRunSucceeded);
  std::string run_id = RunIdIn(out.str());

  ListOptions list;
  list.engine = engine_;
  list.statuses = {"succeeded"};
  std::ostringstream listed, list_err;
  ASSERT_EQ(ListRuns(list, listed, list_err), 0);
  EXPECT_NE(listed.str().find(run_id + "  demo.greeting                 succeeded"),
            std::string::npos)
      << listed.str();

  list.statuses = {"done"};
  std::ostringstream bad, bad_err;
  EXPECT_EQ(ListRuns(list, bad, bad_err), kRunUsage);
  EXPECT_EQ(bad_err.str(),
            "bssflow runs: unknown status 'done'; one of pending, running, "
            "awaiting_confirmation, succeeded, failed, cancelled\n");

  std::ostringstream shown, show_err;
  ASSERT_EQ(ShowRun(run_id, engine_, shown, show_err), 0);
  std::string text = shown.str();
  EXPECT_EQ(text.substr(0, text.find("created")),
            "run       " + run_id +
                "\n"
                "workflow  demo.greeting (definition " +
                text.substr(text.find("(definition ") + 12, 12) +
                ")\n"
                "status    succeeded\n"
                "inputs    {\"name\":\"Ann\",\"phone\":\"+44 20 7946 0958\"}\n");
  EXPECT_NE(text.find("   7 "), std::string::npos);
  EXPECT_NE(text.find("ask: answered confirm by tester\n"), std::string::npos);

  std::ostringstream missing, missing_err;
  EXPECT_EQ(ShowRun("no-such-run", engine_, missing, missing_err), kRunUsage);
  EXPECT_EQ(missing_err.str().substr(0, 14), "bssflow show: ");
}

TEST_F(RunCommandTest, UnreadableStateDirectoryIsAClearError) {
  RunOptions options = Options(R"({"name": "Ann"})");
  options.engine.state_dir = WriteFile("not_a_directory", "x") + "/state";
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunWorkflow(options, in, out, err), kRunUsage);
  EXPECT_EQ(err.str(), "bssflow run: cannot create the state directory " +
                           options.engine.state_dir + ": Not a directory\n");
}

}  // namespace
}  // namespace bssflow::app
