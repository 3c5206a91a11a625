// Notification templates: the messages `notify` steps send, one YAML file per
// template in a templates directory (workflows/templates/), written with BSS
// merge fields so that a template written for the BSS works unchanged:
//
//   template: welcome-office365
//   name: Welcome Office 365 customer
//   to: "{#Accounts.Email#}"
//   subject: Your Microsoft tenant {#Tenant.Domain#} is ready
//   body: |
//     Dear {#Accounts.Name#}, ...
//
// A template is text here; each `notify` step compiles its fields against its
// own workflow's variables (loader.cc), so a merge field reading a variable
// the workflow does not set is refused before anything runs, with the
// template file's line and column. docs/workflows.md, "notify".
#ifndef BSSFLOW_ENGINE_NOTIFICATION_TEMPLATES_H_
#define BSSFLOW_ENGINE_NOTIFICATION_TEMPLATES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/source.h"
#include "engine/yaml_file.h"

namespace bssflow::engine {

/// One template field (`to`, `cc`, `subject`, `body`): its text and where
/// the text sits in the template file.
struct TemplateField {
  std::string text;
  /// The file and the field's scalar, to map an offset in `text` back to
  /// file:line:col (YamlFile::OffsetInScalar).
  std::shared_ptr<const YamlFile> file;
  YAML::Node node;

  /// "file:line:col" of byte `offset` of `text`.
  std::string Where(int32_t offset) const;
};

struct NotificationTemplate {
  /// The stable key workflows use: `notify: {template: welcome-office365}`.
  std::string id;
  /// For people: "Welcome Office 365 customer".
  std::string name;
  std::string description;
  /// The recipient(s); the merge field here routes the notification, e.g.
  /// {#Accounts.Email#} to the customer, {#Accounts.ParentAccountEmail#} to
  /// the reseller.
  TemplateField to;
  /// Absent when the file has no `cc`.
  std::optional<TemplateField> cc;
  TemplateField subject;
  TemplateField body;
  /// The file it was read from.
  std::string file_name;
};

struct TemplateLoadResult {
  /// Set when there are no diagnostics.
  std::optional<NotificationTemplate> template_;
  dsl::Source source;
  std::vector<dsl::Diagnostic> diagnostics;

  bool ok() const { return template_.has_value(); }
};

/// Reads one template from `text` (`file_name` names it in messages):
/// `template` (an id of letters, digits, '-', '_' and '.'), `name`, `to`,
/// `subject` and `body` required, `cc` and `description` optional, all text;
/// any other field is reported, with "did you mean". Every problem is
/// reported, each at its file:line:col. Never throws.
TemplateLoadResult ParseNotificationTemplate(std::string file_name,
                                             std::string text);

/// The templates a loader knows, by id. Immutable once built; safe to share
/// between threads.
class TemplateLibrary {
 public:
  /// Reads every *.yaml file of `directory`, in name order. Returns the
  /// library and, in `problems`, every file's diagnostics rendered
  /// (file:line:col, the line and a caret) plus two files with one id; a
  /// missing directory is an empty library and one problem. A file with
  /// problems is left out.
  static std::shared_ptr<const TemplateLibrary> LoadDirectory(
      const std::string& directory, std::vector<std::string>& problems);

  /// Adds `t`; false (and nothing added) when its id is taken.
  bool Add(NotificationTemplate t);

  const NotificationTemplate* Find(std::string_view id) const;
  std::vector<std::string> Ids() const;
  /// Where the templates came from, for messages ("" when built in code).
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
  std::map<std::string, NotificationTemplate, std::less<>> templates_;
};

/// $BSSFLOW_TEMPLATES_DIR, else the templates directory this build was
/// configured with (workflows/templates of the source tree).
std::string DefaultTemplatesDirectory();

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_NOTIFICATION_TEMPLATES_H_
