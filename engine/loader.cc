#include "engine/loader.h"

#include <openssl/sha.h>

#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <map>
#include <regex>
#include <set>

#include "base/duration.h"
#include "base/read_file.h"
#include "dsl/json_value.h"
#include "dsl/template.h"
#include "engine/yaml_file.h"

namespace bssflow::engine {

const std::vector<std::string>& RetryableErrorKinds() {
  static const std::vector<std::string> kinds = {
      "retryable", "throttled", "timeout", "not_found",
      "conflict",  "invalid",   "auth",    "fatal"};
  return kinds;
}

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kCall:
      return "call";
    case StepKind::kCheck:
      return "check";
    case StepKind::kSet:
      return "set";
    case StepKind::kSwitch:
      return "switch";
    case StepKind::kConfirm:
      return "confirm";
    case StepKind::kNotify:
      return "notify";
    case StepKind::kFail:
      return "fail";
    case StepKind::kWorkflow:
      return "workflow";
  }
  return "";
}

namespace {

const std::vector<std::string> kWorkflowFields = {
    "workflow", "version", "summary", "description",
    "inputs",   "steps",   "outputs", "on_error"};
const std::vector<std::string> kStepFields = {
    "id",   "name",   "description", "if",      "call", "check",
    "set",  "switch", "confirm",     "notify",  "fail", "workflow",
    "with", "retry",  "timeout",     "on_error"};
const std::vector<std::string> kKindFields = {
    "call", "check", "set", "switch", "confirm", "notify", "fail", "workflow"};

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "'" + node.Scalar() + "'";
  }
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  std::string hex;
  char buf[3];
  for (unsigned char byte : digest) {
    std::snprintf(buf, sizeof buf, "%02x", byte);
    hex += buf;
  }
  return hex;
}

// A whole number of at most 15 digits (so that no arithmetic on it can
// overflow); nullopt for anything else.
std::optional<int64_t> WholeNumber(const YAML::Node& node) {
  static const std::regex kDigits(R"(^[0-9]{1,15}$)");
  if (!node.IsScalar() || !std::regex_match(node.Scalar(), kDigits))
    return std::nullopt;
  return std::stoll(node.Scalar());
}

// "500ms", "30s", "5m", "1h" (base/duration.h): false when `text` is none
// of these.
bool ParseDuration(const std::string& text, std::chrono::milliseconds& out) {
  std::optional<std::chrono::milliseconds> parsed = bssflow::ParseDuration(text);
  if (parsed.has_value()) out = *parsed;
  return parsed.has_value();
}

class Loader {
 public:
  Loader(std::string name, std::string text, const LoaderContext& context)
      : file_(std::move(name), std::move(text)), context_(context) {}

  LoadResult Run();

 private:
  // ---- Reporting and structure ----
  void Report(const YAML::Node& node, std::string message) {
    diagnostics_.push_back({file_.OffsetOf(node), std::move(message)});
  }
  void ReportAt(int32_t offset, std::string message) {
    diagnostics_.push_back({offset, std::move(message)});
  }
  Position PositionOf(const YAML::Node& node) const {
    dsl::Location where = dsl::Locate(file_.source(), file_.OffsetOf(node));
    return {file_.source().name, where.line, where.column};
  }

  // Reports every key of `map` not in `allowed`, with a suggestion.
  void CheckFields(const YAML::Node& map,
                   const std::vector<std::string>& allowed,
                   const std::string& where) {
    for (const auto& entry : map) {
      std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
        continue;
      std::string message = "unknown field '" + key + "' in " + where;
      std::string guess = dsl::ClosestMatch(key, allowed);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(entry.first, message);
    }
  }

  bool ExpectMap(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return true;
    Report(node, what + " must be a map, got " + Describe(node));
    return false;
  }
  bool ExpectList(const YAML::Node& node, const std::string& what) {
    if (node.IsSequence()) return true;
    Report(node, what + " must be a list, got " + Describe(node));
    return false;
  }
  bool ExpectText(const YAML::Node& node, const std::string& what) {
    if (node.IsScalar()) return true;
    Report(node, what + " must be a single value, got " + Describe(node));
    return false;
  }

  // ---- Pass 1: names ----
  void CollectNames(const YAML::Node& steps);

