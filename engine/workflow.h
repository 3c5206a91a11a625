// The workflow model: what a workflow file says, after the loader has
// checked it (loader.h). Immutable once loaded; shared by every run of that
// version of the workflow.
//
// A workflow file, in short (docs/workflows.md is the reference):
//
//   workflow: microsoft.provision-tenant
//   version: 1
//   summary: Save & Synchronize an account with Microsoft.
//   inputs:
//     account_id: {type: int}
//   steps:
//     - id: account
//       call: bss.get_account
//       with: {id: "${ inputs.account_id }"}
//     - id: prerequisites
//       check:
//         - that: is_phone(steps.account.phone)
//           message: "Account ${ steps.account.name } has no valid phone."
#ifndef BSSFLOW_ENGINE_WORKFLOW_H_
#define BSSFLOW_ENGINE_WORKFLOW_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/compiler.h"
#include "dsl/template.h"
#include "dsl/value.h"

namespace bssflow::engine {

/// Where something was written: file, 1-based line and column.
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
};

/// A compiled condition (an expression that must give a bool).
struct Condition {
  std::string text;
  Position position;
  std::shared_ptr<const dsl::Program> program;
};

/// A compiled template: a string that may embed `${ expr }` and
/// `{#Entity.Field#}` (dsl/template.h).
struct TemplateValue {
  std::string text;
  Position position;
  std::shared_ptr<const dsl::Template> compiled;
};

/// A value written in YAML that may hold templates at any depth: one
/// template, or a list or map of such values, e.g.
///   with: {account: {name: "${ vars.account.name }", seats: 5}}
struct ValueTemplate {
  enum class Shape { kScalar, kList, kMap };
  /// One member of a map. (A struct, not a std::pair: a pair of the type
  /// being defined is not allowed.)
  struct Field;

  Shape shape = Shape::kScalar;
  TemplateValue scalar;              // kScalar
  std::vector<ValueTemplate> items;  // kList
  std::vector<Field> fields;         // kMap
  Position position;
};

struct ValueTemplate::Field {
  std::string name;
  ValueTemplate value;
};

/// Evaluates every template of `value` against `activation`: the first
/// error value met, or the built value.
dsl::Value Render(const ValueTemplate& value,
                  const dsl::Activation& activation);

/// Named values, in the order written (`with:` arguments, `set:`
/// variables, outputs).
using TemplateMap = std::vector<std::pair<std::string, ValueTemplate>>;

/// How a failed connector call is retried.
struct RetryPolicy {
  /// Calls in all, the first included; 1 means no retry.
  int attempts = 1;
  /// Wait before the first retry; doubled (times `multiplier`) each time up
  /// to `max_backoff`, with full jitter.
  std::chrono::milliseconds backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  double multiplier = 2.0;
  /// The error kinds that are retried (connector error kinds: "retryable",
  /// "throttled", "timeout", ...).
  std::vector<std::string> retry_on = {"retryable", "throttled", "timeout"};
};

struct Step;
using StepList = std::vector<Step>;

/// One branch of a `switch`: steps run when `condition` holds (the `else`
/// branch has none).
struct Branch {
  std::optional<Condition> condition;
  StepList steps;
  Position position;
};

/// One condition of a `check` step and the message when it fails.
struct Requirement {
  Condition that;
  TemplateValue message;
};

enum class StepKind {
  kCall,
  kCheck,
  kSet,
  kSwitch,
  kConfirm,
  kNotify,
  kFail,
  kWorkflow
};

/// The step kind's name as written in YAML: "call", "check", ...
const char* StepKindName(StepKind kind);

/// What a `confirm` step does when the answer is "reject".
enum class OnReject { kEnd, kFail, kSteps };

struct Step {
  std::string id;
  StepKind kind = StepKind::kSet;
  Position position;
  /// Optional `if:` — the step is skipped when it is false.
  std::optional<Condition> when;

  // call and workflow
  std::string target;     // "bss.get_account", or the called workflow's name
  TemplateMap arguments;  // with:
  RetryPolicy retry;
  std::optional<std::chrono::milliseconds> timeout;

  // check
  std::vector<Requirement> requirements;

  // set
  TemplateMap assignments;

  // switch
  std::vector<Branch> branches;

  // confirm (message), notify (message is unused), fail (message)
  std::optional<TemplateValue> message;
  OnReject on_reject = OnReject::kEnd;
  StepList reject_steps;

  // notify: the template's fields compiled against this step's variables
  // (`to` and `cc` from the step when it names them, else from the
  // template); subject and body are absent when the loader had no template
  // library (LoaderContext::templates).
  std::string notification_template;  // e.g. "welcome-office365"
  std::optional<TemplateValue> to;
  std::optional<TemplateValue> cc;
  std::optional<TemplateValue> subject;
  std::optional<TemplateValue> body;
  /// The account the notification concerns (BSS notifications record it).
  std::optional<TemplateValue> notify_account;

  /// Steps run when this step fails; the error is in `error`.
  StepList on_error;
};

/// A declared input.
struct Input {
  std::string name;
  std::optional<dsl::ValueKind> kind;  // nullopt: any
  bool required = true;
  std::string description;
  Position position;
};

/// A whole workflow file.
struct Workflow {
  std::string name;  // "microsoft.provision-tenant"
  int64_t version = 1;
  std::string summary;
  std::string file;
  /// SHA-256 of the file's bytes, hex: runs stay on the version they began.
  std::string content_hash;
  std::vector<Input> inputs;
  StepList steps;
  TemplateMap outputs;
  StepList on_error;
  /// The environment every expression of the workflow was compiled
  /// against: variables `inputs`, `steps`, `vars`, `error`, in that order.
  std::shared_ptr<const dsl::Env> env;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_WORKFLOW_H_
