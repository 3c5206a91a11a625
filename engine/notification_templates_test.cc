#include "engine/notification_templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace bssflow::engine {
namespace {

std::string Problems(const std::string& text) {
  TemplateLoadResult result = ParseNotificationTemplate("welcome.yaml", text);
  return dsl::RenderAll(result.source, result.diagnostics);
}

TEST(NotificationTemplateTest, ReadsEveryField) {
  TemplateLoadResult result = ParseNotificationTemplate("welcome.yaml", R"(
template: welcome-office365
name: Welcome Office 365 customer
description: Sent when a tenant is created.
to: "{#Accounts.Email#}"
cc: ops@cloud.example
subject: Your tenant {#Tenant.Domain#} is ready
body: |
  Dear {#Accounts.Name#},
  sign in as {#Tenant.AdminUserName#}.
)");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  const NotificationTemplate& t = *result.template_;
  EXPECT_EQ(t.id, "welcome-office365");
  EXPECT_EQ(t.name, "Welcome Office 365 customer");
  EXPECT_EQ(t.to.text, "{#Accounts.Email#}");
  ASSERT_TRUE(t.cc.has_value());
  EXPECT_EQ(t.cc->text, "ops@cloud.example");
  EXPECT_EQ(t.body.text,
            "Dear {#Accounts.Name#},\nsign in as {#Tenant.AdminUserName#}.\n");
  // Offsets in a field map back to the file, block scalars included.
  EXPECT_EQ(t.subject.Where(12), "welcome.yaml:7:22");
  EXPECT_EQ(t.body.Where(35), "welcome.yaml:10:14");
}

TEST(NotificationTemplateTest, ReportsEveryProblemAtItsPlace) {
  EXPECT_EQ(Problems("template: welcome office\n"
                     "name: [a]\n"
                     "too: x\n"
                     "subject: s\n"),
            "welcome.yaml:1:1: the template has no 'to' (required)\n"
            "    template: welcome office\n"
            "    ^\n"
            "welcome.yaml:1:1: the template has no 'body' (required)\n"
            "    template: welcome office\n"
            "    ^\n"
            "welcome.yaml:1:11: 'template' must be an id of letters, digits, "
            "'-', '_' and '.', got 'welcome office'\n"
            "    template: welcome office\n"
            "              ^\n"
            "welcome.yaml:2:7: 'name' must be text, got a list\n"
            "    name: [a]\n"
            "          ^\n"
            "welcome.yaml:3:1: unknown field 'too' in the template; did you "
            "mean 'to'?\n"
            "    too: x\n"
            "    ^\n");
}

TEST(NotificationTemplateTest, ADuplicateKeyIsReported) {
  EXPECT_EQ(Problems("template: welcome\n"
                     "name: Welcome\n"
                     "to: a@example.com\n"
                     "subject: s\n"
                     "body: b\n"
                     "subject: t\n"),
            "welcome.yaml:6:1: duplicate key 'subject': it is already on line "
            "4, and a key may appear only once in a map\n"
            "    subject: t\n"
            "    ^\n");
}

TEST(NotificationTemplateTest, ANonMapAndBadYamlAreReported) {
  EXPECT_EQ(Problems("- a\n"),
            "welcome.yaml:1:1: a notification template must be a map with "
            "'template', 'name', 'to', 'subject' and 'body', got a list\n"
            "    - a\n"
            "    ^\n");
  EXPECT_EQ(Problems("to: [\n").substr(0, 38),
            "welcome.yaml:2:1: YAML syntax error: e");
}

class TemplateDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bssflow-templates-" +
            std::string(::testing::UnitTest::GetInstance()
                            ->current_test_info()
                            ->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  std::filesystem::path dir_;
};

constexpr const char* kWelcome =
    "template: welcome\nname: W\nto: a@b.c\nsubject: s\nbody: b\n";

TEST_F(TemplateDirectoryTest, LoadsEveryYamlFileAndReportsTheRest) {
  Write("a.yaml", kWelcome);
  Write("b.yaml", kWelcome);
  Write("c.yaml", "template: other\n");
  Write("notes.txt", "not a template");
  std::vector<std::string> problems;
  auto library = TemplateLibrary::LoadDirectory(dir_.string(), problems);
  EXPECT_EQ(library->Ids(), std::vector<std::string>{"welcome"});
  EXPECT_EQ(library->Find("welcome")->file_name, (dir_ / "a.yaml").string());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], (dir_ / "b.yaml").string() +
                             ": the template id 'welcome' is already used by " +
                             (dir_ / "a.yaml").string());
  EXPECT_EQ(problems[1].substr(0, problems[1].find('\n')),
            (dir_ / "c.yaml").string() +
                ":1:1: the template has no 'name' (required)");
}

TEST_F(TemplateDirectoryTest, AMissingDirectoryIsOneProblem) {
  std::vector<std::string> problems;
  auto library =
      TemplateLibrary::LoadDirectory((dir_ / "none").string(), problems);
  EXPECT_TRUE(library->Ids().empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "cannot read the templates directory " +
                             (dir_ / "none").string() +
                             ": No such file or directory");
}

}  // namespace
}  // namespace bssflow::engine
