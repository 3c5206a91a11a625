#include "simulators/partner_center/api_responses.h"

#include <boost/beast/http/field.hpp>

namespace bssflow::simulators::partner_center {

namespace http = boost::beast::http;

HttpResponse JsonResponse(http::status status, const nlohmann::json& body) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.body() =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse EmptyResponse(http::status status) {
  return HttpResponse{status, 11};
}

HttpResponse ErrorResponse(const ApiError& error) {
  // Partner Center caps descriptions at 1024 characters.
  std::string description = error.description.substr(0, 1024);
  return JsonResponse(error.status, {{"code", error.code},
                                     {"description", std::move(description)},
                                     {"data", nlohmann::json::array()},
                                     {"source", "PartnerFD"}});
}

HttpResponse ThrottleResponse(int retry_after_seconds) {
  HttpResponse response = JsonResponse(
      http::status::too_many_requests,
      {{"statusCode", 429},
       {"message", "Rate limit is exceeded. Try again in " +
                       std::to_string(retry_after_seconds) + " seconds."}});
  response.set(http::field::retry_after, std::to_string(retry_after_seconds));
  return response;
}

HttpResponse TokenErrorResponse(http::status status, const std::string& error,
                                int aadsts, const std::string& description) {
  return JsonResponse(status,
                      {{"error", error},
                       {"error_description",
                        "AADSTS" + std::to_string(aadsts) + ": " + description},
                       {"error_codes", nlohmann::json::array({aadsts})}});
}

nlohmann::json LinkJson(const std::string& uri) {
  return {
      {"uri", uri}, {"method", "GET"}, {"headers", nlohmann::json::array()}};
}

nlohmann::json CollectionJson(nlohmann::json items,
                              const std::string& self_uri) {
  const std::size_t count = items.size();
  return {{"totalCount", count},
          {"items", std::move(items)},
          {"links", {{"self", LinkJson(self_uri)}}},
          {"attributes", {{"objectType", "Collection"}}}};
}

}  // namespace bssflow::simulators::partner_center
