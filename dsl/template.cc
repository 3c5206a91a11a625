#include "dsl/template.h"

#include <map>
#include <string_view>
#include <utility>

namespace bssflow::dsl {

namespace {

bool IsWordStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

bool IsQuote(char c) { return c == '"' || c == '\''; }

// r, b, rb, br in either case: the prefixes of CEL string literals.
bool IsStringPrefix(std::string_view word) {
  auto is_r = [](char c) { return c == 'r' || c == 'R'; };
  auto is_b = [](char c) { return c == 'b' || c == 'B'; };
  if (word.size() == 1) return is_r(word[0]) || is_b(word[0]);
  return word.size() == 2 &&
         ((is_r(word[0]) && is_b(word[1])) || (is_b(word[0]) && is_r(word[1])));
}

// ---- Finding the end of an embedded expression ------------------------------

// How the scan of `${ ... }` ended.
struct ExpressionScan {
  /// The `}` that closes the expression was found at `at`.
  bool closed = false;
  /// When not closed: the opening quote of a string literal that does not
  /// close, or npos when the braces just never balance.
  size_t open_quote = std::string_view::npos;
  /// The unclosed literal's quote: ', ", ''', """ or `.
  std::string quote;
  size_t at = 0;
};

// Skips the string literal (or backquoted field name) whose opening quote is
// at `i`, as the expression lexer reads it; returns the index just after the
// closing quote, or npos after filling in `scan` when there is none.
size_t SkipQuoted(std::string_view text, size_t i, bool raw,
                  ExpressionScan& scan) {
  const char q = text[i];
  const std::string triple(3, q);
  const bool is_triple = q != '`' && text.substr(i, 3) == triple;
  size_t j = i + (is_triple ? 3 : 1);
  while (j < text.size()) {
    const char c = text[j];
    if (c == '\\' && !raw) {
      j += 2;  // the escaped character cannot close the literal
    } else if (is_triple) {
      if (text.substr(j, 3) == triple) return j + 3;
      ++j;
    } else if (c == q) {
      return j + 1;
    } else if (c == '\n' || c == '\r') {
      break;
    } else {
      ++j;
    }
  }
  scan.open_quote = i;
  scan.quote = is_triple ? triple : std::string(1, q);
  return std::string_view::npos;
}

// Finds the `}` that closes the expression starting at `begin`: the first one
// outside string literals, `//` comments and brace pairs of its own (map
// literals), so that the expression between is exactly what the expression
// lexer would read.
ExpressionScan ScanExpression(std::string_view text, size_t begin) {
  ExpressionScan scan;
  int depth = 0;
  size_t i = begin;
  while (i < text.size()) {
    const char c = text[i];
    if (IsQuote(c) || c == '`') {
      i = SkipQuoted(text, i, /*raw=*/c == '`', scan);
      if (i == std::string_view::npos) return scan;
    } else if (IsWordStart(c)) {
      size_t word = i;
      while (i < text.size() && IsWordChar(text[i])) ++i;
      std::string_view prefix = text.substr(word, i - word);
      if (i < text.size() && IsQuote(text[i]) && IsStringPrefix(prefix)) {
        bool raw = prefix.find_first_of("rR") != std::string_view::npos;
        i = SkipQuoted(text, i, raw, scan);
        if (i == std::string_view::npos) return scan;
      }
    } else if (text.substr(i, 2) == "//") {
      i = text.find('\n', i);
      if (i == std::string_view::npos) i = text.size();
    } else if (c == '}' && depth == 0) {
      scan.closed = true;
      scan.at = i;
      return scan;
    } else {
      if (c == '{') ++depth;
      if (c == '}') --depth;
      ++i;
    }
  }
  scan.at = text.size();
  return scan;
}

// The first byte of `text` that is not part of valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80   ? 1
                    : lead < 0xC0 ? 0
                    : lead < 0xE0 ? 2
                    : lead < 0xF0 ? 3
                                  : 4;
    if (length == 0 || !IsValidUtf8(text.substr(i, length))) return i;
    i += length;
  }
  return std::string_view::npos;
}

