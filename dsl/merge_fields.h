// BSS merge fields: the `{#Entity.Field#}` placeholders of notification
// templates written for the BSS (`{#Accounts.Email#}`), each mapped to an
// expression over the workflow's variables (`vars.account.email`). The mapping is
// data, read from workflows/data/merge_fields.yaml, so that solution
// engineers can add or reroute a field without rebuilding (the file's header
// documents the format). Templates (template.h) resolve merge fields through
// it when they are compiled.
#ifndef BSSFLOW_DSL_MERGE_FIELDS_H_
#define BSSFLOW_DSL_MERGE_FIELDS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace bssflow::dsl {

/// One merge field and the expression it stands for.
struct MergeField {
  /// "Accounts.Email": what a template writes between `{#` and `#}`.
  std::string name;
  /// "vars.account.email": evaluated in the environment of the template that
  /// uses the field, as if the template had `${ vars.account.email }` there.
  std::string expression;
  /// What the field is, for people.
  std::string description;
  /// 1-based line of the field in the mapping file, for messages.
  int line = 0;
};

/// Whether `name` is a well-formed merge field name: two or more words of
/// letters, digits and underscores, each starting with a letter or an
/// underscore, joined by dots ("Accounts.Email", "Tenant.AdminUserName").
bool IsMergeFieldName(std::string_view name);

/// The merge-field-to-expression mapping. Immutable once loaded; safe to
/// share between threads.
class MergeFieldMap {
 public:
  /// Reads and validates a mapping file: `version: 1`, every key a merge
  /// field name, every field an expression that parses and a description,
  /// no key twice. Whether an expression's variables exist is checked later,
  /// when a template that uses the field is compiled against its Env. Errors
  /// name the file, the line, the field and the problem.
  static Result<std::shared_ptr<const MergeFieldMap>> LoadFile(
      const std::string& path);

  /// As LoadFile, from text; `name` stands for the file in messages.
  static Result<std::shared_ptr<const MergeFieldMap>> Parse(
      std::string_view yaml, const std::string& name);

  /// The field called `name` (exact, case-sensitive), or nullptr.
  const MergeField* Find(std::string_view name) const;

  /// All field names, sorted (for "did you mean" and documentation).
  std::vector<std::string> Names() const;

  /// The file the mapping came from, as given to LoadFile or Parse.
  const std::string& name() const { return name_; }

  const std::map<std::string, MergeField, std::less<>>& fields() const {
    return fields_;
  }

 private:
  std::string name_;
  std::map<std::string, MergeField, std::less<>> fields_;
};

/// The mapping file templates use: $BSSFLOW_DATA_DIR/merge_fields.yaml, else
/// the data directory this build was configured with.
std::string DefaultMergeFieldsPath();

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_MERGE_FIELDS_H_
