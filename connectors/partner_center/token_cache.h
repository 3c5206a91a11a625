// Entra ID access tokens for Partner Center: the token request (client
// credentials, or a refresh token for App+User), the parsing of the answer
// (expires_in comes as a string), and a cache that refreshes before expiry
// with at most one request to the token endpoint in flight.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_TOKEN_CACHE_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_TOKEN_CACHE_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connectors/partner_center/partner_center_config.h"
#include "engine/connector.h"
#include "net/http_client.h"

namespace bssflow::connectors::partner_center {

using Clock = std::function<std::chrono::system_clock::time_point()>;

/// An access token and its timing.
struct AccessToken {
  std::string value;
  /// When Entra ID says it expires.
  std::chrono::system_clock::time_point expires_at;
  /// When the cache replaces it: `margin` before expiry, but never before
  /// half its lifetime (a token shorter-lived than the margin is still
  /// used).
  std::chrono::system_clock::time_point refresh_at;
};

/// Reads a token response received at `now`: access_token, and expires_in
/// in seconds as a string ("3599", as Entra ID v1 sends it) or a number.
/// A life over a day counts as a day. An error naming the member when
/// either is missing or malformed.
Result<AccessToken> ParseTokenResponse(std::string_view body,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds margin);

/// The form body of the token request: the refresh_token grant when
/// `config.refresh_token` is set, else client_credentials; with client_id,
/// client_secret (when set) and resource.
std::string TokenRequestForm(const PartnerCenterConfig& config);

/// A token or the error that prevented getting one.
struct TokenOutcome {
  std::string token;
  std::optional<engine::ActionError> error;
};

/// Caches the connector's access token. Get() may run many times at once on
/// one executor that does not run handlers concurrently (the connector's);
/// while a refresh is in flight, other callers wait for its outcome instead
/// of asking again. Keeps references to `config` and `client`, which must
/// outlive it.
class TokenCache {
 public:
  TokenCache(const PartnerCenterConfig& config, net::HttpClient& client,
             Clock now);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  /// A token not yet due for refresh. `rejected` is a token the API has
  /// just refused (401): the cached token is not reused if it is that one.
  boost::asio::awaitable<TokenOutcome> Get(std::string_view rejected = {});

  /// Requests sent to the token endpoint so far.
  uint64_t requests() const { return requests_; }

 private:
  struct Refresh;
  boost::asio::awaitable<TokenOutcome> Fetch();
  boost::asio::awaitable<TokenOutcome> RefreshShared();

  const PartnerCenterConfig& config_;
  net::HttpClient& client_;
  Clock now_;
  std::optional<AccessToken> cached_;
  std::shared_ptr<Refresh> in_flight_;
  uint64_t requests_ = 0;
};

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_TOKEN_CACHE_H_
