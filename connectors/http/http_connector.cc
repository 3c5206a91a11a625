#include "connectors/http/http_connector.h"

#include <exception>
#include <utility>

#include "connectors/http/request.h"
#include "connectors/http/response.h"

namespace bssflow::connectors::http {
namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;

net::Redaction RedactionOf(const std::vector<HttpEndpoint>& endpoints) {
  net::Redaction redaction;
  for (const HttpEndpoint& endpoint : endpoints) {
    for (const HeaderField& header : endpoint.headers) {
      if (header.secret) redaction.Add(header.name);
    }
    for (const QueryParameter& parameter : endpoint.query) {
      if (parameter.secret) redaction.Add(parameter.name);
    }
    for (const std::string& path : endpoint.secret) {
      std::optional<std::string> name = SecretMemberName(endpoint, path);
      if (name.has_value()) redaction.Add(*name);
    }
  }
  return redaction;
}

net::ClientOptions HttpClientOptions(const HttpConfig& config,
                                     const HttpEnvironment& env) {
  net::ClientOptions options;
  options.ca_file = config.ca_file;
  options.retry.max_attempts = 2;
  options.retry.retry_statuses = {};
  options.retry.retry_unsent = true;
  options.retry.retry_unanswered = false;
  options.redaction = RedactionOf(config.endpoints);
  options.log = env.log;
  options.random = env.random;
  options.now = env.now;
  options.user_agent = "bssflow-http-connector";
  return options;
}

Result<std::unique_ptr<HttpConnector>> HttpConnector::Create(
    asio::any_io_executor executor, HttpConfig config, HttpEnvironment env) {
  std::map<std::string, HttpEndpoint, std::less<>> endpoints;
  for (const HttpEndpoint& endpoint : config.endpoints) {
    if (!endpoints.emplace(endpoint.action(), endpoint).second) {
      return Status::Error("http connector: endpoint '" + endpoint.name +
                           "' is declared twice");
    }
  }
  net::ClientOptions options = HttpClientOptions(config, env);
  net::Redaction redaction = options.redaction;
  Result<std::unique_ptr<net::HttpClient>> client =
      net::HttpClient::Create(std::move(executor), std::move(options));
  if (!client.ok())
    return Status::Error("http connector: " + client.status().message());
  Clock now =
      env.now ? env.now : [] { return std::chrono::system_clock::now(); };
  return std::unique_ptr<HttpConnector>(
      new HttpConnector(std::move(endpoints), std::move(client).value(),
                        std::move(redaction), std::move(now)));
}

HttpConnector::HttpConnector(
    std::map<std::string, HttpEndpoint, std::less<>> endpoints,
    std::unique_ptr<net::HttpClient> client, net::Redaction redaction,
    Clock now)
    : endpoints_(std::move(endpoints)),
      client_(std::move(client)),
      redaction_(std::move(redaction)),
      now_(std::move(now)) {}

HttpConnector::~HttpConnector() = default;

asio::awaitable<ActionOutcome> HttpConnector::Call(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  // Call() must not throw; a bug or a cancellation surfacing as an
  // exception still completes the call with an outcome.
  try {
    ActionOutcome outcome = co_await Dispatch(action, arguments, ctx);
    co_return outcome;
  } catch (const std::exception& e) {
    co_return ActionOutcome::Failure(
        ActionError{"fatal", "", action + ": " + e.what(), std::nullopt});
  }
}

asio::awaitable<ActionOutcome> HttpConnector::Dispatch(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  auto it = endpoints_.find(action);
  if (it == endpoints_.end()) {
    co_return ActionOutcome::Failure(ActionError{
        "fatal", "unknown_action",
        "the http connector has no endpoint for '" + action +
            "'; declare it under http.endpoints in the connectors file",
        std::nullopt});
  }
  const HttpEndpoint& endpoint = it->second;
  PreparedRequest prepared =
      PrepareRequest(endpoint, arguments, ctx, redaction_);
  if (prepared.error.has_value())
    co_return ActionOutcome::Failure(*prepared.error);
  net::HttpRequest request = std::move(*prepared.request);
  Result<net::HttpResponse> sent = co_await client_->Send(std::move(request));
  if (!sent.ok())
    co_return ActionOutcome::Failure(ErrorFromTransport(sent.status()));
  const net::HttpResponse& response = sent.value();
  std::string retry_after(response.headers["Retry-After"]);
  Answer answer{prepared.label, response.status, response.body, retry_after,
                now_()};
  co_return OutcomeOf(endpoint, answer);
}

}  // namespace bssflow::connectors::http
