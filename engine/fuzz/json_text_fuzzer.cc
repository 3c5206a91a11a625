// libFuzzer target: any byte string as JSON text through ParseJsonText, the
// stores' reader of journal payloads, against nlohmann::json::parse. Both
// must give the same document (the same number types too) or throw the
// same error; a difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/json_text.h"

namespace {

using nlohmann::json;

// The kinds of `value` all the way down (== takes 1 and 1u as equal).
std::string Kinds(const json& value) {
  std::string out(value.type_name());
  if (value.is_number_unsigned()) out = "unsigned";
  if (value.is_structured()) {
    out += "(";
    for (const json& item : value) out += Kinds(item) + ",";
    out += ")";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string parse_error, fast_error;
  json expected, got;
  try {
    expected = json::parse(text);
  } catch (const json::exception& e) {
    parse_error = e.what();
  }
  try {
    got = bssflow::engine::ParseJsonText(text);
  } catch (const json::exception& e) {
    fast_error = e.what();
  }
  if (fast_error != parse_error || got != expected ||
      Kinds(got) != Kinds(expected)) {
    std::abort();
  }
  return 0;
}
