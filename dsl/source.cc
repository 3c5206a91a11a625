#include "dsl/source.h"

#include <algorithm>

namespace bssflow::dsl {

namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The line of `text` that contains byte `offset`: [begin, end).
std::pair<size_t, size_t> LineAround(std::string_view text, size_t offset) {
  size_t newline_before = text.substr(0, offset).rfind('\n');
  size_t begin =
      newline_before == std::string_view::npos ? 0 : newline_before + 1;
  size_t end = text.find('\n', offset);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return {begin, end};
}

int CodePoints(std::string_view text) {
  return static_cast<int>(std::count_if(
      text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

}  // namespace

Location Locate(const Source& source, int32_t offset) {
  std::string_view text = source.text;
  size_t at = std::min(static_cast<size_t>(std::max(offset, 0)), text.size());
  std::string_view before = text.substr(0, at);
  int newlines =
      static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  size_t line_begin = LineAround(text, at).first;
  int column = CodePoints(text.substr(line_begin, at - line_begin)) + 1;
  if (newlines == 0) column += source.first_column - 1;
  return {source.first_line + newlines, column};
}

std::string Render(const Source& source, const Diagnostic& diagnostic) {
  if (diagnostic.whole_file)
    return source.name + ": " + diagnostic.message + "\n";
  Location where = Locate(source, diagnostic.offset);
  std::string out = source.name + ":" + std::to_string(where.line) + ":" +
                    std::to_string(where.column) + ": " + diagnostic.message +
                    "\n";
  // An empty file: no line to show.
  if (source.text.empty()) return out;
  std::string_view text = source.text;
  size_t at = std::min(static_cast<size_t>(std::max(diagnostic.offset, 0)),
                       text.size());
  auto [line_begin, line_end] = LineAround(text, at);
  std::string_view line = text.substr(line_begin, line_end - line_begin);
  // Tabs keep their width in the caret line so that the caret lines up.
  std::string caret;
  for (char c : text.substr(line_begin, at - line_begin)) {
    if (IsContinuationByte(c)) continue;
    caret.push_back(c == '\t' ? '\t' : ' ');
  }
  out += "    ";
  out += line;
  out += "\n    " + caret + "^\n";
  return out;
}

std::string RenderAll(const Source& source,
                      const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += Render(source, d);
  return out;
}

namespace {

// Edit distance in which swapping two neighbouring letters counts as one
// edit, as a typist makes them (optimal string alignment).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view name,
                         const std::vector<std::string>& candidates) {
  // A one-letter name is too short to guess from.
  size_t limit =
      std::min(std::max<size_t>(1, name.size() / 3), name.size() - 1);
  if (name.empty()) return "";
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace bssflow::dsl
