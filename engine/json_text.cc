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

std::string JsonErrorText(const nlohmann::json::exception& error) {
  std::string text = error.what();
  size_t end = text.find("] ");
  if (text.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
    text.erase(0, end + 2);
  return text;
}

}  // namespace bssflow::engine
