// A YAML file held with its text, so that every node can be reported at its
// file:line:col and a scalar's characters mapped back to the file (an
// expression error points into the YAML file, not into the expression).
#ifndef BSSFLOW_ENGINE_YAML_FILE_H_
#define BSSFLOW_ENGINE_YAML_FILE_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/source.h"

namespace bssflow::engine {

/// Byte offset in `text` of byte `index` of `value`, the value of the
/// scalar whose node starts at byte `start` of `text` (at its quote, or at
/// the | or > of a block scalar). The value is rebuilt from the source as
/// YAML reads it (plain, single- and double-quoted scalars with their
/// escapes and folded lines, literal and folded blocks, "\n" or "\r\n"
/// line breaks), and used only if it comes out as `value`; otherwise, and
/// for explicit indentation indicators, `start`. A byte a fold made (the
/// space or line break that replaces a line break) is placed at that line
/// break, and an escape's bytes at its backslash. `index` ==
/// value.size() is the offset just past the value's last byte.
int32_t OffsetInScalarText(std::string_view text, size_t start,
                           std::string_view value, int32_t index);

class YamlFile {
 public:
  /// Parses `text`. A syntax error becomes the only diagnostic and root()
  /// is null.
  YamlFile(std::string name, std::string text);

  const dsl::Source& source() const { return source_; }
  const YAML::Node& root() const { return root_; }
  const std::vector<dsl::Diagnostic>& syntax_errors() const {
    return syntax_errors_;
  }
  /// Every key that repeats an earlier key of the same map, at any depth.
  /// YAML does not allow them, but yaml-cpp accepts them and a lookup finds
  /// the first: a reader that looks keys up would ignore the others without
  /// a word. Reported beside the reader's own diagnostics.
  const std::vector<dsl::Diagnostic>& duplicate_keys() const {
    return duplicate_keys_;
  }

  /// Byte offset of a node (its first character).
  int32_t OffsetOf(const YAML::Node& node) const;

  /// Byte offset in the file of byte `index` of the scalar's value
  /// (OffsetInScalarText).
  int32_t OffsetInScalar(const YAML::Node& scalar, int32_t index) const;

 private:
  /// Reports every key of a map, at any depth under `node`, that an
  /// earlier key of the same map repeats.
  void FindDuplicateKeys(const YAML::Node& node, int depth);

  dsl::Source source_;
  YAML::Node root_;
  std::vector<dsl::Diagnostic> syntax_errors_;
  std::vector<dsl::Diagnostic> duplicate_keys_;
  int64_t walked_ = 0;  // nodes FindDuplicateKeys went through
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_YAML_FILE_H_
