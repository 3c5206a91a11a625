// Decoding of literal tokens: the grammar matched their shape; these
// functions compute their values and reject what the shape alone allows but
// CEL does not (a bad escape, an int that does not fit).
#ifndef BSSFLOW_DSL_LITERALS_H_
#define BSSFLOW_DSL_LITERALS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "dsl/value.h"

namespace bssflow::dsl {

/// A decoded literal, or the offset (inside the token) and text of the
/// problem.
struct LiteralResult {
  Value value;
  bool ok = true;
  int32_t error_offset = 0;
  std::string error;
};

/// `text` is a whole string token with its prefix and quotes, e.g. b'\xff',
/// r"a\b" or '''x'''. Strings come back as string values, b-prefixed tokens
/// as bytes values.
LiteralResult DecodeStringLiteral(std::string_view text);

/// Decimal or 0x hex digits of an int or uint token (without the u suffix).
/// Sets `magnitude`; false when the number does not fit in 64 bits.
bool DecodeUnsigned(std::string_view digits, uint64_t& magnitude);

/// A double token such as 1.5e-3 or .5; false when it overflows to infinity.
bool DecodeDouble(std::string_view text, double& value);

/// Appends the UTF-8 encoding of code point `cp` (must be a scalar value).
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_LITERALS_H_
