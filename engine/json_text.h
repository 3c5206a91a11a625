// JSON text for journal payloads: what nlohmann::json::dump() writes, byte
// for byte, made faster. Every event a run appends is written as text once
// (the SQLite store binds it, the memory store keeps it), and dump() spent
// most of that time going through its output adapter one byte at a time.
#ifndef BSSFLOW_ENGINE_JSON_TEXT_H_
#define BSSFLOW_ENGINE_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bssflow::engine {

/// Appends `json` to `out` as `json.dump()` writes it: compact, object
/// members in key order, strings escaped the same way (`\"`, `\\`, `\b`,
/// `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx`, everything
/// else, UTF-8 included, as it is), numbers the same digits.
///
/// A string that is not valid UTF-8 throws the nlohmann::json::type_error
/// that dump() throws (316, "invalid UTF-8 byte at index ..."), with the
/// same message; `out` may then hold part of the text.
void AppendJsonText(const nlohmann::json& json, std::string& out);

/// `json` as AppendJsonText writes it.
std::string JsonText(const nlohmann::json& json);

/// Parses the JSON text `text` as nlohmann::json::parse does, faster, for
/// what journals hold (AppendJsonText's texts, read back by the stores).
/// The result equals parse()'s, number types included (non-negative
/// integers unsigned, negative ones signed). Text outside what it parses
/// itself (numbers with a fraction or an exponent, \u escapes, nesting past
/// 256 levels, duplicate keys, anything that is not valid JSON) is left to
/// parse(): so invalid text throws parse()'s own exception.
nlohmann::json ParseJsonText(std::string_view text);

/// ParseJsonText without the fallback: true with `out` set when `text`
/// is in what it parses itself, false otherwise (`out` is then unspecified).
bool ParseJsonTextFast(std::string_view text, nlohmann::json& out);

/// What `error` says, without nlohmann's "[json.exception.KIND.ID] "
/// prefix: "type must be boolean, but is string".
std::string JsonErrorText(const nlohmann::json::exception& error);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_JSON_TEXT_H_
