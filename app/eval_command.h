// `bssflow eval`: evaluates one expression against JSON data and prints the
// result with its CEL type, or the diagnostic with a caret. The engineer's
// tool for trying out a workflow condition.
#ifndef BSSFLOW_APP_EVAL_COMMAND_H_
#define BSSFLOW_APP_EVAL_COMMAND_H_

#include <iosfwd>
#include <string>

namespace bssflow::app {

struct EvalOptions {
  /// The expression.
  std::string expression;
  /// JSON object whose members become variables; empty for none.
  std::string data_json;
  /// Where the data came from, for messages ("account.json", "<stdin>").
  std::string data_name = "<data>";
  /// Postal code rules file for postal_code_valid().
  std::string postal_code_rules;
};

/// Exit codes, as a shell script expects them.
enum ExitCode : int {
  kExitOk = 0,
  kExitExpressionError = 1,  // diagnostic or evaluation error
  kExitUsage = 2,            // bad flags, unreadable or malformed data
};

/// Runs the command: the result on `out` as one JSON line
/// {"type": "...", "value": ...}, problems on `err`. Returns the exit code.
int RunEval(const EvalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_EVAL_COMMAND_H_
