// What the workflow commands (validate, graph) share: loading workflow files
// against the data files of this installation.
#ifndef BSSFLOW_APP_WORKFLOW_FILES_H_
#define BSSFLOW_APP_WORKFLOW_FILES_H_

#include <iosfwd>
#include <optional>
#include <string>

#include "engine/loader.h"

namespace bssflow::app {

/// The data files the loader needs: postal code rules (for the functions),
/// the merge field mapping (for templates) and the notification templates
/// (for `notify` steps).
struct DataFiles {
  std::string postal_code_rules;
  std::string merge_fields;
  std::string templates_dir;
};

/// $BSSFLOW_DATA_DIR's files, else this build's data directory's; the
/// templates of $BSSFLOW_TEMPLATES_DIR, else of workflows/templates.
DataFiles DefaultDataFiles();

/// A loader context over `files`; nullopt (and the reasons on `err`, after
/// `command`) when a data file cannot be read or a template has problems.
std::optional<engine::LoaderContext> MakeLoaderContext(
    const DataFiles& files, const std::string& command, std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_WORKFLOW_FILES_H_
