// Reading an action's arguments (the runner's map value, as JSON) by name,
// with error messages that name the action and the argument.
#ifndef BSSFLOW_CONNECTORS_BSS_ARGUMENTS_H_
#define BSSFLOW_CONNECTORS_BSS_ARGUMENTS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/value.h"
#include "engine/connector.h"

namespace bssflow::connectors::bss {

/// Reads the arguments of one call. Every getter records the first problem
/// it meets and carries on, so a caller reads everything, then checks
/// error() once. Not thread-safe; one per call.
class ArgumentReader {
 public:
  /// `action` is the full action name, used in messages; `arguments` should
  /// be an object or null (anything else is reported by error()).
  ArgumentReader(std::string action, nlohmann::ordered_json arguments);
  /// The same, from the runner's map value.
  ArgumentReader(std::string action, const dsl::Value& arguments);

  /// A required text argument. Integers are accepted and printed (account
  /// IDs written as numbers); empty text counts as missing.
  std::string Required(std::string_view name);
  /// An optional text argument: `fallback` when absent, null or empty.
  std::string Optional(std::string_view name, std::string fallback = "");
  /// An optional boolean argument: `fallback` when absent or null.
  bool OptionalBool(std::string_view name, bool fallback);
  /// A required map argument (a JSON object).
  nlohmann::ordered_json RequiredMap(std::string_view name);
  /// An optional list of texts: nullopt when absent or null. Another type,
  /// or an item that is not text, is a problem ("argument 'codes[1]' must
  /// be text, got number").
  std::optional<std::vector<std::string>> OptionalTextList(
      std::string_view name);

  /// Records `problem` about argument `name` unless a problem was recorded
  /// already: "<action>: argument '<name>' <problem>".
  void Fail(std::string_view name, std::string_view problem);

  /// The first problem, e.g. "bss.get_account: argument 'id' is required";
  /// nullopt when all was well.
  const std::optional<engine::ActionError>& error() const { return error_; }

 private:
  const nlohmann::ordered_json* Find(std::string_view name) const;

  std::string action_;
  nlohmann::ordered_json arguments_;
  std::optional<engine::ActionError> error_;
};

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_ARGUMENTS_H_
