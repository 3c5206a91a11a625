// One BSS API exchange for the connector: base URL, bearer token (fetched,
// cached, and renewed once on a 401), JSON in and out, and the mapping of
// error answers and transport failures to ActionErrors.
#ifndef BSSFLOW_CONNECTORS_BSS_BSS_API_H_
#define BSSFLOW_CONNECTORS_BSS_BSS_API_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/status.h"
#include "connectors/bss/bss_config.h"
#include "connectors/bss/requests.h"
#include "connectors/bss/token_cache.h"
#include "engine/connector.h"
#include "net/http_client.h"

namespace bssflow::connectors::bss {

/// The answer to one API call: the JSON body, or the error.
struct ApiReply {
  nlohmann::json json;
  std::optional<engine::ActionError> error;
};

/// The client options of the connector's HttpClient: the per-call timeout,
/// no retry of statuses (the runner's retry policy decides, and a 429 must
/// reach it with its Retry-After) nor of requests that may have reached the
/// BSS, and redaction of password, client_secret, access_token,
/// Authorization and notification bodies (`Body`, which carries tenant
/// admin passwords).
net::ClientOptions BssClientOptions(const BssConfig& config,
                                    const BssEnvironment& env);

/// Sends API requests with a valid token. Send() may run many times at once
/// on the executor given to Create() (which must not run handlers
/// concurrently); calls share the token and the connection pool. Destroy it
/// before that executor's io_context.
/// How many new tokens a call asks for in a row when the service refuses
/// the token it was sent with (HTTP 401) before the 401 is its answer
/// (error kind "auth").
inline constexpr int kTokenRenewals = 3;

class BssApi {
 public:
  /// An API for `config`; an error when the base URL is empty or the HTTP
  /// client cannot be made (an unreadable ca_file).
  static Result<std::unique_ptr<BssApi>> Create(
      boost::asio::any_io_executor executor, BssConfig config,
      BssEnvironment env);
  ~BssApi();
  BssApi(const BssApi&) = delete;
  BssApi& operator=(const BssApi&) = delete;

  /// Sends `request` with the cached token. On a 401, gets a new token once
  /// and sends the request once more. A 2xx answer's JSON (null for an
  /// empty body) is the reply; anything else is an error.
  boost::asio::awaitable<ApiReply> Send(ApiRequest request);

  /// Requests sent to the token endpoint so far.
  uint64_t token_requests() const { return tokens_->requests(); }
  const BssConfig& config() const { return *config_; }

 private:
  BssApi(std::unique_ptr<BssConfig> config,
         std::unique_ptr<net::HttpClient> client, Clock now);
  net::HttpRequest ToHttp(const ApiRequest& request,
                          const std::string& token) const;
  ApiReply ToReply(const ApiRequest& request,
                   const net::HttpResponse& response) const;

  std::unique_ptr<BssConfig> config_;
  std::unique_ptr<net::HttpClient> client_;
  Clock now_;
  std::unique_ptr<TokenCache> tokens_;
};

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_BSS_API_H_
