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

  /// Byte offset in the file of character `index` of the scalar's value:
  /// exact for plain and quoted one-line scalars and for block scalars
  /// (| and >); for scalars with escapes, the start of the scalar.
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