  // ---- Pass 2: the model ----
  void ReadHeader(const YAML::Node& root);
  void ReadInputs(const YAML::Node& inputs);
  StepList ReadSteps(const YAML::Node& steps, const std::string& where);
  std::optional<Step> ReadStep(const YAML::Node& node);
  void ReadKind(const YAML::Node& node, const YAML::Node& body, Step& step);
  void ReadCall(const YAML::Node& node, const YAML::Node& body, Step& step);
  void ReadRetry(const YAML::Node& retry, RetryPolicy& policy);
  void ReadRetryAndTimeout(const YAML::Node& node, Step& step);
  void ReadCheck(const YAML::Node& body, Step& step);
  void ReadSwitch(const YAML::Node& body, Step& step);
  void ReadConfirm(const YAML::Node& body, Step& step);
  void ReadNotify(const YAML::Node& body, Step& step);
  const NotificationTemplate* FindTemplate(const TemplateLibrary& library,
                                           const YAML::Node& id);
  std::optional<TemplateValue> CompileTemplateField(
      const NotificationTemplate& chosen, const TemplateField& field,
      const std::string& what, const YAML::Node& at);
  TemplateMap ReadTemplates(const YAML::Node& map, const std::string& what);
  std::optional<ValueTemplate> ReadValue(const YAML::Node& node,
                                         const std::string& what, int depth);

  // ---- Expressions ----
  /// The switch step (its index) one of whose branches holds step `step`
  /// and another step `reader`; nullopt when there is none (the two can
  /// both run). `reader` past the last step (outputs) is in no branch.
  std::optional<size_t> OtherBranchOf(size_t step, size_t reader) const {
    if (reader >= step_branches_.size()) return std::nullopt;
    for (const auto& [fork, branch] : step_branches_[step]) {
      for (const auto& [reader_fork, reader_branch] : step_branches_[reader]) {
        if (fork == reader_fork && branch != reader_branch) return fork;
      }
    }
    return std::nullopt;
  }
  std::shared_ptr<const dsl::Env> EnvForStep(
      size_t step_index, const char* later = "it runs after this point",
      bool is_step = true) const;
  std::optional<Condition> CompileCondition(const YAML::Node& node);
  std::optional<TemplateValue> CompileTemplate(const YAML::Node& node,
                                               const std::string& what,
                                               bool allow_null = false);
  void ShiftDiagnostics(const YAML::Node& scalar,
                        const std::vector<dsl::Diagnostic>& inner);

  YamlFile file_;
  const LoaderContext& context_;
  std::vector<dsl::Diagnostic> diagnostics_;
  Workflow workflow_;
  std::vector<std::string> step_ids_;    // in document order
  /// For each of step_ids_, the switch branches it is in, outermost first:
  /// (the switch's index in step_ids_, the branch's index).
  std::vector<std::vector<std::pair<size_t, size_t>>> step_branches_;
  std::vector<std::pair<size_t, size_t>> collecting_in_;  // CollectNames'
  std::vector<std::string> var_names_;   // every `set:` target
  size_t steps_read_ = 0;                // steps read so far, in document order
  int on_error_depth_ = 0;  // > 0 while reading on_error steps: `error` is set
  std::shared_ptr<const dsl::Env> env_;  // the env of the expression being read
};

void Loader::CollectNames(const YAML::Node& steps) {
  if (!steps || !steps.IsSequence()) return;
  for (const YAML::Node& step : steps) {
    if (!step.IsMap()) continue;
    // One entry per step, so that indices follow the order ReadStep reads in.
    step_ids_.push_back(
        step["id"] && step["id"].IsScalar() ? step["id"].Scalar() : "");
    step_branches_.push_back(collecting_in_);
    const size_t index = step_ids_.size() - 1;
    if (step["set"] && step["set"].IsMap()) {
      for (const auto& entry : step["set"])
        var_names_.push_back(entry.first.Scalar());
    }
    // ReadStep reads nested steps only of a step with exactly one kind.
    int kinds = 0;
    for (const std::string& kind : kKindFields) kinds += step[kind] ? 1 : 0;
    if (kinds == 1 && step["switch"] && step["switch"].IsSequence()) {
      size_t branch_index = 0;
      for (const YAML::Node& branch : step["switch"]) {
        collecting_in_.emplace_back(index, branch_index++);
        if (branch.IsMap()) CollectNames(branch["steps"]);
        collecting_in_.pop_back();
      }
    }
    if (kinds == 1 && step["confirm"] && step["confirm"].IsMap()) {
      CollectNames(step["confirm"]["on_reject"]);
    }
    CollectNames(step["on_error"]);
  }
}

