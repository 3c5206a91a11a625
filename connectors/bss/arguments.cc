#include "connectors/bss/arguments.h"

#include <utility>

#include "connectors/bss/error_mapping.h"
#include "dsl/json_value.h"

namespace bssflow::connectors::bss {

ArgumentReader::ArgumentReader(std::string action,
                               nlohmann::ordered_json arguments)
    : action_(std::move(action)), arguments_(std::move(arguments)) {
  if (arguments_.is_null()) arguments_ = nlohmann::ordered_json::object();
  if (!arguments_.is_object()) {
    error_ = InvalidArgument(action_ + ": the arguments must be a map, got " +
                             std::string(arguments_.type_name()));
    arguments_ = nlohmann::ordered_json::object();
  }
}

ArgumentReader::ArgumentReader(std::string action, const dsl::Value& arguments)
    : ArgumentReader(std::move(action), dsl::ValueToJson(arguments)) {}

const nlohmann::ordered_json* ArgumentReader::Find(
    std::string_view name) const {
  auto it = arguments_.find(std::string(name));
  if (it == arguments_.end() || it->is_null()) return nullptr;
  return &*it;
}

void ArgumentReader::Fail(std::string_view name, std::string_view problem) {
  if (error_.has_value()) return;
  error_ = InvalidArgument(action_ + ": argument '" + std::string(name) +
                           "' " + std::string(problem));
}

std::string ArgumentReader::Required(std::string_view name) {
  std::string text = Optional(name);
  if (text.empty()) Fail(name, "is required");
  return text;
}

std::string ArgumentReader::Optional(std::string_view name,
                                     std::string fallback) {
  const nlohmann::ordered_json* value = Find(name);
  if (value == nullptr) return fallback;
  if (value->is_string()) {
    std::string text = value->get<std::string>();
    return text.empty() ? fallback : text;
  }
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  if (value->is_number_unsigned())
    return std::to_string(value->get<uint64_t>());
  Fail(name, "must be a string, got " + std::string(value->type_name()));
  return fallback;
}

bool ArgumentReader::OptionalBool(std::string_view name, bool fallback) {
  const nlohmann::ordered_json* value = Find(name);
  if (value == nullptr) return fallback;
  if (value->is_boolean()) return value->get<bool>();
  Fail(name, "must be a bool, got " + std::string(value->type_name()));
  return fallback;
}

nlohmann::ordered_json ArgumentReader::RequiredMap(std::string_view name) {
  const nlohmann::ordered_json* value = Find(name);
  if (value == nullptr) {
    Fail(name, "is required");
    return nlohmann::ordered_json::object();
  }
  if (!value->is_object()) {
    Fail(name, "must be a map, got " + std::string(value->type_name()));
    return nlohmann::ordered_json::object();
  }
  return *value;
}

std::optional<std::vector<std::string>> ArgumentReader::OptionalTextList(
    std::string_view name) {
  const nlohmann::ordered_json* value = Find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) {
    Fail(name,
         "must be a list of text, got " + std::string(value->type_name()));
    return std::nullopt;
  }
  std::vector<std::string> texts;
  for (const nlohmann::ordered_json& item : *value) {
    if (!item.is_string()) {
      Fail(std::string(name) + "[" + std::to_string(texts.size()) + "]",
           "must be text, got " + std::string(item.type_name()));
      return std::nullopt;
    }
    texts.push_back(item.get<std::string>());
  }
  return texts;
}

}  // namespace bssflow::connectors::bss