// ---- Rendering --------------------------------------------------------------

// Appends the text that `value` stands for in a string; false for the kinds
// that have none (bytes, list, map).
bool AppendText(const Value& value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      out += value.bool_value() ? "true" : "false";
      return true;
    case ValueKind::kInt:
      out += std::to_string(value.int_value());
      return true;
    case ValueKind::kUint:
      out += std::to_string(value.uint_value());
      return true;
    case ValueKind::kDouble:
      out += FormatDouble(value.double_value());
      return true;
    case ValueKind::kString:
      out += value.string_value();
      return true;
    case ValueKind::kType:
      out += KindName(value.type_value());
      return true;
    default:
      return false;
  }
}

// Why a value of `kind` cannot be put into text, and what to do instead.
std::string InterpolationMessage(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBytes:
      return "cannot interpolate bytes into text; convert them with "
             "string(...)";
    case ValueKind::kList:
      return "cannot interpolate a list into text; interpolate its elements "
             "one by one, e.g. ${ list[0] }";
    default:
      return "cannot interpolate a map into text; interpolate its values one "
             "by one, e.g. ${ map.key }";
  }
}

bool HasText(ValueKind kind) {
  return kind != ValueKind::kBytes && kind != ValueKind::kList &&
         kind != ValueKind::kMap;
}

// An error of `part`, positioned in the template: errors of an embedded
// expression keep their place in it; those of a merge field point at the
// field and say which one.
Value PartError(const Template::Part& part, const Error& error) {
  if (!part.merge_field.empty()) {
    return Value::MakeError(error.kind, part.merge_field + ": " + error.message,
                            part.offset);
  }
  int32_t offset =
      error.offset >= 0 ? part.expression_offset + error.offset : part.offset;
  return Value::MakeError(error.kind, error.message, offset);
}

}  // namespace

Template::Template(std::vector<Part> parts, std::string tail, bool single_part)
    : parts_(std::move(parts)),
      tail_(std::move(tail)),
      single_part_(single_part) {
  if (parts_.empty()) literal_ = Value::String(tail_);
  for (const Part& part : parts_) text_size_ += part.text_before.size();
  text_size_ += tail_.size();
}

Value Template::Render(const Activation& activation) const {
  if (parts_.empty()) return literal_;
  if (single_part_) {
    Value value = parts_[0].program->Evaluate(activation);
    return value.is_error() ? PartError(parts_[0], value.error_value()) : value;
  }
  std::string out;
  out.reserve(text_size_ + 16 * parts_.size());
  for (const Part& part : parts_) {
    out += part.text_before;
    Value value = part.program->Evaluate(activation);
    if (value.is_error()) return PartError(part, value.error_value());
    if (!AppendText(value, out)) {
      return PartError(part, Error{ErrorKind::kNoMatchingOverload,
                                   InterpolationMessage(value.kind()), -1});
    }
  }
  out += tail_;
  return Value::String(std::move(out));
}

std::optional<ValueKind> Template::result_kind() const {
  if (single_part_) return parts_[0].program->result_kind();
  return ValueKind::kString;
}

namespace {

// ---- Compiling --------------------------------------------------------------

// One CompileTemplate call: splits the text into literal text and parts,
// compiling each part as it is found.
class TemplateCompiler {
 public:
  TemplateCompiler(const Source& source, const Env& env,
                   const MergeFieldMap* merge_fields,
                   const CompileOptions& options)
      : source_(source),
        text_(source.text),
        env_(env),
        merge_fields_(merge_fields),
        options_(options) {}

  TemplateCompileResult Run();