// The environment of the expressions of the step_index-th step (in file
// order): the steps before it are available, the others are not, because
// of `later`.
std::shared_ptr<const dsl::Env> Loader::EnvForStep(size_t step_index,
                                                   const char* later,
                                                   bool is_step) const {
  auto env = std::make_shared<dsl::Env>(context_.functions);
  dsl::KnownFields inputs;
  inputs.noun = "input";
  for (const Input& input : workflow_.inputs) {
    inputs.names.push_back(input.name);
    // A typed input's value has its type when the run starts (ints given
    // for double and uint inputs are converted: TypedInputs): statically
    // typed, so that `inputs.n + true` is refused here.
    if (input.kind.has_value()) inputs.kinds[input.name] = *input.kind;
  }
  env->DeclareFields("inputs", inputs);
  dsl::KnownFields steps;
  steps.noun = "step";
  for (size_t i = 0; i < step_ids_.size(); ++i) {
    if (step_ids_[i].empty()) continue;
    if (std::optional<size_t> fork = OtherBranchOf(i, step_index)) {
      steps.unavailable.emplace_back(
          step_ids_[i], "it is in another branch of switch step '" +
                            step_ids_[*fork] + "'");
    } else if (i < step_index) {
      steps.names.push_back(step_ids_[i]);
    } else {
      steps.unavailable.emplace_back(step_ids_[i],
                                     i == step_index && is_step
                                         ? "a step cannot read its own result"
                                         : later);
    }
  }
  env->DeclareFields("steps", steps);
  dsl::KnownFields vars;
  vars.noun = "variable";
  vars.names = var_names_;
  env->DeclareFields("vars", vars);
  dsl::KnownFields error;
  error.noun = "error field";
  for (const char* field : {"step", "kind", "code", "message"}) {
    if (on_error_depth_ > 0) {
      error.names.push_back(field);
    } else {
      error.unavailable.emplace_back(field,
                                     "only on_error steps have an error");
    }
  }
  env->DeclareFields("error", error);
  return env;
}

void Loader::ShiftDiagnostics(const YAML::Node& scalar,
                              const std::vector<dsl::Diagnostic>& inner) {
  for (const dsl::Diagnostic& d : inner) {
    ReportAt(file_.OffsetInScalar(scalar, d.offset), d.message);
  }
}

std::optional<Condition> Loader::CompileCondition(const YAML::Node& node) {
  if (!ExpectText(node, "a condition")) return std::nullopt;
  // Templates are written with ${ }, and a condition looks like one; it is
  // an expression as it stands.
  const std::string& text = node.Scalar();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text.compare(first, 2, "${") == 0) {
    Report(node,
           "a condition is an expression as it stands, written without ${ }, "
           "e.g. `if: inputs.count > 0`");
    return std::nullopt;
  }
  dsl::Source source;
  source.name = file_.source().name;
  source.text = text;
  dsl::CompileOptions options;
  options.limits = context_.limits;
  dsl::CompileResult compiled = dsl::Compile(source, *env_, options);
  if (!compiled.ok()) {
    ShiftDiagnostics(node, compiled.diagnostics);
    return std::nullopt;
  }
  std::optional<dsl::ValueKind> kind = compiled.program->result_kind();
  if (kind.has_value() && *kind != dsl::ValueKind::kBool) {
    Report(node, "a condition must be bool, got " +
                     std::string(dsl::KindName(*kind)));
    return std::nullopt;
  }
  return Condition{source.text, PositionOf(node), compiled.program};
}

// A plain YAML scalar that YAML reads as a number, a bool or null (5, 1.5,
// true, ~) keeps that type; everything else is text.
bool IsTypedPlainScalar(const YAML::Node& node) {
  static const std::regex kTyped(
      R"(^(true|false|null|~|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$)");
  return node.Tag() == "?" && std::regex_match(node.Scalar(), kTyped);
}

// The CEL spelling of a YAML number, bool or null: YAML allows "+5", "1."
// and "~", which CEL writes "5", "1.0" and "null".
std::string CelLiteral(std::string yaml) {
  if (yaml == "~") return "null";
  if (!yaml.empty() && yaml[0] == '+') yaml.erase(0, 1);
  size_t dot = yaml.find('.');
  if (dot != std::string::npos &&
      (dot + 1 == yaml.size() || yaml[dot + 1] == 'e' ||
       yaml[dot + 1] == 'E')) {
    yaml.insert(dot + 1, "0");
  }
  return yaml;
}

std::optional<TemplateValue> Loader::CompileTemplate(const YAML::Node& node,
                                                     const std::string& what,
                                                     bool allow_null) {
  if (node.IsNull() && !allow_null) {
    // yaml-cpp places an empty value at the next token; point just after
    // the key's colon instead, where the value is missing.
    std::string_view text = file_.source().text;
    size_t at = static_cast<size_t>(file_.OffsetOf(node));
    while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\n' ||
                      text[at - 1] == '\r')) {
      --at;
    }
    ReportAt(static_cast<int32_t>(at), what + " must not be empty");
    return std::nullopt;
  }
  if (node.IsNull()) {  // `key:` with nothing after it is null
    dsl::Source source;
    source.text = "${null}";
    dsl::TemplateCompileResult compiled =
        dsl::CompileTemplate(source, *env_, nullptr, dsl::CompileOptions());
    return TemplateValue{"", PositionOf(node), compiled.template_};
  }
  if (!ExpectText(node, what)) return std::nullopt;
  // `fail: ""` says no more than `fail:` does.
  if (!allow_null && node.Scalar().find_first_not_of(" \t\r\n") ==
                         std::string::npos) {
    Report(node, what + " must not be empty");
    return std::nullopt;
  }
  dsl::Source source;
  source.name = file_.source().name;
  source.text = node.Scalar();
  if (IsTypedPlainScalar(node))
    source.text = "${" + CelLiteral(source.text) + "}";
  dsl::CompileOptions options;
  options.limits = context_.limits;
  dsl::TemplateCompileResult compiled =
      dsl::CompileTemplate(source, *env_, context_.merge_fields.get(), options);
  if (!compiled.ok()) {
    ShiftDiagnostics(node, compiled.diagnostics);
    return std::nullopt;
  }
  return TemplateValue{source.text, PositionOf(node), compiled.template_};
}

