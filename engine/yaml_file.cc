#include "engine/yaml_file.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "dsl/literals.h"

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

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// A scalar's value rebuilt from its source: each byte with the offset in
// the file it came from (a separator a fold makes comes from the line break
// it replaces, an escape's bytes from its backslash).
struct Rebuilt {
  std::string value;
  std::vector<size_t> from;
  // How many bytes at the end a line break may strip (trailing blanks of a
  // line, not escaped ones).
  size_t strippable = 0;

  void Add(char c, size_t at, bool is_strippable_blank = false) {
    value.push_back(c);
    from.push_back(at);
    strippable = is_strippable_blank ? strippable + 1 : 0;
  }
  void AddText(std::string_view bytes, size_t at) {
    for (char c : bytes) Add(c, at);
  }
  void StripTrailingBlanks() {
    value.resize(value.size() - strippable);
    from.resize(from.size() - strippable);
    strippable = 0;
  }
};

// The end of the line that starts at `begin`, before its "\n" or "\r\n".
size_t LineEnd(std::string_view text, size_t begin) {
  size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return end;
}

// The offset just past the line break at `at` ("\n", "\r\n" or "\r").
size_t PastBreak(std::string_view text, size_t at) {
  if (at + 1 < text.size() && text[at] == '\r' && text[at + 1] == '\n')
    return at + 2;
  return at < text.size() ? at + 1 : at;
}

struct BlockLine {
  size_t begin;  // the first character after the indentation
  size_t end;    // LineEnd
  bool blank;
};

// The content lines of a block scalar whose indicator (| or >) is at
// `indicator`, indentation removed.
std::vector<BlockLine> BlockLines(std::string_view text, size_t indicator) {
  std::vector<BlockLine> lines;
  size_t line = text.find('\n', indicator);
  size_t indent = std::string_view::npos;
  while (line != std::string_view::npos && line + 1 < text.size()) {
    size_t begin = line + 1;
    size_t end = LineEnd(text, begin);
    size_t first = text.find_first_not_of(' ', begin);
    bool blank = first == std::string_view::npos || first >= end;
    if (!blank) {
      size_t column = first - begin;
      if (indent == std::string_view::npos) indent = column;
      if (column < indent) break;
    }
    size_t skip = indent == std::string_view::npos ? 0 : indent;
    lines.push_back({begin + std::min(skip, end - begin), end, blank});
    line = text.find('\n', begin);
  }
  return lines;
}

// A block scalar's value: literal lines each end with a line break; folded
// ones are joined by a space, unless blank lines come between (then one
// line break each) or a line is more indented (its line breaks are kept).
Rebuilt RebuildBlock(std::string_view text, size_t indicator) {
  const bool folded = text[indicator] == '>';
  Rebuilt out;
  bool seen_text = false;
  bool previous_more_indented = false;
  size_t previous_end = indicator;
  size_t blanks = 0;
  for (const BlockLine& line : BlockLines(text, indicator)) {
    if (line.blank) {
      if (!folded) out.Add('\n', line.end);
      ++blanks;
      continue;
    }
    bool more_indented = IsBlank(text[line.begin]);
    if (folded) {
      if (seen_text && blanks == 0 && !previous_more_indented &&
          !more_indented) {
        out.Add(' ', previous_end);
      } else {
        size_t breaks = blanks + (seen_text && (previous_more_indented ||
                                                more_indented)
                                      ? 1
                                      : 0);
        for (size_t i = 0; i < breaks; ++i) out.Add('\n', previous_end);
      }
    }
    for (size_t at = line.begin; at < line.end; ++at) out.Add(text[at], at);
    if (!folded) out.Add('\n', line.end);
    seen_text = true;
    previous_more_indented = more_indented;
    previous_end = line.end;
    blanks = 0;
  }
  if (folded && seen_text) {
    for (size_t i = 0; i <= blanks; ++i) out.Add('\n', previous_end);
  }
  return out;
}

