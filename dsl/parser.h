// Parse: expression text -> syntax tree (ast.h), or the diagnostic that says
// where and why the text is not an expression.
#ifndef BSSFLOW_DSL_PARSER_H_
#define BSSFLOW_DSL_PARSER_H_

#include <vector>

#include "dsl/ast.h"
#include "dsl/limits.h"
#include "dsl/source.h"

namespace bssflow::dsl {

struct ParseResult {
  /// The tree; null when `diagnostics` is not empty.
  NodePtr root;
  /// At most one: parsing stops at the first syntax error.
  std::vector<Diagnostic> diagnostics;
};

/// Parses `source.text`. Thread-safe; never throws for any input.
ParseResult Parse(const Source& source, const Limits& limits = Limits());

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_PARSER_H_
