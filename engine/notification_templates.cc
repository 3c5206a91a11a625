#include "engine/notification_templates.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "base/read_file.h"
#include "base/status.h"

namespace bssflow::engine {

namespace {

const std::vector<std::string>& KnownFields() {
  static const std::vector<std::string> fields = {
      "template", "name", "description", "to", "cc", "subject", "body"};
  return fields;
}

bool IsTemplateId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

std::string Describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "'" + node.Scalar() + "'";
}

// Reads one template file's fields, collecting every problem.
class TemplateReader {
 public:
  TemplateReader(std::string file_name, std::string text)
      : file_(std::make_shared<const YamlFile>(std::move(file_name),
                                               std::move(text))) {}

  TemplateLoadResult Run() {
    TemplateLoadResult result;
    result.source = file_->source();
    if (!file_->syntax_errors().empty()) {
      result.diagnostics = file_->syntax_errors();
      return result;
    }
    diagnostics_ = file_->duplicate_keys();
    const YAML::Node& root = file_->root();
    if (!root.IsMap()) {
      Report(root, "a notification template must be a map with 'template', "
                   "'name', 'to', 'subject' and 'body', got " +
                       Describe(root));
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    CheckFields(root);
    NotificationTemplate t;
    t.file_name = file_->source().name;
    if (auto id = Text(root, "template", true)) {
      if (IsTemplateId(id->text)) {
        t.id = id->text;
      } else {
        Report(id->node, "'template' must be an id of letters, digits, '-', "
                         "'_' and '.', got '" + id->text + "'");
      }
    }
    if (auto name = Text(root, "name", true)) t.name = name->text;
    if (auto description = Text(root, "description", false))
      t.description = description->text;
    if (auto to = Text(root, "to", true)) t.to = std::move(*to);
    t.cc = Text(root, "cc", false);
    if (auto subject = Text(root, "subject", true))
      t.subject = std::move(*subject);
    if (auto body = Text(root, "body", true)) t.body = std::move(*body);
    if (diagnostics_.empty()) result.template_ = std::move(t);
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const dsl::Diagnostic& a, const dsl::Diagnostic& b) {
                       return a.offset < b.offset;
                     });
    result.diagnostics = std::move(diagnostics_);
    return result;
  }

 private:
  void Report(const YAML::Node& node, std::string message) {
    diagnostics_.push_back({file_->OffsetOf(node), std::move(message)});
  }

  void CheckFields(const YAML::Node& root) {
    for (const auto& entry : root) {
      std::string key = entry.first.Scalar();
      const std::vector<std::string>& known = KnownFields();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string message = "unknown field '" + key + "' in the template";
      std::string guess = dsl::ClosestMatch(key, known);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(entry.first, message);
    }
  }

  // The text of `root[key]`; a missing required field is reported at the
  // start of the file, a field that is not text at the field.
  std::optional<TemplateField> Text(const YAML::Node& root,
                                    const std::string& key, bool required) {
    YAML::Node node = root[key];
    if (!node) {
      if (required) {
        diagnostics_.push_back(
            {0, "the template has no '" + key + "' (required)"});
      }
      return std::nullopt;
    }
    if (!node.IsScalar()) {
      Report(node, "'" + key + "' must be text, got " + Describe(node));
      return std::nullopt;
    }
    return TemplateField{node.Scalar(), file_, node};
  }

  std::shared_ptr<const YamlFile> file_;
  std::vector<dsl::Diagnostic> diagnostics_;
};

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path.string());
  if (!text.ok())
    return Status::Error(path.string() + ": " + text.status().message());
  return text;
}

}  // namespace

std::string TemplateField::Where(int32_t offset) const {
  if (file == nullptr) return "<template>";
  dsl::Location at =
      dsl::Locate(file->source(), file->OffsetInScalar(node, offset));
  return file->source().name + ":" + std::to_string(at.line) + ":" +
         std::to_string(at.column);
}

TemplateLoadResult ParseNotificationTemplate(std::string file_name,
                                             std::string text) {
  return TemplateReader(std::move(file_name), std::move(text)).Run();
}

bool TemplateLibrary::Add(NotificationTemplate t) {
  std::string id = t.id;
  return templates_.emplace(std::move(id), std::move(t)).second;
}

const NotificationTemplate* TemplateLibrary::Find(std::string_view id) const {
  auto it = templates_.find(id);
  return it == templates_.end() ? nullptr : &it->second;
}

std::vector<std::string> TemplateLibrary::Ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, t] : templates_) ids.push_back(id);
  return ids;
}

std::shared_ptr<const TemplateLibrary> TemplateLibrary::LoadDirectory(
    const std::string& directory, std::vector<std::string>& problems) {
  auto library = std::make_shared<TemplateLibrary>();
  library->directory_ = directory;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) {
    problems.push_back("cannot read the templates directory " + directory +
                       ": " + ec.message());
    return library;
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& path : files) {
    Result<std::string> text = ReadWholeFile(path);
    if (!text.ok()) {
      problems.push_back(text.status().message());
      continue;
    }
    TemplateLoadResult loaded =
        ParseNotificationTemplate(path.string(), std::move(text.value()));
    if (!loaded.ok()) {
      problems.push_back(dsl::RenderAll(loaded.source, loaded.diagnostics));
      continue;
    }
    std::string id = loaded.template_->id;
    if (const NotificationTemplate* first = library->Find(id)) {
      problems.push_back(path.string() + ": the template id '" + id +
                         "' is already used by " + first->file_name);
      continue;
    }
    library->Add(std::move(*loaded.template_));
  }
  return library;
}

std::string DefaultTemplatesDirectory() {
  const char* dir = std::getenv("BSSFLOW_TEMPLATES_DIR");
  if (dir != nullptr && *dir != '\0') return dir;
  return BSSFLOW_DEFAULT_TEMPLATES_DIR;
}

}  // namespace bssflow::engine
