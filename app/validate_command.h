// `bssflow validate FILE...` and `bssflow graph FILE`: the workflow file
// commands that need no engine running.
#ifndef BSSFLOW_APP_VALIDATE_COMMAND_H_
#define BSSFLOW_APP_VALIDATE_COMMAND_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "app/workflow_files.h"

namespace bssflow::app {

struct ValidateOptions {
  std::vector<std::string> files;
  DataFiles data = DefaultDataFiles();
  /// A connectors file whose http endpoints `call` steps may name (as
  /// `http.<name>`); empty: none.
  std::string connectors_file;
};

/// Loads each file and prints every problem with file:line:col, the line
/// and a caret; nothing runs. Exit code 0 when every file is valid, 1 when
/// any has problems, 2 when the data files cannot be read. "FILE: ok (...)"
/// per valid file on `out`, diagnostics on `err`.
int RunValidate(const ValidateOptions& options, std::ostream& out,
                std::ostream& err);

struct GraphOptions {
  std::string file;
  DataFiles data = DefaultDataFiles();
};

/// Prints the workflow as a Mermaid flowchart (engine/graph.h); an invalid
/// file gets its diagnostics and exit code 1.
int RunGraph(const GraphOptions& options, std::ostream& out, std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_VALIDATE_COMMAND_H_
