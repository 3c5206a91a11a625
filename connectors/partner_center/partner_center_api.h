// The Partner Center REST API on the wire: every call gets its bearer
// token and the MS-* headers, a 401 refreshes the token once and sends the
// call once more, and replies come back as JSON or as an ActionError.
// Knows nothing of actions or arguments (partner_center_connector.h does).
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_API_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_API_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "connectors/partner_center/partner_center_config.h"
#include "connectors/partner_center/token_cache.h"
#include "engine/connector.h"
#include "net/http_client.h"

namespace bssflow::connectors::partner_center {

/// One logical call to the API.
struct ApiRequest {
  std::string method = "GET";
  /// Path and query under the API base URL: "/v1/customers/{id}".
  std::string target;
  /// Sent as application/json when set.
  std::optional<nlohmann::json> body;
  /// MS-RequestId: the idempotency key of a write. Empty: a fresh GUID,
  /// kept for the resend after a 401.
  std::string request_id;
  /// Further headers, e.g. MS-ContinuationToken.
  std::vector<std::pair<std::string, std::string>> headers;
  /// For messages: what the call does ("get customer c000...").
  std::string what;
};

/// The JSON of a successful reply, or why there is none.
struct ApiReply {
  /// 2xx: the parsed body (null when empty); otherwise unset.
  nlohmann::json json;
  /// The HTTP status, 0 when no response was had.
  unsigned status = 0;
  std::optional<engine::ActionError> error;
};

/// The HTTP client options the connector uses: no retries of its own except
/// of unsent requests (the runner retries per workflow policy, with the
/// same MS-RequestId), the call timeout, MS-CorrelationId as the client's
/// per-call correlation header, and the secrets redacted from logs:
/// client_secret, refresh_token, access_token, password (at any depth,
/// so passwordProfile.password and userCredentials.password) and the
/// Authorization header.
net::ClientOptions ApiClientOptions(const PartnerCenterConfig& config,
                                    const PartnerCenterEnvironment& env);

/// Sends API calls. Send() may run many times at once on the executor given
/// to Create() (which must not run handlers concurrently: an io_context run
/// by one thread, or a strand). Destroy it before that executor's context.
/// How many new tokens a call asks for in a row when the service refuses
/// the token it was sent with (HTTP 401) before the 401 is its answer
/// (error kind "auth").
inline constexpr int kTokenRenewals = 3;

class PartnerCenterApi {
 public:
  /// An API for `config`; an error when the HTTP client cannot be made
  /// (an unreadable ca_file).
  static Result<std::unique_ptr<PartnerCenterApi>> Create(
      boost::asio::any_io_executor executor, PartnerCenterConfig config,
      PartnerCenterEnvironment env);
  ~PartnerCenterApi();
  PartnerCenterApi(const PartnerCenterApi&) = delete;
  PartnerCenterApi& operator=(const PartnerCenterApi&) = delete;

  /// Sends `request`. Any non-2xx status becomes an ActionError
  /// (error_mapping.h), except those in `accepted`, which come back with
  /// their status and a null json for the caller to interpret (HEAD's 404).
  boost::asio::awaitable<ApiReply> Send(ApiRequest request,
                                        std::vector<unsigned> accepted = {});

  /// A random GUID (version 4), from the environment's random source.
  std::string NewGuid();
  /// The environment's clock.
  std::chrono::system_clock::time_point Now() const { return now_(); }
  /// Requests sent to the token endpoint so far.
  uint64_t token_requests() const { return tokens_->requests(); }

 private:
  PartnerCenterApi(PartnerCenterConfig config, PartnerCenterEnvironment env,
                   std::unique_ptr<net::HttpClient> client);
  boost::asio::awaitable<Result<net::HttpResponse>> SendOnce(
      const ApiRequest& request, const std::string& token);
  ApiReply Interpret(const ApiRequest& request,
                     const Result<net::HttpResponse>& sent,
                     const std::vector<unsigned>& accepted) const;

  const PartnerCenterConfig config_;
  Clock now_;
  std::function<uint64_t()> random_;
  std::unique_ptr<net::HttpClient> client_;
  std::unique_ptr<TokenCache> tokens_;
};

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_API_H_
