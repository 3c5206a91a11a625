// The response shapes Partner Center and Entra ID answer with: JSON bodies,
// the Partner Center error body {code, description, data, source}, the
// throttling body {statusCode, message} with Retry-After, and the Entra ID
// (AAD) error body {error, error_description, error_codes}.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_API_RESPONSES_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_API_RESPONSES_H_

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "simulators/simulated_response.h"

namespace bssflow::simulators::partner_center {

/// Partner Center error codes. Those named in docs/partner-center-api.md are
/// Microsoft's; the generic ones (kInvalidInput .. kNotFound) are the
/// simulator's choice, since the API doc gives none.
namespace error_code {
inline constexpr int kInvalidInput = 2000;     // 400: a field is missing/bad
inline constexpr int kUnauthorized = 2001;     // 401: token missing/expired
inline constexpr int kAlreadyExists = 2003;    // 409: domain or user taken
inline constexpr int kNotFound = 2004;         // 404: unknown route/resource
inline constexpr int kPartnerNotFound = 3000;  // 404: unknown MPN ID
inline constexpr int kTenantNotFound = 60003;  // 404: unknown/inaccessible
inline constexpr int kNotAllowed = 600006;     // 403: needs App+User
inline constexpr int kRegistrationNumberMissing = 600049;
inline constexpr int kRegistrationNumberInvalid = 600050;
inline constexpr int kPhoneMissing = 600051;
inline constexpr int kMpnIdNotFound = 800015;             // 404
inline constexpr int kNotIndirectReseller = 800016;       // 400
inline constexpr int kResellerAgreementMissing = 900123;  // 403
}  // namespace error_code

/// A Partner Center error: the HTTP status and the body's code and text.
struct ApiError {
  boost::beast::http::status status = boost::beast::http::status::bad_request;
  int code = error_code::kInvalidInput;
  std::string description;
};

/// `body` serialized as application/json (invalid UTF-8 replaced, never
/// throws). Version, keep-alive and echoed headers are set by the caller.
HttpResponse JsonResponse(boost::beast::http::status status,
                          const nlohmann::json& body);

/// A response with no body (HEAD answers, for instance).
HttpResponse EmptyResponse(boost::beast::http::status status);

/// {"code": ..., "description": ..., "data": [], "source": "PartnerFD"}.
HttpResponse ErrorResponse(const ApiError& error);

/// 429 with Retry-After and {"statusCode": 429, "message": "Rate limit is
/// exceeded. Try again in N seconds."}.
HttpResponse ThrottleResponse(int retry_after_seconds);

/// An Entra ID token error: {"error", "error_description", "error_codes"}.
/// `aadsts` is the AADSTS number, which also prefixes the description.
HttpResponse TokenErrorResponse(boost::beast::http::status status,
                                const std::string& error, int aadsts,
                                const std::string& description);

/// The body of a Partner Center collection: {totalCount, items, links{self},
/// attributes{objectType: "Collection"}}; `self_uri` goes into links.self.
nlohmann::json CollectionJson(nlohmann::json items,
                              const std::string& self_uri);

/// A Partner Center link {uri, method: "GET", headers: []}.
nlohmann::json LinkJson(const std::string& uri);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_API_RESPONSES_H_