// The value of a double-quoted escape at `at` (the backslash) and its
// length in the source; nullopt for one this does not know.
std::optional<std::pair<std::string, size_t>> Unescape(std::string_view text,
                                                       size_t at) {
  if (at + 1 >= text.size()) return std::nullopt;
  static const std::unordered_map<char, std::string> kSimple = {
      {'0', std::string(1, '\0')}, {'a', "\a"}, {'b', "\b"}, {'t', "\t"},
      {'\t', "\t"}, {'n', "\n"}, {'v', "\v"}, {'f', "\f"}, {'r', "\r"},
      {'e', "\x1b"}, {' ', " "}, {'"', "\""}, {'/', "/"}, {'\\', "\\"},
      {'N', "\xc2\x85"}, {'_', "\xc2\xa0"}, {'L', "\xe2\x80\xa8"},
      {'P', "\xe2\x80\xa9"}};
  char kind = text[at + 1];
  if (auto simple = kSimple.find(kind); simple != kSimple.end())
    return std::make_pair(simple->second, size_t{2});
  size_t digits = kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
  if (digits == 0 || at + 2 + digits > text.size()) return std::nullopt;
  uint32_t code = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[at + 2 + i];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    code = code * 16 + static_cast<uint32_t>(digit);
  }
  if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
    return std::nullopt;  // not a character: YAML's reading is its own
  std::string utf8;
  dsl::AppendUtf8(utf8, code);
  return std::make_pair(utf8, 2 + digits);
}

// Folds the line break at `at` of a flow scalar: the blanks before it go,
// the blanks after it and blank lines are skipped, and it becomes a space,
// or one line break per blank line. Returns where the next line's text
// starts.
size_t FoldLineBreak(std::string_view text, size_t at, Rebuilt& out) {
  out.StripTrailingBlanks();
  size_t breaks = 0;
  size_t next = PastBreak(text, at);
  while (true) {
    while (next < text.size() && IsBlank(text[next])) ++next;
    if (next < text.size() && (text[next] == '\n' || text[next] == '\r')) {
      ++breaks;
      next = PastBreak(text, next);
      continue;
    }
    break;
  }
  if (breaks == 0) out.Add(' ', at);
  for (size_t i = 0; i < breaks; ++i) out.Add('\n', at);
  return next;
}

// A flow scalar's value (plain, '...' or "..."), rebuilt until it is as long
// as `length` (a plain scalar's end is not marked) or its closing quote.
Rebuilt RebuildFlow(std::string_view text, size_t start, size_t length) {
  const char quote = text[start];
  const bool quoted = quote == '"' || quote == '\'';
  Rebuilt out;
  size_t at = quoted ? start + 1 : start;
  while (at < text.size() && out.value.size() < length + (quoted ? 1 : 0)) {
    char c = text[at];
    if (c == '\n' || c == '\r') {
      at = FoldLineBreak(text, at, out);
    } else if (quoted && c == quote) {
      if (quote == '\'' && at + 1 < text.size() && text[at + 1] == '\'') {
        out.Add('\'', at);
        at += 2;
      } else {
        break;  // the closing quote
      }
    } else if (quote == '"' && c == '\\') {
      size_t after = at + 1;
      if (after < text.size() && (text[after] == '\n' || text[after] == '\r')) {
        // An escaped line break: the lines join with nothing between.
        at = PastBreak(text, after);
        while (at < text.size() && IsBlank(text[at])) ++at;
        continue;
      }
      auto escape = Unescape(text, at);
      if (!escape.has_value()) break;
      out.AddText(escape->first, at);
      at += escape->second;
    } else {
      out.Add(c, at, IsBlank(c));
      ++at;
    }
  }
  return out;
}

}  // namespace

int32_t OffsetInScalarText(std::string_view text, size_t start,
                           std::string_view value, int32_t index) {
  if (start >= text.size() || index < 0 ||
      static_cast<size_t>(index) > value.size()) {
    return static_cast<int32_t>(start);
  }
  const char first = text[start];
  Rebuilt rebuilt = first == '|' || first == '>'
                        ? RebuildBlock(text, start)
                        : RebuildFlow(text, start, value.size());
  // Chomping may leave fewer line breaks at the end than the lines give.
  if (rebuilt.value.compare(0, value.size(), value) != 0 ||
      rebuilt.value.size() < value.size()) {
    return static_cast<int32_t>(start);  // a form this does not follow
  }
  size_t i = static_cast<size_t>(index);
  if (i < rebuilt.from.size()) return static_cast<int32_t>(rebuilt.from[i]);
  return static_cast<int32_t>(rebuilt.from.empty() ? start
                                                   : rebuilt.from.back() + 1);
}

int32_t YamlFile::OffsetInScalar(const YAML::Node& scalar,
                                 int32_t index) const {
  return OffsetInScalarText(source_.text,
                            static_cast<size_t>(OffsetOf(scalar)),
                            scalar.Scalar(), index);
}

}  // namespace bssflow::engine
