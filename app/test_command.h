// `bssflow test PATH...`: runs scenario files (scenario.h) offline and in
// parallel, prints a line per scenario and a summary, and writes JUnit XML
// for CI systems.
#ifndef BSSFLOW_APP_TEST_COMMAND_H_
#define BSSFLOW_APP_TEST_COMMAND_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "app/workflow_files.h"

namespace bssflow::app {

struct TestCommandOptions {
  /// Scenario files, and directories searched (recursively) for *.yaml.
  std::vector<std::string> paths;
  /// Where to write JUnit XML; empty: nowhere.
  std::string junit_file;
  /// Scenarios run at once; 0: one per core.
  unsigned jobs = 0;
  /// A connectors file whose http endpoints workflows may call.
  std::string connectors_file;
  DataFiles data = DefaultDataFiles();
};

/// One scenario's verdict.
struct ScenarioVerdict {
  std::string file;
  std::string title;
  /// Empty: it passed.
  std::vector<std::string> failures;
  double seconds = 0;
};

/// The scenario files named by `paths`, in name order; an error for a path
/// that does not exist.
Result<std::vector<std::string>> ScenarioFiles(
    const std::vector<std::string>& paths);

/// JUnit XML for `verdicts` (one testsuite "bssflow", a testcase per
/// scenario: classname its file, name its title, and a failure element
/// with its failures).
std::string JunitXml(const std::vector<ScenarioVerdict>& verdicts,
                     double seconds);

/// Exit code 0 when every scenario passes, 1 when any fails (a scenario
/// file with problems fails with its diagnostics), 2 when no scenario is
/// found or a path or the data files cannot be read.
int RunTests(const TestCommandOptions& options, std::ostream& out,
             std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_TEST_COMMAND_H_
