#include "app/validate_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/eval_command.h"
#include "dsl/merge_fields.h"
#include "dsl/testing/shipped_data.h"

namespace bssflow::app {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

struct Outcome {
  int code;
  std::string out, err;
};

// A templates directory with one template, "welcome", whose only merge
// field is in `to` (which the tests' notify steps give themselves).
std::string TestTemplatesDir() {
  std::string dir = ::testing::TempDir() + "validate-templates";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/welcome.yaml")
      << "template: welcome\nname: Welcome\nto: '{#Accounts.Email#}'\n"
         "subject: Welcome\nbody: Hello.\n";
  return dir;
}

Outcome Validate(std::vector<std::string> files) {
  ValidateOptions options;
  options.data.templates_dir = TestTemplatesDir();
  options.files = std::move(files);
  options.data.postal_code_rules = dsl::testing::ShippedPostalCodeRulesPath();
  std::string rules = options.data.postal_code_rules;
  options.data.merge_fields =
      rules.substr(0, rules.rfind('/')) + "/merge_fields.yaml";
  std::ostringstream out, err;
  int code = RunValidate(options, out, err);
  return {code, out.str(), err.str()};
}

TEST(ValidateCommandTest, ValidFileSaysOk) {
  std::string path =
      WriteFile("good.yaml",
                "workflow: demo\n"
                "steps:\n"
                "  - id: account\n"
                "    set: {account: \"${ {'name': 'Contoso', 'email': "
                "'it@contoso.com'} }\"}\n"
                "  - id: hello\n"
                "    notify: {template: welcome, to: '{#Accounts.Email#}'}\n");
  Outcome o = Validate({path});
  EXPECT_EQ(o.code, kExitOk);
  EXPECT_EQ(o.out,
            path + ": ok (workflow demo, version 1, 2 top-level steps)\n");
  EXPECT_EQ(o.err, "");
}

TEST(ValidateCommandTest, EveryProblemOfEveryFileIsPrinted) {
  std::string bad = WriteFile("bad.yaml",
                              "workflow: demo\n"
                              "steps:\n"
                              "  - id: a\n"
                              "    fail: \"${ inputs.nope }\"\n");
  std::string merge =
      WriteFile("merge.yaml",
                "workflow: demo\n"
                "steps:\n"
                "  - id: hello\n"
                "    notify: {template: welcome, to: '{#Accounts.Email#}'}\n");
  Outcome o = Validate({bad, merge});
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(
      o.err,
      bad +
          ":4:22: no input 'nope'\n"
          "        fail: \"${ inputs.nope }\"\n"
          "                         ^\n" +
          merge +
          ":4:38: merge field {#Accounts.Email#} maps to "
          "'vars.account.email' (" +
          dsl::testing::ShippedPostalCodeRulesPath().substr(
              0, dsl::testing::ShippedPostalCodeRulesPath().rfind('/')) +
          "/merge_fields.yaml:72), which does not compile here: no "
          "variable 'account'\n"
          "        notify: {template: welcome, to: '{#Accounts.Email#}'}\n"
          "                                         ^\n");
}


TEST(ValidateCommandTest, WorkflowStepsAreCheckedAgainstTheOtherFiles) {
  std::string callee = WriteFile("callee.yaml",
                                 "workflow: demo.callee\n"
                                 "inputs:\n"
                                 "  domain: string\n"
                                 "steps:\n"
                                 "  - id: a\n"
                                 "    set: {x: 1}\n");
  std::string caller = WriteFile("caller.yaml",
                                 "workflow: demo.caller\n"
                                 "steps:\n"
                                 "  - id: one\n"
                                 "    workflow: demo.calee\n"
                                 "  - id: two\n"
                                 "    workflow: demo.callee\n"
                                 "    with: {domian: x}\n");
  Outcome o = Validate({callee, caller});
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.out, callee + ": ok (workflow demo.callee, version 1, 1 "
                            "top-level step)\n");
  EXPECT_EQ(o.err,
            caller + ":4:15: unknown workflow 'demo.calee'; did you mean "
                     "'demo.callee'?\n"
                     "        workflow: demo.calee\n"
                     "                  ^\n" +
                caller + ":6:15: workflow 'demo.callee' needs the input "
                         "'domain'\n"
                         "        workflow: demo.callee\n"
                         "                  ^\n" +
                caller + ":7:12: unknown field 'domian' in the inputs of "
                         "'demo.callee'; did you mean 'domain'?\n"
                         "        with: {domian: x}\n"
                         "               ^\n");
}

}  // namespace
}  // namespace bssflow::app

namespace bssflow::app {
namespace {

// With a connectors file, `call` steps may name its http endpoints; without
// one they are unknown actions.
// A file named twice is one file; two files with one workflow name are
// both named.
TEST(ValidateCommandTest, OneFileTwiceIsOneAndTwoFilesOfOneNameAreNamed) {
  const std::string text = "workflow: demo.same\nsteps:\n  - id: a\n"
                           "    set: {x: 1}\n";
  std::string a = WriteFile("same-a.yaml", text);
  std::string b = WriteFile("same-b.yaml", text);
  Outcome twice = Validate({a, a});
  EXPECT_EQ(twice.code, kExitOk) << twice.err;
  EXPECT_EQ(twice.out, a + ": ok (workflow demo.same, version 1, 1 top-level "
                           "step)\n");
  Outcome both = Validate({a, b});
  EXPECT_EQ(both.code, kExitExpressionError);
  EXPECT_EQ(both.err, "bssflow validate: two workflow files are named "
                      "'demo.same': " + a + " and " + b +
                          "; rename one (the `workflow:` field)\n");
}

TEST(ValidateCommandTest, HttpEndpointsComeFromTheConnectorsFile) {
  std::string connectors = WriteFile(
      "connectors-http.yaml",
      "http:\n"
      "  endpoints:\n"
      "    crm_account:\n"
      "      method: GET\n"
      "      url: http://127.0.0.1:9/api/accounts/{account_id}\n");
  std::string workflow = WriteFile("crm.yaml",
                                   "workflow: demo.crm\n"
                                   "steps:\n"
                                   "  - id: crm\n"
                                   "    call: http.crm_account\n"
                                   "    with: {account_id: 7}\n");
  ValidateOptions options;
  options.files = {workflow};
  options.connectors_file = connectors;
  std::ostringstream out, err;
  EXPECT_EQ(RunValidate(options, out, err), kExitOk) << err.str();
  EXPECT_EQ(out.str(), workflow + ": ok (workflow demo.crm, version 1, 1 "
                                  "top-level step)\n");
  options.connectors_file.clear();
  std::ostringstream out2, err2;
  EXPECT_EQ(RunValidate(options, out2, err2), kExitExpressionError);
  EXPECT_EQ(err2.str().substr(0, err2.str().find('\n')),
            workflow + ":4:11: unknown action 'http.crm_account'");
}

}  // namespace
}  // namespace bssflow::app
