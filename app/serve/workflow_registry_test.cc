#include "app/serve/workflow_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/workflow_files.h"

namespace bssflow::serve {
namespace {

constexpr const char* kGreet = R"(workflow: test.greet
inputs:
  name: string
steps:
  - id: greet
    set:
      greeting: "Hello ${ inputs.name }"
outputs:
  greeting: "${ vars.greeting }"
)";

class WorkflowRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "registry_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ostringstream err;
    auto context = app::MakeLoaderContext(app::DefaultDataFiles(), "test", err);
    ASSERT_TRUE(context.has_value()) << err.str();
    context_ = *context;
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }

  std::string dir_;
  engine::LoaderContext context_;
};

TEST_F(WorkflowRegistryTest, LoadsEveryWorkflowOfTheDirectory) {
  Write("greet.yaml", kGreet);
  Write("notes.txt", "not a workflow");
  WorkflowRegistry registry(dir_, context_);
  ReloadReport report = registry.Reload();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"test.greet"});
  EXPECT_EQ(report.changed, std::vector<std::string>{"test.greet"});
  EXPECT_TRUE(report.problems.empty());
  engine::NamedWorkflow found = registry.Find("test.greet");
  ASSERT_NE(found.workflow, nullptr);
  EXPECT_EQ(found.text, kGreet);
  EXPECT_EQ(registry.Find("test.other").workflow, nullptr);
}

TEST_F(WorkflowRegistryTest, AFileThatBreaksKeepsItsVersion) {
  Write("greet.yaml", kGreet);
  WorkflowRegistry registry(dir_, context_);
  registry.Reload();
  std::shared_ptr<const WorkflowSet> before = registry.Current();
  const std::string version =
      before->workflows.at("test.greet").workflow->content_hash;

  Write("greet.yaml", "workflow: test.greet\nsteps: [\n");
  ReloadReport report = registry.Reload();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"test.greet"});
  EXPECT_TRUE(report.changed.empty());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].file, dir_ + "/greet.yaml");
  ASSERT_EQ(report.problems[0].diagnostics.size(), 1u);
  EXPECT_EQ(report.problems[0].diagnostics[0].rfind(dir_ + "/greet.yaml:3:1: ", 0),
            0u)
      << report.problems[0].diagnostics[0];
  EXPECT_EQ(registry.Find("test.greet").workflow->content_hash, version);
  // The snapshot a reader held is unchanged.
  EXPECT_EQ(before->problems.size(), 0u);

  std::string changed = kGreet;
  changed.replace(changed.find("Hello"), 5, "Welcome");
  Write("greet.yaml", changed);
  report = registry.Reload();
  EXPECT_EQ(report.changed, std::vector<std::string>{"test.greet"});
  EXPECT_TRUE(report.problems.empty());
  EXPECT_NE(registry.Find("test.greet").workflow->content_hash, version);

  std::filesystem::remove(dir_ + "/greet.yaml");
  report = registry.Reload();
  EXPECT_TRUE(report.loaded.empty());
  EXPECT_EQ(report.changed, std::vector<std::string>{"test.greet"});
}

TEST_F(WorkflowRegistryTest, TwoFilesWithOneNameKeepTheFirst) {
  Write("a.yaml", kGreet);
  Write("b.yaml", kGreet);
  WorkflowRegistry registry(dir_, context_);
  ReloadReport report = registry.Reload();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"test.greet"});
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].diagnostics,
            std::vector<std::string>{
                dir_ + "/b.yaml: the workflow name test.greet is taken by " +
                dir_ + "/a.yaml; rename one (the `workflow:` field)"});
  EXPECT_EQ(registry.Find("test.greet").workflow->file, dir_ + "/a.yaml");
}

TEST_F(WorkflowRegistryTest, AMissingDirectoryIsAProblem) {
  WorkflowRegistry registry(dir_ + "/missing", context_);
  ReloadReport report = registry.Reload();
  EXPECT_TRUE(report.loaded.empty());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].diagnostics,
            std::vector<std::string>{"cannot read the workflows directory " +
                                     dir_ +
                                     "/missing: No such file or directory"});
}

}  // namespace
}  // namespace bssflow::serve
