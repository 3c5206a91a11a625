// RFC 7807 "problem details": the body of every error the HTTP API and the
// simulators answer, as `application/problem+json`.
#ifndef BSSFLOW_NET_PROBLEM_H_
#define BSSFLOW_NET_PROBLEM_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

namespace bssflow::net {

/// One problem. `type` defaults to "about:blank" (RFC 7807 section 4.2: the
/// title is then the status's reason phrase, which Problem() fills in).
struct Problem {
  std::string type = "about:blank";
  std::string title;
  unsigned status = 500;
  /// For people: what went wrong with this request, and how to fix it.
  std::optional<std::string> detail;
  /// A URI naming this occurrence (often the request target).
  std::optional<std::string> instance;
};

/// A Problem of `status` with type "about:blank", its reason phrase as
/// title ("Payload Too Large" for 413), and `detail` when not empty.
Problem ProblemOf(unsigned status, std::string detail = "");

/// The JSON text of `problem`, members in the order type, title, status,
/// detail, instance; absent optionals are left out. Example:
/// {"type":"about:blank","title":"Not Found","status":404}
std::string ProblemJson(const Problem& problem);

/// A complete response: status, `Content-Type: application/problem+json`,
/// the JSON body and its Content-Length; HTTP `version` (11 for 1.1) and
/// keep-alive as given.
boost::beast::http::response<boost::beast::http::string_body> ProblemResponse(
    const Problem& problem, unsigned version = 11, bool keep_alive = false);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_PROBLEM_H_
