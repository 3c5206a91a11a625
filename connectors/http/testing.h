// Endpoints for the connector's tests, written the short way: templates as
// text, bodies as JSON whose strings are templates (as the connectors file
// writes them).
#ifndef BSSFLOW_CONNECTORS_HTTP_TESTING_H_
#define BSSFLOW_CONNECTORS_HTTP_TESTING_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "connectors/http/endpoint.h"

namespace bssflow::connectors::http::testing {

/// `text` parsed; aborts the program on a template error (a test's typo).
TextTemplate Template(std::string_view text);

/// A body template from JSON: strings are templates ("{n}" alone keeps the
/// argument's type), everything else literal.
BodyTemplate Body(const nlohmann::ordered_json& json);

}  // namespace bssflow::connectors::http::testing

#endif  // BSSFLOW_CONNECTORS_HTTP_TESTING_H_
