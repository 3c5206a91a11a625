// `bssflow validate FILE...`: loads each workflow file and prints every
// problem with file:line:col, the line and a caret; nothing runs.
#ifndef BSSFLOW_APP_VALIDATE_COMMAND_H_
#define BSSFLOW_APP_VALIDATE_COMMAND_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace bssflow::app {

struct ValidateOptions {
  std::vector<std::string> files;
  /// Postal code rules and merge field mapping, for the expressions.
  std::string postal_code_rules;
  std::string merge_fields;
};

/// Exit code 0 when every file is valid, 1 when any has problems, 2 when
/// the data files cannot be read. "FILE: ok (...)" per valid file on `out`,
/// diagnostics on `err`.
int RunValidate(const ValidateOptions& options, std::ostream& out,
                std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_VALIDATE_COMMAND_H_
