// The generic `http` connector (docs/connectors/http.md): each endpoint
// declared in the connectors file is the action `http.<name>`, one REST call
// whose request is filled in from the call's arguments (request.h) and
// whose answer becomes the result or an error (response.h). All endpoints
// share one HttpClient: TLS, pooling, timeouts, the retry of requests that
// never left, and redacted logging.
#ifndef BSSFLOW_CONNECTORS_HTTP_HTTP_CONNECTOR_H_
#define BSSFLOW_CONNECTORS_HTTP_HTTP_CONNECTOR_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/http/endpoint.h"
#include "engine/actions.h"
#include "engine/connector.h"
#include "net/http_client.h"
#include "net/redact.h"

namespace bssflow::connectors::http {

/// The names the connector's log hides besides the HTTP client's defaults:
/// headers and query parameters whose values are secret, and the member
/// names of secret result fields (SecretMemberName).
net::Redaction RedactionOf(const std::vector<HttpEndpoint>& endpoints);

/// The options of the connector's HttpClient: no retry of statuses (the
/// runner's retry policy decides, and a 429 must reach it with its
/// Retry-After) nor of requests that may have reached the server (the
/// runner's policy again, with the same idempotency key); a request that
/// never left is sent once more. Timeouts are per endpoint (set on each
/// request). Redaction: the defaults plus RedactionOf(endpoints).
net::ClientOptions HttpClientOptions(const HttpConfig& config,
                                     const HttpEnvironment& env);

/// The connector. Call() runs on the executor given to Create() and may run
/// many times at once there (the executor must not run handlers
/// concurrently: an io_context run by one thread, or a strand); calls share
/// the connection pool. Call() never throws. Destroy the connector before
/// that executor's io_context.
class HttpConnector : public engine::Connector {
 public:
  /// A connector for `config`'s endpoints; an error when two endpoints
  /// share a name or the HTTP client cannot be made (an unreadable
  /// ca_file).
  static Result<std::unique_ptr<HttpConnector>> Create(
      boost::asio::any_io_executor executor, HttpConfig config,
      HttpEnvironment env = {});
  ~HttpConnector() override;

  /// Runs `action` ("http.<name>"): an "invalid" error for arguments that
  /// cannot fill the request, "fatal" (code "unknown_action") for an
  /// endpoint the connector does not have.
  boost::asio::awaitable<engine::ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx) override;

 private:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  HttpConnector(std::map<std::string, HttpEndpoint, std::less<>> endpoints,
                std::unique_ptr<net::HttpClient> client,
                net::Redaction redaction, Clock now);
  boost::asio::awaitable<engine::ActionOutcome> Dispatch(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx);

  /// By action name, "http.<name>".
  std::map<std::string, HttpEndpoint, std::less<>> endpoints_;
  std::unique_ptr<net::HttpClient> client_;
  net::Redaction redaction_;
  Clock now_;
};

/// The manifest: one action per endpoint, "http.<name>", whose arguments
/// are its placeholders (required unless listed in `optional`) and whose
/// secret_fields are its `secret` paths.
std::vector<engine::ActionSpec> Manifest(
    const std::vector<HttpEndpoint>& endpoints);

}  // namespace bssflow::connectors::http

#endif  // BSSFLOW_CONNECTORS_HTTP_HTTP_CONNECTOR_H_
