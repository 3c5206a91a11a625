// JSON text for journal payloads: what nlohmann::json::dump() writes, byte
// for byte, made faster. Every event a run appends is written as text once
// (the SQLite store binds it, the memory store keeps it), and dump() spent
// most of that time going through its output adapter one byte at a time.
#ifndef BSSFLOW_ENGINE_JSON_TEXT_H_
#define BSSFLOW_ENGINE_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

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

/// What `error` says, without nlohmann's "[json.exception.KIND.ID] "
/// prefix: "type must be boolean, but is string".
std::string JsonErrorText(const nlohmann::json::exception& error);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_JSON_TEXT_H_
