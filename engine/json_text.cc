#include "engine/json_text.h"

#include <array>
#include <charconv>
#include <string_view>

#include "dsl/value.h"

namespace bssflow::engine {
namespace {

// What dump() writes for the byte `c` of a valid UTF-8 string, when it is
// not the byte itself: empty for bytes written as they are.
constexpr std::array<std::string_view, 128> kEscapes = [] {
  std::array<std::string_view, 128> escapes{};
  constexpr std::string_view kControl[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
      "\\u0006", "\\u0007", "\\b",     "\\t",     "\\n",     "\\u000b",
      "\\f",     "\\r",     "\\u000e", "\\u000f", "\\u0010", "\\u0011",
      "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d",
      "\\u001e", "\\u001f"};
  for (int c = 0; c < 32; ++c) escapes[c] = kControl[c];
  escapes['"'] = "\\\"";
  escapes['\\'] = "\\\\";
  return escapes;
}();

bool NeedsEscape(unsigned char c) { return c < 0x80 && !kEscapes[c].empty(); }

void AppendString(const std::string& text, std::string& out) {
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  // dump() throws for it; its message (byte and index) is the contract.
  if (!ascii && !dsl::IsValidUtf8(text)) (void)nlohmann::json(text).dump();
  out += '"';
  size_t plain = 0;  // start of the bytes not appended yet
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out.append(text, plain, i - plain);
    out += kEscapes[c];
    plain = i + 1;
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

template <typename Integer>
void AppendInteger(Integer value, std::string& out) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void AppendObject(const nlohmann::json::object_t& members, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : members) {
    if (!first) out += ',';
    first = false;
    AppendString(key, out);
    out += ':';
    AppendJsonText(value, out);
  }
  out += '}';
}

void AppendArray(const nlohmann::json::array_t& items, std::string& out) {
  out += '[';
  bool first = true;
  for (const nlohmann::json& item : items) {
    if (!first) out += ',';
    first = false;
    AppendJsonText(item, out);
  }
  out += ']';
}

}  // namespace

void AppendJsonText(const nlohmann::json& json, std::string& out) {
  using Type = nlohmann::json::value_t;
  switch (json.type()) {
    case Type::null:
      out += "null";
      return;
    case Type::boolean:
      out += json.get_ref<const nlohmann::json::boolean_t&>() ? "true"
                                                              : "false";
      return;
    case Type::string:
      AppendString(json.get_ref<const nlohmann::json::string_t&>(), out);
      return;
    case Type::number_integer:
      AppendInteger(json.get_ref<const nlohmann::json::number_integer_t&>(),
                    out);
      return;
    case Type::number_unsigned:
      AppendInteger(json.get_ref<const nlohmann::json::number_unsigned_t&>(),
                    out);
      return;
    case Type::object:
      AppendObject(json.get_ref<const nlohmann::json::object_t&>(), out);
      return;
    case Type::array:
      AppendArray(json.get_ref<const nlohmann::json::array_t&>(), out);
      return;
    default:
      // Doubles (dump()'s shortest round-trip digits), binary and
      // discarded values are rare in journals: dump() writes them.
      out += json.dump();
      return;
  }
}

std::string JsonText(const nlohmann::json& json) {
  std::string out;
  AppendJsonText(json, out);
  return out;
}

namespace {

// A recursive-descent reader of the JSON it handles itself; every Read*
// returns false on anything else, and ParseJsonText leaves the text to
// nlohmann::json::parse.
class FastJsonReader {
 public:
  explicit FastJsonReader(std::string_view text) : text_(text) {}

  bool ReadDocument(nlohmann::json& out) {
    SkipSpace();
    if (!ReadValue(out, 0)) return false;
    SkipSpace();
    return at_ == text_.size();
  }

 private:
  static constexpr int kMaxDepth = 256;

