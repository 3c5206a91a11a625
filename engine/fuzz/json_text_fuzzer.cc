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
#include "engine/testing/json_kinds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string parse_error, fast_error;
  nlohmann::json expected, got;
  try {
    expected = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    parse_error = e.what();
  }
  try {
    got = bssflow::engine::ParseJsonText(text);
  } catch (const nlohmann::json::exception& e) {
    fast_error = e.what();
  }
  using bssflow::engine::testing::JsonKinds;
  if (fast_error != parse_error || got != expected ||
      JsonKinds(got) != JsonKinds(expected)) {
    std::abort();
  }
  return 0;
}
