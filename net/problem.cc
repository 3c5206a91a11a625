#include "net/problem.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace bssflow::net {

namespace http = boost::beast::http;

Problem ProblemOf(unsigned status, std::string detail) {
  Problem problem;
  problem.status = status;
  problem.title =
      std::string(http::obsolete_reason(http::int_to_status(status)));
  if (!detail.empty()) problem.detail = std::move(detail);
  return problem;
}

std::string ProblemJson(const Problem& problem) {
  // ordered_json keeps the members in the documented order.
  nlohmann::ordered_json json;
  json["type"] = problem.type;
  json["title"] = problem.title;
  json["status"] = problem.status;
  if (problem.detail.has_value()) json["detail"] = *problem.detail;
  if (problem.instance.has_value()) json["instance"] = *problem.instance;
  // Replace invalid UTF-8 rather than throw: details may quote input.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http::response<http::string_body> ProblemResponse(const Problem& problem,
                                                  unsigned version,
                                                  bool keep_alive) {
  http::response<http::string_body> response(
      http::int_to_status(problem.status), version);
  response.result(problem.status);
  response.set(http::field::content_type, "application/problem+json");
  response.body() = ProblemJson(problem);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace bssflow::net