 private:
  void Split();
  // Handles the `${` at `dollar`; returns where the literal text resumes.
  size_t EmbeddedExpression(size_t dollar);
  // Handles the `{#` at `brace`; returns where the literal text resumes.
  size_t MergeFieldAt(size_t brace);
  void CompileMergeField(size_t brace, std::string_view name);
  void AddPart(std::shared_ptr<const Program> program, size_t offset,
               int32_t expression_offset, std::string merge_field);
  // Folds constant parts into the text and rejects parts whose static kind
  // has no text; for templates that render to a string.
  void FinishInterpolation();
  void Report(size_t offset, std::string message) {
    diagnostics_.push_back({static_cast<int32_t>(offset), std::move(message)});
  }

  const Source& source_;
  std::string_view text_;
  const Env& env_;
  const MergeFieldMap* merge_fields_;
  const CompileOptions& options_;

  std::vector<Template::Part> parts_;
  std::string literal_;  // text since the last part
  std::vector<Diagnostic> diagnostics_;
  // Merge fields used more than once are compiled once.
  std::map<std::string, std::shared_ptr<const Program>, std::less<>>
      compiled_fields_;
};

TemplateCompileResult TemplateCompiler::Run() {
  TemplateCompileResult result;
  if (size_t bad = FirstInvalidUtf8(text_); bad != std::string_view::npos) {
    Report(bad, "template is not valid UTF-8");
  } else {
    Split();
  }
  bool single_part =
      parts_.size() == 1 && parts_[0].text_before.empty() && literal_.empty();
  if (diagnostics_.empty() && !single_part) FinishInterpolation();
  if (!diagnostics_.empty()) {
    result.diagnostics = std::move(diagnostics_);
    return result;
  }
  result.template_ = std::make_shared<const Template>(
      std::move(parts_), std::move(literal_), single_part);
  return result;
}

void TemplateCompiler::Split() {
  size_t i = 0;
  while (i < text_.size()) {
    size_t special = text_.find_first_of("${", i);
    if (special == std::string_view::npos) special = text_.size();
    literal_.append(text_.substr(i, special - i));
    i = special;
    if (i == text_.size()) break;
    std::string_view rest = text_.substr(i);
    if (rest.starts_with("$${")) {
      literal_ += "${";
      i += 3;
    } else if (rest.starts_with("${")) {
      i = EmbeddedExpression(i);
    } else if (rest.starts_with("{#") && rest.size() > 2 &&
               IsWordStart(rest[2])) {
      i = MergeFieldAt(i);
    } else {
      literal_ += text_[i++];
    }
  }
}

size_t TemplateCompiler::EmbeddedExpression(size_t dollar) {
  const size_t begin = dollar + 2;
  ExpressionScan scan = ScanExpression(text_, begin);
  if (!scan.closed && scan.open_quote != std::string_view::npos) {
    // The expression lexer's words, so that both say the same thing.
    Report(scan.open_quote,
           std::string(scan.quote == "`" ? "unterminated field name"
                                         : "unterminated string") +
               ": expected a closing " + scan.quote +
               (scan.quote.size() == 1 ? " on the same line" : ""));
    return text_.size();
  }
  if (!scan.closed) {
    Report(dollar, "expected '}' to close '${', found the end of the template");
    return text_.size();
  }
  std::string_view expression = text_.substr(begin, scan.at - begin);
  if (expression.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
    Report(dollar,
           "expected an expression between '${' and '}'; write '$${' for a "
           "literal '${'");
    return scan.at + 1;
  }
  Source part_source;
  part_source.name = source_.name;
  part_source.text = std::string(expression);
  CompileResult compiled = Compile(part_source, env_, options_);
  for (Diagnostic& d : compiled.diagnostics) {
    // The expression's end is the template's '}', not the end of the input.
    constexpr std::string_view kEnd = "found end of input";
    if (d.message.ends_with(kEnd)) {
      d.message.replace(d.message.size() - kEnd.size(), kEnd.size(),
                        "found '}'");
    }
    Report(begin + static_cast<size_t>(d.offset), std::move(d.message));
  }
  if (compiled.ok()) {
    AddPart(std::move(compiled.program), dollar, static_cast<int32_t>(begin),
            "");
  }
  return scan.at + 1;
}

size_t TemplateCompiler::MergeFieldAt(size_t brace) {
  size_t end = brace + 2;
  while (end < text_.size() && (IsWordChar(text_[end]) || text_[end] == '.')) {
    ++end;
  }
  std::string_view name = text_.substr(brace + 2, end - brace - 2);
  if (text_.substr(end, 2) != "#}") {
    std::string found = end == text_.size()
                            ? "the end of the template"
                            : "'" + std::string(1, text_[end]) + "'";
    Report(end, "expected '#}' to close merge field {#" + std::string(name) +
                    ", found " + found);
    return end;
  }
  CompileMergeField(brace, name);
  return end + 2;
}

void TemplateCompiler::CompileMergeField(size_t brace, std::string_view name) {
  const std::string shown = "{#" + std::string(name) + "#}";
  if (merge_fields_ == nullptr) {
    Report(brace, "merge field " + shown +
                      " cannot be used here: no merge field mapping is loaded");
    return;
  }
  const MergeField* field = merge_fields_->Find(name);
  if (field == nullptr) {
    std::string guess = ClosestMatch(name, merge_fields_->Names());
    Report(brace, "unknown merge field " + shown +
                      (guess.empty() ? " (not in " + merge_fields_->name() + ")"
                                     : "; did you mean {#" + guess + "#}?"));
    return;
  }
  std::string label = shown + " (" + field->expression + ")";
  auto cached = compiled_fields_.find(name);
  if (cached != compiled_fields_.end()) {
    AddPart(cached->second, brace, -1, std::move(label));
    return;
  }
  Source field_source;
  field_source.name = merge_fields_->name();
  field_source.text = field->expression;
  CompileResult compiled = Compile(field_source, env_, options_);
  for (const Diagnostic& d : compiled.diagnostics) {
    Report(brace, "merge field " + shown + " maps to '" + field->expression +
                      "' (" + merge_fields_->name() + ":" +
                      std::to_string(field->line) +
                      "), which does not compile here: " + d.message);
  }
  if (!compiled.ok()) return;
  compiled_fields_.emplace(std::string(name), compiled.program);
  AddPart(std::move(compiled.program), brace, -1, std::move(label));
}

void TemplateCompiler::AddPart(std::shared_ptr<const Program> program,
                               size_t offset, int32_t expression_offset,
                               std::string merge_field) {
  Template::Part part;
  part.text_before = std::move(literal_);
  literal_.clear();
  part.program = std::move(program);
  part.offset = static_cast<int32_t>(offset);
  part.expression_offset = expression_offset;
  part.merge_field = std::move(merge_field);
  parts_.push_back(std::move(part));
}

void TemplateCompiler::FinishInterpolation() {
  std::vector<Template::Part> kept;
  std::string pending;
  for (Template::Part& part : parts_) {
    pending += part.text_before;
    std::optional<ValueKind> kind = part.program->result_kind();
    if (options_.mode == CheckMode::kStrict && kind && !HasText(*kind)) {
      std::string message = InterpolationMessage(*kind);
      if (!part.merge_field.empty())
        message = part.merge_field + ": " + message;
      Report(static_cast<size_t>(part.offset), std::move(message));
      continue;
    }
    const Value* constant = part.program->constant();
    if (constant != nullptr && AppendText(*constant, pending)) continue;
    part.text_before = std::move(pending);
    pending.clear();
    kept.push_back(std::move(part));
  }
  literal_ = pending + literal_;
  parts_ = std::move(kept);
}

}  // namespace

TemplateCompileResult CompileTemplate(const Source& source, const Env& env,
                                      const MergeFieldMap* merge_fields,
                                      const CompileOptions& options) {
  return TemplateCompiler(source, env, merge_fields, options).Run();
}

}  // namespace bssflow::dsl