  void SkipSpace() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' ||
            text_[at_] == '\t')) {
      ++at_;
    }
  }

  bool Take(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }

  bool TakeWord(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool ReadValue(nlohmann::json& out, int depth) {
    if (at_ >= text_.size()) return false;
    switch (text_[at_]) {
      case '{':
        return ReadObject(out, depth + 1);
      case '[':
        return ReadArray(out, depth + 1);
      case '"': {
        std::string text;
        if (!ReadString(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't':
        out = true;
        return TakeWord("true");
      case 'f':
        out = false;
        return TakeWord("false");
      case 'n':
        out = nullptr;
        return TakeWord("null");
      default:
        return ReadInteger(out);
    }
  }

  bool ReadObject(nlohmann::json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++at_;  // '{'
    out = nlohmann::json::object();
    auto& members = out.get_ref<nlohmann::json::object_t&>();
    SkipSpace();
    if (Take('}')) return true;
    for (;;) {
      SkipSpace();
      std::string key;
      if (!ReadString(key)) return false;
      SkipSpace();
      if (!Take(':')) return false;
      SkipSpace();
      nlohmann::json value;
      if (!ReadValue(value, depth)) return false;
      // Journals write members in key order: the hint makes each insert
      // constant time. A key seen before is left to parse().
      size_t before = members.size();
      members.emplace_hint(members.end(), std::move(key), std::move(value));
      if (members.size() == before) return false;
      SkipSpace();
      if (Take('}')) return true;
      if (!Take(',')) return false;
    }
  }

  bool ReadArray(nlohmann::json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++at_;  // '['
    out = nlohmann::json::array();
    auto& items = out.get_ref<nlohmann::json::array_t&>();
    SkipSpace();
    if (Take(']')) return true;
    for (;;) {
      SkipSpace();
      if (!ReadValue(items.emplace_back(), depth)) return false;
      SkipSpace();
      if (Take(']')) return true;
      if (!Take(',')) return false;
    }
  }

  // A string without \u escapes or control characters, valid UTF-8.
  bool ReadString(std::string& out) {
    if (!Take('"')) return false;
    bool ascii = true;
    for (;;) {
      size_t plain = at_;
      while (at_ < text_.size()) {
        auto c = static_cast<unsigned char>(text_[at_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ascii &= c < 0x80;
        ++at_;
      }
      out.append(text_.data() + plain, at_ - plain);
      if (at_ >= text_.size()) return false;
      char c = text_[at_++];
      if (c == '"') break;
      if (c != '\\' || at_ >= text_.size()) return false;  // a control byte
      switch (text_[at_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default: return false;  // \u, or not an escape
      }
    }
    return ascii || dsl::IsValidUtf8(out);
  }

  // An integer, as parse() types it: unsigned unless negative. A fraction,
  // an exponent, a leading zero or a value out of range is left to parse().
  bool ReadInteger(nlohmann::json& out) {
    size_t start = at_;
    bool negative = Take('-');
    size_t digits = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == digits) return false;
    if (text_[digits] == '0' && at_ - digits > 1) return false;
    if (at_ < text_.size() &&
        (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
      return false;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + at_;
    if (negative) {
      int64_t value = 0;
      auto [end, error] = std::from_chars(first, last, value);
      if (error != std::errc() || end != last) return false;
      out = static_cast<nlohmann::json::number_integer_t>(value);
    } else {
      uint64_t value = 0;
      auto [end, error] = std::from_chars(first, last, value);
      if (error != std::errc() || end != last) return false;
      out = static_cast<nlohmann::json::number_unsigned_t>(value);
    }
    return true;
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

bool ParseJsonTextFast(std::string_view text, nlohmann::json& out) {
  return FastJsonReader(text).ReadDocument(out);
}

nlohmann::json ParseJsonText(std::string_view text) {
  nlohmann::json out;
  if (ParseJsonTextFast(text, out)) return out;
  return nlohmann::json::parse(text);
}

std::string JsonErrorText(const nlohmann::json::exception& error) {
  std::string text = error.what();
  size_t end = text.find("] ");
  if (text.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
    text.erase(0, end + 2);
  return text;
}

}  // namespace bssflow::engine