std::optional<ValueTemplate> Loader::ReadValue(const YAML::Node& node,
                                               const std::string& what,
                                               int depth) {
  ValueTemplate value;
  value.position = PositionOf(node);
  if (depth > dsl::kMaxDataDepth) {
    Report(node, what + " nests deeper than " +
                     std::to_string(dsl::kMaxDataDepth) + " levels");
    return std::nullopt;
  }
  bool ok = true;
  if (node.IsSequence()) {
    value.shape = ValueTemplate::Shape::kList;
    for (const YAML::Node& item : node) {
      std::optional<ValueTemplate> v = ReadValue(item, what, depth + 1);
      ok = ok && v.has_value();
      if (v) value.items.push_back(std::move(*v));
    }
  } else if (node.IsMap()) {
    value.shape = ValueTemplate::Shape::kMap;
    for (const auto& entry : node) {
      std::optional<ValueTemplate> v = ReadValue(entry.second, what, depth + 1);
      ok = ok && v.has_value();
      if (v) value.fields.push_back({entry.first.Scalar(), std::move(*v)});
    }
  } else {
    std::optional<TemplateValue> scalar = CompileTemplate(node, what, true);
    if (!scalar) return std::nullopt;
    value.scalar = std::move(*scalar);
  }
  if (!ok) return std::nullopt;
  return value;
}

TemplateMap Loader::ReadTemplates(const YAML::Node& map,
                                  const std::string& what) {
  TemplateMap out;
  if (!ExpectMap(map, what)) return out;
  for (const auto& entry : map) {
    std::string key = entry.first.Scalar();
    std::optional<ValueTemplate> value =
        ReadValue(entry.second, "'" + key + "' in " + what, 0);
    if (value.has_value()) out.emplace_back(key, std::move(*value));
  }
  return out;
}

void Loader::ReadHeader(const YAML::Node& root) {
  CheckFields(root, kWorkflowFields, "the workflow");
  if (!root["workflow"]) {
    Report(root,
           "missing field 'workflow': the workflow's name, e.g. "
           "microsoft.provision-tenant");
  } else if (ExpectText(root["workflow"], "'workflow'")) {
    static const std::regex kName(R"(^[a-z0-9][a-z0-9_.-]*$)");
    workflow_.name = root["workflow"].Scalar();
    if (!std::regex_match(workflow_.name, kName)) {
      Report(root["workflow"], "workflow name '" + workflow_.name +
                                   "' must be lower case letters, digits, '.', "
                                   "'-' and '_'");
    }
  }
  if (root["version"]) {
    std::optional<int64_t> version = WholeNumber(root["version"]);
    if (!version) {
      Report(root["version"], "'version' must be a whole number, got " +
                                  Describe(root["version"]));
    } else {
      workflow_.version = *version;
    }
  }
  if (root["summary"] && ExpectText(root["summary"], "'summary'")) {
    workflow_.summary = root["summary"].Scalar();
  }
  if (root["inputs"]) ReadInputs(root["inputs"]);
}

void Loader::ReadInputs(const YAML::Node& inputs) {
  if (!ExpectMap(inputs, "'inputs'")) return;
  static const std::vector<std::string> kTypes = {
      "any", "bool", "int", "uint", "double", "string", "list", "map"};
  for (const auto& entry : inputs) {
    Input input;
    input.name = entry.first.Scalar();
    input.position = PositionOf(entry.first);
    const YAML::Node& spec = entry.second;
    std::string type = "any";
    if (spec.IsScalar()) {
      type = spec.Scalar();  // short form: `account_id: int`
    } else if (spec.IsMap()) {
      CheckFields(spec, {"type", "required", "description"},
                  "input '" + input.name + "'");
      if (spec["type"] && ExpectText(spec["type"], "'type'"))
        type = spec["type"].Scalar();
      if (spec["required"]) {
        std::string required =
            spec["required"].IsScalar() ? spec["required"].Scalar() : "";
        if (required != "true" && required != "false") {
          Report(spec["required"], "'required' must be true or false, got " +
                                       Describe(spec["required"]));
        }
        input.required = required != "false";
      }
      if (spec["description"]) input.description = spec["description"].Scalar();
    } else if (!spec.IsNull()) {
      Report(spec, "input '" + input.name + "' must be a type or a map, got " +
                       Describe(spec));
    }
    if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
      std::string message =
          "unknown type '" + type + "' for input '" + input.name + "'";
      std::string guess = dsl::ClosestMatch(type, kTypes);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(spec.IsMap() ? spec["type"] : spec, message);
    } else if (type != "any") {
      input.kind = dsl::TypeNamed(type);
    }
    workflow_.inputs.push_back(std::move(input));
  }
}

