// Expression sources and diagnostics: where an expression came from, and the
// one message format for mistakes in it:
//
//   provision.yaml:14:9: unknown function 'is_emial'; did you mean 'is_email'?
//       that: is_emial(steps.account.email)
//             ^
#ifndef BSSFLOW_DSL_SOURCE_H_
#define BSSFLOW_DSL_SOURCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bssflow::dsl {

/// The text of one expression and where it sits in its file, so that
/// positions inside the expression are reported as positions in the file.
struct Source {
  /// File name for messages, e.g. "provision.yaml", or "<expr>".
  std::string name = "<expr>";
  /// The expression itself.
  std::string text;
  /// 1-based line and column of the first character of `text` in the file.
  int first_line = 1;
  int first_column = 1;
};

/// A 1-based line and column; columns count Unicode code points.
struct Location {
  int line = 1;
  int column = 1;
};

/// Where byte `offset` of `source.text` is in the file.
Location Locate(const Source& source, int32_t offset);

/// One problem found in an expression before it runs.
struct Diagnostic {
  /// Byte offset in Source::text.
  int32_t offset = 0;
  std::string message;
  /// About the file as a whole (it cannot be read): no line or column.
  bool whole_file = false;

  static Diagnostic AboutWholeFile(std::string message) {
    return Diagnostic{0, std::move(message), true};
  }
};

/// "file:line:col: message", the source line and a caret under the column;
/// "file: message" for a diagnostic about the whole file.
std::string Render(const Source& source, const Diagnostic& diagnostic);

/// Render() of each diagnostic, one after the other.
std::string RenderAll(const Source& source,
                      const std::vector<Diagnostic>& diagnostics);

/// The closest of `candidates` to `name` by edit distance, if close enough
/// to be a likely typo (at most a third of the name's length, at least 1,
/// and never the whole name); empty otherwise. Used for "did you mean" hints.
std::string ClosestMatch(std::string_view name,
                         const std::vector<std::string>& candidates);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_SOURCE_H_
