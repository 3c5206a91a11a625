// Templates: the strings of a workflow file that embed expressions.
//
//   "${ account.seats }"             exactly one part: the value, type kept
//   "Dear ${ account.name },"        text and parts: a string
//   "Reseller: {#Accounts.ParentAccountEmail#}"
//                                    a BSS merge field, resolved through a
//                                    MergeFieldMap to an expression
//   "$${ literal }"                  `$${` is a literal `${`
//
// A template is compiled once against the workflow's Env (each part parsed,
// checked and planned, merge fields looked up) and rendered many times:
//
//   TemplateCompileResult compiled = CompileTemplate(source, env, &fields);
//   if (!compiled.ok()) { print RenderAll(source, compiled.diagnostics); }
//   Value text = compiled.template_->Render(activation);
//
// Diagnostics and error values carry byte offsets into the template text
// (Source::text), so Render(source, diagnostic) points inside the template.
#ifndef BSSFLOW_DSL_TEMPLATE_H_
#define BSSFLOW_DSL_TEMPLATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/compiler.h"
#include "dsl/env.h"
#include "dsl/merge_fields.h"
#include "dsl/source.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// A compiled template. Immutable: any number of threads may render it at
/// once.
class Template {
 public:
  /// One embedded expression and the literal text before it.
  struct Part {
    /// Literal text between the previous part (or the start) and this one,
    /// with `$${` already turned into `${`.
    std::string text_before;
    std::shared_ptr<const Program> program;
    /// Byte offset of the part's `${` or `{#` in the template.
    int32_t offset = 0;
    /// Byte offset in the template where the expression text starts, or -1
    /// for a merge field (whose expression lives in the mapping file).
    int32_t expression_offset = -1;
    /// For a merge field, "{#Accounts.Email#} (vars.account.email)": prefixed to
    /// the messages of its error values. Empty for `${ }`.
    std::string merge_field;
  };

  /// Built by CompileTemplate. `tail` is the literal text after the last
  /// part; `single_part` says the template is exactly one part.
  Template(std::vector<Part> parts, std::string tail, bool single_part);

  /// Evaluates the parts against `activation` (from the Env the template was
  /// compiled with). A single-part template returns the part's value as it
  /// is; any other template a string: the literal text with each part's
  /// value put in (see docs/expressions.md, "Templates"). Failures are error
  /// values whose offsets are positions in the template. Never throws.
  Value Render(const Activation& activation) const;

  /// Whether the template is exactly one `${ expr }` or `{#Entity.Field#}`,
  /// so that Render keeps the value's type.
  bool single_part() const { return single_part_; }

  /// The static kind of what Render returns: the part's kind for a single
  /// part (nullopt when only known at run time), else string.
  std::optional<ValueKind> result_kind() const;

  /// The parts, in order; empty for plain text.
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::vector<Part> parts_;
  std::string tail_;
  bool single_part_;
  /// Bytes of literal text, to size the rendering once.
  size_t text_size_ = 0;
  /// The rendering when there are no parts, built once.
  Value literal_;
};

struct TemplateCompileResult {
  /// Null when there are diagnostics.
  std::shared_ptr<const Template> template_;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return template_ != nullptr; }
};

/// Splits `source.text` into literal text and parts, compiles every part
/// against `env` with `options`, and resolves merge fields through
/// `merge_fields`; with a null `merge_fields` a merge field is a diagnostic.
/// Reports every problem it finds (not only the first), each with a byte
/// offset into `source.text`. Thread-safe for a shared, no longer changing
/// Env and map; never throws. `merge_fields` need not outlive the result.
TemplateCompileResult CompileTemplate(
    const Source& source, const Env& env, const MergeFieldMap* merge_fields,
    const CompileOptions& options = CompileOptions());

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_TEMPLATE_H_
