// For tests and fuzzers of JSON readers: a document's kinds all the way
// down, as text, so that two documents nlohmann's == takes as equal (1 and
// 1u are) can be told apart by their number types.
#ifndef BSSFLOW_ENGINE_TESTING_JSON_KINDS_H_
#define BSSFLOW_ENGINE_TESTING_JSON_KINDS_H_

#include <nlohmann/json.hpp>
#include <string>

namespace bssflow::engine::testing {

/// "object(array(unsigned,signed,),string,)" and so on.
inline std::string JsonKinds(const nlohmann::json& value) {
  std::string out(value.type_name());
  if (value.is_number_unsigned()) {
    out = "unsigned";
  } else if (value.is_number_integer()) {
    out = "signed";
  }
  if (value.is_structured()) {
    out += "(";
    for (const nlohmann::json& item : value) out += JsonKinds(item) + ",";
    out += ")";
  }
  return out;
}

}  // namespace bssflow::engine::testing

#endif  // BSSFLOW_ENGINE_TESTING_JSON_KINDS_H_