StepList Loader::ReadSteps(const YAML::Node& steps, const std::string& where) {
  StepList out;
  if (!ExpectList(steps, where)) return out;
  for (const YAML::Node& node : steps) {
    std::optional<Step> step = ReadStep(node);
    if (step.has_value()) out.push_back(std::move(*step));
  }
  return out;
}

std::optional<Step> Loader::ReadStep(const YAML::Node& node) {
  if (!ExpectMap(node, "a step")) return std::nullopt;
  Step step;
  step.position = PositionOf(node);
  size_t index = steps_read_++;
  static const std::regex kId(R"(^[a-z][a-z0-9_]*$)");
  if (!node["id"]) {
    Report(node,
           "missing field 'id': every step needs one, e.g. id: get_account");
  } else if (ExpectText(node["id"], "'id'")) {
    step.id = node["id"].Scalar();
    if (!std::regex_match(step.id, kId)) {
      Report(node["id"],
             "step id '" + step.id +
                 "' must start with a lower case letter and hold only "
                 "lower case letters, digits and '_'");
    } else if (std::find(step_ids_.begin(),
                         step_ids_.begin() + static_cast<long>(index),
                         step.id) !=
               step_ids_.begin() + static_cast<long>(index)) {
      Report(node["id"], "duplicate step id '" + step.id + "'");
    }
  }
  CheckFields(node, kStepFields,
              step.id.empty() ? "a step" : "step '" + step.id + "'");
  env_ = EnvForStep(index);
  if (node["if"]) step.when = CompileCondition(node["if"]);
  std::vector<std::string> kinds;
  for (const std::string& kind : kKindFields) {
    if (node[kind]) kinds.push_back(kind);
  }
  if (kinds.size() != 1) {
    Report(node, kinds.empty()
                     ? "step '" + step.id +
                           "' says nothing to do: give one of call, "
                           "check, set, switch, confirm, notify, fail, workflow"
                     : "step '" + step.id + "' has both '" + kinds[0] +
                           "' and '" + kinds[1] + "'; a step does one thing");
  } else {
    ReadKind(node, node[kinds[0]], step);
  }
  if (node["on_error"]) {
    ++on_error_depth_;
    env_ = EnvForStep(index);
    step.on_error = ReadSteps(node["on_error"], "'on_error'");
    --on_error_depth_;
  }
  return step;
}

void Loader::ReadKind(const YAML::Node& node, const YAML::Node& body,
                      Step& step) {
  std::string kind = node["call"]      ? "call"
                     : node["check"]   ? "check"
                     : node["set"]     ? "set"
                     : node["switch"]  ? "switch"
                     : node["confirm"] ? "confirm"
                     : node["notify"]  ? "notify"
                     : node["fail"]    ? "fail"
                                       : "workflow";
  for (const char* field : {"with", "retry", "timeout"}) {
    const bool allowed = kind == "call" || kind == "workflow" ||
                         (kind == "notify" && field != std::string("with"));
    if (node[field] && !allowed) {
      Report(node[field], std::string("'") + field + "' belongs to " +
                              (field == std::string("with")
                                   ? "call and workflow steps"
                                   : "call, workflow and notify steps") +
                              ", not to " + kind);
    }
  }
  if (kind == "call" || kind == "workflow") {
    step.kind = kind == "call" ? StepKind::kCall : StepKind::kWorkflow;
    ReadCall(node, body, step);
  } else if (kind == "check") {
    step.kind = StepKind::kCheck;
    ReadCheck(body, step);
  } else if (kind == "set") {
    step.kind = StepKind::kSet;
    step.assignments = ReadTemplates(body, "'set'");
  } else if (kind == "switch") {
    step.kind = StepKind::kSwitch;
    ReadSwitch(body, step);
  } else if (kind == "confirm") {
    step.kind = StepKind::kConfirm;
    ReadConfirm(body, step);
  } else if (kind == "notify") {
    step.kind = StepKind::kNotify;
    ReadNotify(body, step);
    ReadRetryAndTimeout(node, step);
  } else {
    step.kind = StepKind::kFail;
    step.message = CompileTemplate(body, "'fail' (the failure message)");
  }
}

