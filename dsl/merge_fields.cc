#include "dsl/merge_fields.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "base/read_file.h"
#include "dsl/parser.h"
#include "dsl/source.h"

namespace bssflow::dsl {

namespace {

bool IsWordStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

// A required text field of a merge field entry; empty `problem` and the
// text, or the problem.
std::string RequiredText(const YAML::Node& node, const char* key,
                         const char* example, std::string& problem) {
  YAML::Node value = node[key];
  if (value && !value.IsNull() && !value.IsScalar()) {
    problem = std::string("'") + key + "' must be a single value";
    return "";
  }
  std::string text = value && value.IsScalar() ? value.as<std::string>() : "";
  if (text.empty() && problem.empty()) {
    problem =
        std::string("missing '") + key + "', e.g. " + key + ": " + example;
  }
  return text;
}

// The keys of a field entry other than expression and description; a
// problem naming the first, or empty.
std::string UnknownKey(const YAML::Node& node) {
  static const std::vector<std::string> kKeys = {"expression", "description"};
  for (const auto& entry : node) {
    std::string key = entry.first.Scalar();
    if (key == kKeys[0] || key == kKeys[1]) continue;
    std::string guess = ClosestMatch(key, kKeys);
    return "unknown key '" + key + "'; " +
           (guess.empty() ? "expected expression and description"
                          : "did you mean '" + guess + "'?");
  }
  return "";
}

// Whether the expression is one; a problem naming where it is not, or empty.
std::string ParseProblem(const std::string& expression) {
  Source source;
  source.text = expression;
  ParseResult parsed = Parse(source);
  if (parsed.diagnostics.empty()) return "";
  const Diagnostic& d = parsed.diagnostics.front();
  Location at = Locate(source, d.offset);
  std::string where = at.line == 1
                          ? "column " + std::to_string(at.column)
                          : "line " + std::to_string(at.line) + ", column " +
                                std::to_string(at.column);
  return "expression '" + expression + "' does not parse at " + where + ": " +
         d.message;
}

// Reads one field entry; an error message, or empty when it is valid.
std::string ReadField(const std::string& name, const YAML::Node& node,
                      MergeField& field) {
  field.name = name;
  if (!IsMergeFieldName(name)) {
    return "key must be a merge field name such as Accounts.Email: words of "
           "letters, digits and '_' joined by dots";
  }
  if (!node.IsMap()) return "expected the keys expression and description";
  if (std::string unknown = UnknownKey(node); !unknown.empty()) return unknown;
  std::string problem;
  field.expression = RequiredText(node, "expression", "account.email", problem);
  field.description = RequiredText(node, "description",
                                   "The account's email address.", problem);
  if (!problem.empty()) return problem;
  return ParseProblem(field.expression);
}

std::string At(const std::string& name, const YAML::Node& node) {
  return name + ":" + std::to_string(node.Mark().line + 1) + ": ";
}

}  // namespace

bool IsMergeFieldName(std::string_view name) {
  int words = 0;
  size_t i = 0;
  while (true) {
    if (i >= name.size() || !IsWordStart(name[i])) return false;
    while (i < name.size() && IsWordChar(name[i])) ++i;
    ++words;
    if (i == name.size()) return words >= 2;
    if (name[i] != '.') return false;
    ++i;
  }
}

Result<std::shared_ptr<const MergeFieldMap>> MergeFieldMap::Parse(
    std::string_view yaml, const std::string& name) {
  auto map = std::make_shared<MergeFieldMap>();
  map->name_ = name;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap() || !root["version"] || !root["version"].IsScalar() ||
        root["version"].as<std::string>() != "1") {
      return Status::Error(name + ": expected 'version: 1'");
    }
    YAML::Node fields = root["fields"];
    if (!fields || !fields.IsMap()) {
      return Status::Error(name + ": expected a 'fields' map");
    }
    for (const auto& entry : fields) {
      if (!entry.first.IsScalar()) {
        return Status::Error(At(name, entry.first) +
                             "merge field keys must be names such as "
                             "Accounts.Email");
      }
      MergeField field;
      field.line = entry.first.Mark().line + 1;
      std::string key = entry.first.Scalar();
      std::string problem = ReadField(key, entry.second, field);
      if (!problem.empty()) {
        return Status::Error(At(name, entry.first) + "merge field " + key +
                             ": " + problem);
      }
      if (!map->fields_.emplace(key, std::move(field)).second) {
        return Status::Error(At(name, entry.first) + "merge field " + key +
                             " is listed twice");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Error(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return std::shared_ptr<const MergeFieldMap>(std::move(map));
}

Result<std::shared_ptr<const MergeFieldMap>> MergeFieldMap::LoadFile(
    const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return Status::Error("merge fields '" + path + "': " +
                         text.status().message() +
                         "; set BSSFLOW_DATA_DIR to the directory that holds "
                         "merge_fields.yaml");
  }
  return Parse(text.value(), path);
}

const MergeField* MergeFieldMap::Find(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

std::vector<std::string> MergeFieldMap::Names() const {
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const auto& [name, field] : fields_) names.push_back(name);
  return names;
}

std::string DefaultMergeFieldsPath() {
  const char* dir = std::getenv("BSSFLOW_DATA_DIR");
  std::string base =
      dir != nullptr && *dir != '\0' ? dir : BSSFLOW_DEFAULT_DATA_DIR;
  return base + "/merge_fields.yaml";
}

}  // namespace bssflow::dsl
