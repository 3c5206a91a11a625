#include "dsl/source.h"

#include <algorithm>
#include <cstdint>
#include <utility>

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

// The code point that starts at text[at] (UTF-8), and how many bytes it
// takes; a byte that starts no valid sequence is taken as itself.
std::pair<uint32_t, size_t> CodePointAt(std::string_view text, size_t at) {
  unsigned char lead = static_cast<unsigned char>(text[at]);
  size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3
                  : lead >= 0xC0 ? 2 : 1;
  if (at + length > text.size()) return {lead, 1};
  uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if (!IsContinuationByte(text[at + i])) return {lead, 1};
    code = (code << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
  }
  return {code, length};
}

// Whether a terminal shows `code` two columns wide: East Asian wide and
// full-width characters and emoji (the main blocks of Unicode's
// East_Asian_Width W and F).
bool IsWide(uint32_t code) {
  return (code >= 0x1100 && code <= 0x115F) ||
         (code >= 0x2E80 && code <= 0x303E) ||
         (code >= 0x3041 && code <= 0x33FF) ||
         (code >= 0x3400 && code <= 0x4DBF) ||
         (code >= 0x4E00 && code <= 0x9FFF) ||
         (code >= 0xA000 && code <= 0xA4CF) ||
         (code >= 0xAC00 && code <= 0xD7A3) ||
         (code >= 0xF900 && code <= 0xFAFF) ||
         (code >= 0xFE30 && code <= 0xFE4F) ||
         (code >= 0xFF00 && code <= 0xFF60) ||
         (code >= 0xFFE0 && code <= 0xFFE6) ||
         (code >= 0x1F300 && code <= 0x1F64F) ||
         (code >= 0x1F900 && code <= 0x1F9FF) ||
         (code >= 0x20000 && code <= 0x3FFFD);
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
  // Tabs keep their width in the caret line, and wide characters take two
  // columns, so that the caret lines up in a terminal.
  std::string caret;
  for (size_t i = line_begin; i < at;) {
    auto [code, length] = CodePointAt(text, i);
    caret += code == '\t' ? "\t" : IsWide(code) ? "  " : " ";
    i += length;
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