void Loader::ReadCall(const YAML::Node& node, const YAML::Node& body,
                      Step& step) {
  const bool call = step.kind == StepKind::kCall;
  const char* what = call ? "'call'" : "'workflow'";
  if (!ExpectText(body, what)) return;
  step.target = body.Scalar();
  // A called workflow is checked like an action: its inputs are the
  // arguments `with` must fit.
  const ActionCatalog* catalog = call ? context_.actions : context_.workflows;
  const std::string noun = call ? "action" : "workflow";
  const std::string fields = call ? "argument" : "input";
  const ActionSpec* action = nullptr;
  if (catalog != nullptr) {
    action = catalog->Find(step.target);
    if (action == nullptr) {
      std::string message = "unknown " + noun + " '" + step.target + "'";
      std::string guess = dsl::ClosestMatch(step.target, catalog->Names());
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(body, message);
    }
  }
  if (node["with"]) step.arguments = ReadTemplates(node["with"], "'with'");
  if (action != nullptr) {
    std::vector<std::string> names;
    for (const ActionArgument& a : action->arguments) names.push_back(a.name);
    if (node["with"] && node["with"].IsMap())
      CheckFields(node["with"], names,
                  "the " + fields + "s of '" + step.target + "'");
    for (const ActionArgument& a : action->arguments) {
      bool given = node["with"] && node["with"].IsMap() && node["with"][a.name];
      if (a.required && !given) {
        Report(body, noun + " '" + step.target + "' needs the " + fields +
                         " '" + a.name + "'");
      }
    }
  }
  ReadRetryAndTimeout(node, step);
}

// `retry` and `timeout` of a step that calls a connector (call, workflow,
// notify).
void Loader::ReadRetryAndTimeout(const YAML::Node& node, Step& step) {
  if (node["retry"]) ReadRetry(node["retry"], step.retry);
  if (node["timeout"] && ExpectText(node["timeout"], "'timeout'")) {
    std::chrono::milliseconds timeout;
    if (ParseDuration(node["timeout"].Scalar(), timeout)) {
      step.timeout = timeout;
    } else {
      Report(node["timeout"],
             "'timeout' must be " + std::string(kDurationExpected) +
                 ", got " + Describe(node["timeout"]));
    }
  }
}

void Loader::ReadRetry(const YAML::Node& retry, RetryPolicy& policy) {
  if (!ExpectMap(retry, "'retry'")) return;
  CheckFields(retry, {"attempts", "backoff", "max_backoff", "multiplier", "on"},
              "'retry'");
  if (const YAML::Node& n = retry["attempts"]) {
    std::optional<int64_t> attempts = WholeNumber(n);
    if (!attempts || *attempts < 1 || *attempts > 100) {
      Report(n, "'attempts' must be a whole number from 1 to 100, got " +
                    Describe(n));
    } else {
      policy.attempts = static_cast<int>(*attempts);
    }
  }
  for (const char* field : {"backoff", "max_backoff"}) {
    if (const YAML::Node& n = retry[field]) {
      std::chrono::milliseconds d;
      if (!n.IsScalar() || !ParseDuration(n.Scalar(), d)) {
        Report(n, std::string("'") + field + "' must be " +
                      std::string(kDurationExpected) + ", got " +
                      Describe(n));
      } else {
        (std::string(field) == "backoff" ? policy.backoff
                                         : policy.max_backoff) = d;
      }
    }
  }
  if (const YAML::Node& n = retry["multiplier"]) {
    char* end = nullptr;
    double m = n.IsScalar() ? std::strtod(n.Scalar().c_str(), &end) : 0;
    if (!n.IsScalar() || *end != '\0' || !(m >= 1 && m <= 10)) {
      Report(n,
             "'multiplier' must be a number from 1 to 10, got " + Describe(n));
    } else {
      policy.multiplier = m;
    }
  }
  if (const YAML::Node& n = retry["on"]) {
    if (!ExpectList(n, "'on'")) return;
    policy.retry_on.clear();
    for (const YAML::Node& kind : n) {
      const auto& known = RetryableErrorKinds();
      if (kind.IsScalar() &&
          std::find(known.begin(), known.end(), kind.Scalar()) != known.end()) {
        policy.retry_on.push_back(kind.Scalar());
        continue;
      }
      std::string message = "unknown error kind " + Describe(kind) + " in 'on'";
      std::string guess =
          kind.IsScalar() ? dsl::ClosestMatch(kind.Scalar(), known) : "";
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(kind, message);
    }
  }
}

