// Conversions between values and JSON (nlohmann::json), for data fed to
// expressions (`bssflow eval --data`) and results shown to people.
#ifndef BSSFLOW_DSL_JSON_VALUE_H_
#define BSSFLOW_DSL_JSON_VALUE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "dsl/value.h"

namespace bssflow::dsl {

/// Deepest nesting of arrays and objects ValueFromJson accepts. Values are
/// walked recursively (equality, printing), so data must not nest without
/// bound; real account and tenant data nests a few levels.
inline constexpr int kMaxDataDepth = 100;

/// Whether the arrays and objects of JSON text `text` nest deeper than
/// `depth` (an empty object or array is one level), counted on the text in
/// one pass, without recursion. For text from outside, before it is
/// parsed: nlohmann's parser and destructor do not recurse, but copying,
/// printing and comparing a parsed document do, so a document nested some
/// 100,000 levels deep would overflow the stack. Text that is not JSON
/// gets a count that may be off; the parser refuses it anyway.
bool NestsDeeperThan(std::string_view text, int depth);

/// JSON -> value: objects become maps with string keys, arrays lists,
/// integers int (uint above the int range), other numbers double. An error
/// when the data nests deeper than `max_depth`.
Result<Value> ValueFromJson(const nlohmann::json& json,
                            int max_depth = kMaxDataDepth);

/// Value -> JSON, members in insertion order: bytes become base64 strings,
/// maps with only string keys objects, other maps arrays of [key, value]
/// pairs (so that 1 and "1" stay apart), type values their names,
/// non-finite doubles the strings "NaN", "Infinity", "-Infinity", errors
/// {"error": message}.
nlohmann::ordered_json ValueToJson(const Value& value);
/// ValueToJson, with object members sorted by key (nlohmann::json): what
/// the journal keeps. Cheaper than converting ValueToJson's result.
nlohmann::json ValueToSortedJson(const Value& value);

std::string Base64Encode(std::string_view data);
/// nullopt when `text` is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_JSON_VALUE_H_
