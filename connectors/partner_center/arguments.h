// Reading an action's arguments (the runner's map value, as JSON) by name,
// with error messages that name the action and the argument.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_ARGUMENTS_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_ARGUMENTS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "dsl/value.h"
#include "engine/connector.h"

namespace bssflow::connectors::partner_center {

/// Reads the arguments of one call. Names may be dotted paths into nested
/// maps ("address.city"). Every getter records the first problem it meets
/// and carries on, so a caller reads everything, then checks error() once.
/// Not thread-safe; one per call.
class ArgumentReader {
 public:
  /// `action` is the full action name, used in messages; `arguments` should
  /// be an object (anything else is reported by error()).
  ArgumentReader(std::string action, nlohmann::ordered_json arguments);
  /// The same, from the runner's map value.
  ArgumentReader(std::string action, const dsl::Value& arguments);

  /// A required text argument. Integers are accepted and printed ("MPN ID
  /// 1234567" written as a number); empty text counts as missing.
  std::string Required(std::string_view name);
  /// An optional text argument: `fallback` when absent, null or empty.
  std::string Optional(std::string_view name, std::string fallback = "");
  /// An optional boolean argument: `fallback` when absent or null.
  bool OptionalBool(std::string_view name, bool fallback);

  /// The first problem, e.g. "partner_center.create_customer: argument
  /// 'address.city' is required"; nullopt when all was well.
  const std::optional<engine::ActionError>& error() const { return error_; }

 private:
  const nlohmann::ordered_json* Find(std::string_view name);
  void Fail(std::string_view name, std::string_view problem);

  std::string action_;
  nlohmann::ordered_json arguments_;
  std::optional<engine::ActionError> error_;
};

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_ARGUMENTS_H_
