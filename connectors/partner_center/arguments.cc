#include "connectors/partner_center/arguments.h"

#include <utility>

#include "connectors/partner_center/error_mapping.h"
#include "dsl/json_value.h"

namespace bssflow::connectors::partner_center {

ArgumentReader::ArgumentReader(std::string action,
                               nlohmann::ordered_json arguments)
    : action_(std::move(action)), arguments_(std::move(arguments)) {
  if (!arguments_.is_object()) {
    error_ = InvalidArgument(action_ + ": the arguments must be a map, got " +
                             std::string(arguments_.type_name()));
    arguments_ = nlohmann::ordered_json::object();
  }
}

ArgumentReader::ArgumentReader(std::string action, const dsl::Value& arguments)
    : ArgumentReader(std::move(action),
                     arguments.is_null() ? nlohmann::ordered_json::object()
                                         : dsl::ValueToJson(arguments)) {}

const nlohmann::ordered_json* ArgumentReader::Find(std::string_view name) {
  const nlohmann::ordered_json* node = &arguments_;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string part(name.substr(start, dot - start));
    if (!node->is_object()) {
      Fail(name.substr(0, start - 1), "must be a map");
      return nullptr;
    }
    auto it = node->find(part);
    if (it == node->end() || it->is_null()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

void ArgumentReader::Fail(std::string_view name, std::string_view problem) {
  if (error_.has_value()) return;
  error_ = InvalidArgument(action_ + ": argument '" + std::string(name) +
                           "' " + std::string(problem));
}

std::string ArgumentReader::Required(std::string_view name) {
  std::string text = Optional(name);
  if (text.empty() && !error_.has_value()) Fail(name, "is required");
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

}  // namespace bssflow::connectors::partner_center
