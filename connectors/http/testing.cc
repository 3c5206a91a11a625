#include "connectors/http/testing.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

namespace bssflow::connectors::http::testing {

TextTemplate Template(std::string_view text) {
  ParsedTemplate parsed = ParseTextTemplate(text);
  if (parsed.error.has_value()) {
    std::cerr << "bad template in a test: " << text << ": "
              << parsed.error->message << "\n";
    std::abort();
  }
  return std::move(parsed.text);
}

BodyTemplate Body(const nlohmann::ordered_json& json) {
  if (json.is_string()) return BodyString(Template(json.get<std::string>()));
  BodyTemplate body;
  if (json.is_object()) {
    body.kind = BodyTemplate::Kind::kObject;
    for (const auto& [key, value] : json.items()) {
      body.keys.push_back(key);
      body.children.push_back(Body(value));
    }
  } else if (json.is_array()) {
    body.kind = BodyTemplate::Kind::kArray;
    for (const auto& item : json) body.children.push_back(Body(item));
  } else {
    body.literal = json;
  }
  return body;
}

}  // namespace bssflow::connectors::http::testing