void Loader::ReadCheck(const YAML::Node& body, Step& step) {
  if (!ExpectList(body, "'check'")) return;
  for (const YAML::Node& item : body) {
    if (!ExpectMap(item, "a check")) continue;
    CheckFields(item, {"that", "message"}, "a check");
    if (!item["that"] || !item["message"]) {
      Report(item,
             "a check needs 'that' (the condition) and 'message' (shown when "
             "it fails)");
      continue;
    }
    std::optional<Condition> that = CompileCondition(item["that"]);
    std::optional<TemplateValue> message =
        CompileTemplate(item["message"], "'message'");
    if (that && message)
      step.requirements.push_back({std::move(*that), std::move(*message)});
  }
}

void Loader::ReadSwitch(const YAML::Node& body, Step& step) {
  if (!ExpectList(body, "'switch'")) return;
  std::shared_ptr<const dsl::Env> env = env_;
  for (const YAML::Node& item : body) {
    if (!ExpectMap(item, "a switch branch")) continue;
    CheckFields(item, {"if", "else", "steps"}, "a switch branch");
    Branch branch;
    branch.position = PositionOf(item);
    if (item["if"] && item["else"]) {
      Report(item, "a switch branch has either 'if' or 'else', not both");
    } else if (item["if"]) {
      env_ = env;
      branch.condition = CompileCondition(item["if"]);
    } else if (!item["else"]) {
      Report(item, "a switch branch needs 'if: CONDITION' or 'else:'");
    }
    if (!item["steps"]) {
      Report(item, "a switch branch needs 'steps'");
    } else {
      branch.steps = ReadSteps(item["steps"], "'steps'");
    }
    step.branches.push_back(std::move(branch));
  }
  for (size_t i = 0; i + 1 < step.branches.size(); ++i) {
    if (!step.branches[i].condition.has_value() && body[i].IsMap() &&
        body[i]["else"]) {
      Report(body[i], "'else' must be the last branch of a switch");
    }
  }
}

void Loader::ReadConfirm(const YAML::Node& body, Step& step) {
  if (!ExpectMap(body, "'confirm'")) return;
  CheckFields(body, {"message", "on_reject"}, "'confirm'");
  if (!body["message"]) {
    Report(body, "'confirm' needs a 'message': the question put to the user");
  } else {
    step.message = CompileTemplate(body["message"], "'message'");
  }
  if (const YAML::Node& reject = body["on_reject"]) {
    if (reject.IsScalar() && reject.Scalar() == "end") {
      step.on_reject = OnReject::kEnd;
    } else if (reject.IsScalar() && reject.Scalar() == "fail") {
      step.on_reject = OnReject::kFail;
    } else if (reject.IsSequence()) {
      step.on_reject = OnReject::kSteps;
      step.reject_steps = ReadSteps(reject, "'on_reject'");
    } else {
      Report(reject, "'on_reject' must be end, fail or a list of steps, got " +
                         Describe(reject));
    }
  }
}

void Loader::ReadNotify(const YAML::Node& body, Step& step) {
  if (!ExpectMap(body, "'notify'")) return;
  CheckFields(body, {"template", "to", "cc", "account_id"}, "'notify'");
  const TemplateLibrary* library = context_.templates.get();
  if (!body["template"] || (library == nullptr && !body["to"])) {
    Report(body, library == nullptr
                     ? "'notify' needs 'template' (the notification's name) "
                       "and 'to'"
                     : "'notify' needs 'template' (the notification "
                       "template's id)");
  }
  const NotificationTemplate* chosen = nullptr;
  if (body["template"] && ExpectText(body["template"], "'template'")) {
    step.notification_template = body["template"].Scalar();
    if (library != nullptr) {
      chosen = FindTemplate(*library, body["template"]);
    }
  }
  if (body["to"]) {
    step.to = CompileTemplate(body["to"], "'to'");
  } else if (chosen != nullptr) {
    step.to = CompileTemplateField(*chosen, chosen->to, "to", body["template"]);
  }
  if (body["cc"]) {
    step.cc = CompileTemplate(body["cc"], "'cc'");
  } else if (chosen != nullptr && chosen->cc.has_value()) {
    step.cc =
        CompileTemplateField(*chosen, *chosen->cc, "cc", body["template"]);
  }
  if (body["account_id"]) {
    step.notify_account = CompileTemplate(body["account_id"], "'account_id'");
  }
  if (chosen != nullptr) {
    step.subject = CompileTemplateField(*chosen, chosen->subject, "subject",
                                        body["template"]);
    step.body =
        CompileTemplateField(*chosen, chosen->body, "body", body["template"]);
  }
}

const NotificationTemplate* Loader::FindTemplate(const TemplateLibrary& library,
                                                 const YAML::Node& id) {
  const NotificationTemplate* found = library.Find(id.Scalar());
  if (found != nullptr) return found;
  std::string message =
      "unknown notification template '" + id.Scalar() + "'";
  std::string guess = dsl::ClosestMatch(id.Scalar(), library.Ids());
  if (!guess.empty()) message += "; did you mean '" + guess + "'?";
  if (!library.directory().empty()) {
    message += " (templates are read from " + library.directory() + ")";
  }
  Report(id, message);
  return nullptr;
}

