// What the workflow commands (validate, graph) share: loading workflow files
// against the data files of this installation.
#ifndef BSSFLOW_APP_WORKFLOW_FILES_H_
#define BSSFLOW_APP_WORKFLOW_FILES_H_

#include <iosfwd>
#include <optional>
#include <string>

#include "engine/loader.h"

namespace bssflow::app {

/// The data files the loader needs: postal code rules (for the functions)
/// and the merge field mapping (for templates).
struct DataFiles {
  std::string postal_code_rules;
  std::string merge_fields;
};

/// $BSSFLOW_DATA_DIR's files, else this build's data directory's.
DataFiles DefaultDataFiles();

/// A loader context over `files`; nullopt (and the reason on `err`, after
/// `command`) when a data file cannot be read.
std::optional<engine::LoaderContext> MakeLoaderContext(
    const DataFiles& files, const std::string& command, std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_WORKFLOW_FILES_H_
