#include "simulators/partner_center/json_fields.h"

#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center {

const nlohmann::json* FindField(const nlohmann::json& object,
                                std::string_view name) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (EqualsIgnoreCase(it.key(), name)) return &it.value();
  }
  return nullptr;
}

std::optional<std::string> StringField(const nlohmann::json& object,
                                       std::string_view name) {
  const nlohmann::json* field = FindField(object, name);
  if (field == nullptr || !field->is_string()) return std::nullopt;
  return field->get<std::string>();
}

const nlohmann::json* ObjectField(const nlohmann::json& object,
                                  std::string_view name) {
  const nlohmann::json* field = FindField(object, name);
  return field != nullptr && field->is_object() ? field : nullptr;
}

std::optional<nlohmann::json> ParseJson(std::string_view text) {
  nlohmann::json parsed =
      nlohmann::json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::size_t Utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    // Continuation bytes (10xxxxxx) do not start a code point.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace bssflow::simulators::partner_center
