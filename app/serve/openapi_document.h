// docs/openapi.yaml, compiled into the executable (openapi_document.cc is
// generated from it by CMake), so that GET /v1/openapi.yaml always serves
// the description of the API this build implements.
#ifndef BSSFLOW_APP_SERVE_OPENAPI_DOCUMENT_H_
#define BSSFLOW_APP_SERVE_OPENAPI_DOCUMENT_H_

#include <string>

namespace bssflow::serve {

const std::string& OpenApiDocument();

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_OPENAPI_DOCUMENT_H_