// A template field compiled against this step's variables. Its problems are
// reported at the step's `template:` (this file), each naming the field's
// place in the template file.
std::optional<TemplateValue> Loader::CompileTemplateField(
    const NotificationTemplate& chosen, const TemplateField& field,
    const std::string& what, const YAML::Node& at) {
  dsl::Source source;
  source.name = chosen.file_name;
  source.text = field.text;
  dsl::CompileOptions options;
  options.limits = context_.limits;
  dsl::TemplateCompileResult compiled =
      dsl::CompileTemplate(source, *env_, context_.merge_fields.get(), options);
  if (!compiled.ok()) {
    for (const dsl::Diagnostic& d : compiled.diagnostics) {
      Report(at, "template '" + chosen.id + "', '" + what + "' (" +
                     field.Where(d.offset) + "): " + d.message);
    }
    return std::nullopt;
  }
  return TemplateValue{field.text, PositionOf(at), compiled.template_};
}

LoadResult Loader::Run() {
  LoadResult result;
  result.source = file_.source();
  if (!file_.syntax_errors().empty()) {
    result.diagnostics = file_.syntax_errors();
    return result;
  }
  diagnostics_ = file_.duplicate_keys();
  const YAML::Node& root = file_.root();
  if (!root.IsMap()) {
    ReportAt(
        0, "a workflow file must be a map with 'workflow', 'steps', ...; got " +
               Describe(root));
  } else {
    ReadHeader(root);
    CollectNames(root["steps"]);
    CollectNames(root["on_error"]);
    if (!root["steps"]) {
      Report(root, "missing field 'steps': the list of what the workflow does");
    } else {
      workflow_.steps = ReadSteps(root["steps"], "'steps'");
    }
    // Outputs see every step of `steps`; the workflow's on_error steps come
    // next in the file and run only when it fails.
    env_ =
        EnvForStep(steps_read_, "it runs only when the workflow fails", false);
    if (root["outputs"])
      workflow_.outputs = ReadTemplates(root["outputs"], "'outputs'");
    if (root["on_error"]) {
      ++on_error_depth_;
      workflow_.on_error = ReadSteps(root["on_error"], "'on_error'");
      --on_error_depth_;
    }
  }
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const dsl::Diagnostic& a, const dsl::Diagnostic& b) {
                     return a.offset < b.offset;
                   });
  result.diagnostics = std::move(diagnostics_);
  if (!result.diagnostics.empty()) return result;
  workflow_.file = file_.source().name;
  workflow_.content_hash = Sha256Hex(file_.source().text);
  workflow_.env = EnvForStep(0);
  result.workflow = std::make_shared<const Workflow>(std::move(workflow_));
  return result;
}

}  // namespace

LoadResult LoadWorkflow(std::string file_name, std::string text,
                        const LoaderContext& context) {
  Loader loader(file_name, text, context);
  try {
    return loader.Run();
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on shapes the checks above did not foresee; the file
    // is still reported, not the loader's internals.
    LoadResult result;
    result.source.name = std::move(file_name);
    result.source.text = std::move(text);
    result.diagnostics.push_back(
        {e.mark.pos >= 0 ? e.mark.pos : 0,
         "cannot read this part of the file: " + e.msg});
    return result;
  }
}

LoadResult LoadWorkflowFile(const std::string& path,
                            const LoaderContext& context) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    LoadResult result;
    result.source.name = path;
    result.diagnostics.push_back(
        dsl::Diagnostic::AboutWholeFile(text.status().message()));
    return result;
  }
  return LoadWorkflow(path, std::move(text).value(), context);
}

Result<ActionCatalog> WorkflowCatalog(
    const std::vector<std::shared_ptr<const Workflow>>& workflows) {
  ActionCatalog catalog(/*qualified_names=*/false);
  std::map<std::string, std::string> files;  // by workflow name
  for (const auto& workflow : workflows) {
    auto [first, added_name] = files.emplace(workflow->name, workflow->file);
    if (!added_name) {
      return Status::Error("two workflow files are named '" + workflow->name +
                           "': " + first->second + " and " + workflow->file +
                           "; rename one (the `workflow:` field)");
    }
    ActionSpec spec;
    spec.name = workflow->name;
    spec.description = workflow->summary;
    for (const Input& input : workflow->inputs) {
      spec.arguments.push_back({input.name, input.required, input.description});
    }
    Status added = catalog.Add(std::move(spec));
    if (!added.ok()) return added;
  }
  return catalog;
}

}  // namespace bssflow::engine
