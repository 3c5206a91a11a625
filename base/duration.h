// Durations as people write them in YAML files: "500ms", "30s", "5m", "1h".
// One grammar for every file bssflow reads (workflows' `timeout:` and
// `retry:` fields, the connectors file), so that a duration that works in
// one works in all.
#ifndef BSSFLOW_BASE_DURATION_H_
#define BSSFLOW_BASE_DURATION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bssflow {

/// What a diagnostic about a malformed duration says it expected, e.g.
/// "'timeout' must be " + kDurationExpected + ", got 'soon'".
inline constexpr std::string_view kDurationExpected =
    "a duration such as 500ms, 30s, 5m or 1h";

/// 1 to 9 digits followed by one unit, ms, s, m or h, with nothing else (no
/// sign, no space, no fraction); nullopt for anything else. At most
/// 999999999h, which milliseconds hold without overflow.
inline std::optional<std::chrono::milliseconds> ParseDuration(
    std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i < digits; ++i) n = n * 10 + (text[i] - '0');
  std::string_view unit = text.substr(digits);
  int64_t unit_ms = unit == "ms"  ? 1
                    : unit == "s" ? 1000
                    : unit == "m" ? 60'000
                    : unit == "h" ? 3'600'000
                                  : 0;
  if (unit_ms == 0) return std::nullopt;
  return std::chrono::milliseconds(n * unit_ms);
}

}  // namespace bssflow

#endif  // BSSFLOW_BASE_DURATION_H_
