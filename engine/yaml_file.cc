#include "engine/yaml_file.h"

#include <algorithm>
#include <unordered_map>

namespace bssflow::engine {

YamlFile::YamlFile(std::string name, std::string text) {
  source_.name = std::move(name);
  source_.text = std::move(text);
  try {
    root_ = YAML::Load(source_.text);
  } catch (const YAML::Exception& e) {
    int32_t offset = e.mark.pos >= 0 ? e.mark.pos : 0;
    syntax_errors_.push_back({offset, "YAML syntax error: " + e.msg});
    root_ = YAML::Node();
    return;
  }
  FindDuplicateKeys(root_, 0);
}

void YamlFile::FindDuplicateKeys(const YAML::Node& node, int depth) {
  // Deeper than any file bssflow reads nests; the parser has its own limit.
  constexpr int kMaxDepth = 200;
  // Aliases make a file's tree a graph that a walk would go through once
  // per path (a "billion laughs" file has 10^9): the walk stops at a budget
  // far above any real file's node count.
  constexpr int64_t kMaxNodes = 1'000'000;
  if (depth > kMaxDepth || ++walked_ > kMaxNodes) return;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) FindDuplicateKeys(item, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::unordered_map<std::string, int> seen;  // key -> its line (1-based)
  for (const auto& entry : node) {
    if (entry.first.IsScalar()) {
      const std::string& key = entry.first.Scalar();
      auto [first, added] = seen.try_emplace(key, entry.first.Mark().line + 1);
      if (!added) {
        duplicate_keys_.push_back(
            {OffsetOf(entry.first),
             "duplicate key '" + key + "': it is already on line " +
                 std::to_string(first->second) +
                 ", and a key may appear only once in a map"});
      }
    }
    FindDuplicateKeys(entry.second, depth + 1);
  }
}

int32_t YamlFile::OffsetOf(const YAML::Node& node) const {
  int pos = node.Mark().pos;
  return pos >= 0 ? static_cast<int32_t>(pos) : 0;
}

namespace {

// Offsets in `text` of the lines of a block scalar whose indicator (| or >)
// is at `indicator`: the first character of each content line.
std::vector<size_t> BlockLineStarts(std::string_view text, size_t indicator) {
  std::vector<size_t> starts;
  size_t line = text.find('\n', indicator);
  size_t indent = std::string_view::npos;
  while (line != std::string_view::npos && line + 1 < text.size()) {
    size_t begin = line + 1;
    size_t first = text.find_first_not_of(' ', begin);
    size_t end = text.find('\n', begin);
    if (first == std::string_view::npos) break;
    bool blank = first == end || first == text.size();
    if (!blank) {
      size_t column = first - begin;
      if (indent == std::string_view::npos) indent = column;
      if (column < indent) break;
    }
    starts.push_back(
        begin +
        std::min(indent == std::string_view::npos ? 0 : indent,
                 (end == std::string_view::npos ? text.size() : end) - begin));
    line = end;
  }
  return starts;
}

}  // namespace

int32_t YamlFile::OffsetInScalar(const YAML::Node& scalar,
                                 int32_t index) const {
  std::string_view text = source_.text;
  size_t start = static_cast<size_t>(OffsetOf(scalar));
  const std::string& value = scalar.Scalar();
  if (start >= text.size()) return static_cast<int32_t>(start);
  char first = text[start];
  if (first == '|' || first == '>') {
    // The value is the content lines, each followed by one newline (|) or
    // one space (>): walk them until `index` falls inside one.
    size_t remaining = static_cast<size_t>(std::max(index, 0));
    for (size_t line_start : BlockLineStarts(text, start)) {
      size_t end = text.find('\n', line_start);
      size_t length =
          (end == std::string_view::npos ? text.size() : end) - line_start;
      if (remaining <= length)
        return static_cast<int32_t>(line_start + remaining);
      remaining -= length + 1;
    }
    return static_cast<int32_t>(start);
  }
  size_t content = (first == '"' || first == '\'') ? start + 1 : start;
  if (text.substr(content, value.size()) == value) {
    return static_cast<int32_t>(content + static_cast<size_t>(index));
  }
  return static_cast<int32_t>(start);
}

}  // namespace bssflow::engine
