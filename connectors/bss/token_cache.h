// BSS access tokens: the password grant at POST /oauth/token (client key and
// secret as HTTP Basic), the parsing of its answer, and a cache that
// refreshes before expiry with at most one token request in flight.
#ifndef BSSFLOW_CONNECTORS_BSS_TOKEN_CACHE_H_
#define BSSFLOW_CONNECTORS_BSS_TOKEN_CACHE_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connectors/bss/bss_config.h"
#include "engine/connector.h"
#include "net/http_client.h"

namespace bssflow::connectors::bss {

using Clock = std::function<std::chrono::system_clock::time_point()>;

/// An access token and its timing.
struct AccessToken {
  std::string value;
  /// When the BSS says it expires (received time + expires_in).
  std::chrono::system_clock::time_point expires_at;
  /// When the cache replaces it: `margin` before expiry, but never before
  /// half its lifetime (a token shorter-lived than the margin is still used).
  std::chrono::system_clock::time_point refresh_at;
};

/// Reads a token response received at `now`: `access_token` (non-empty
/// text) and `expires_in` (a non-negative number of seconds). An error
/// naming the member when either is missing or malformed; the token itself
/// never appears in a message. A life over a day counts as a day.
Result<AccessToken> ParseTokenResponse(std::string_view body,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds margin);

/// A token, or the error that prevented getting one.
struct TokenOutcome {
  std::string token;
  std::optional<engine::ActionError> error;
};

/// Caches the connector's access token. Get() may run many times at once on
/// one executor that does not run handlers concurrently (the connector's);
/// while a refresh is in flight, other callers wait for its outcome instead
/// of asking again (no stampede). Keeps references to `config` and
/// `client`, which must outlive it.
class TokenCache {
 public:
  TokenCache(const BssConfig& config, net::HttpClient& client, Clock now);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  /// A token not yet due for refresh. `rejected` is a token the API has
  /// just refused (401): the cached token is not reused if it is that one.
  boost::asio::awaitable<TokenOutcome> Get(std::string rejected = {});

  /// Requests sent to the token endpoint so far.
  uint64_t requests() const { return requests_; }

 private:
  struct Refresh;
  boost::asio::awaitable<TokenOutcome> Fetch();
  boost::asio::awaitable<TokenOutcome> RefreshShared();
  boost::asio::awaitable<TokenOutcome> AwaitRefresh(
      std::shared_ptr<Refresh> refresh);

  const BssConfig& config_;
  net::HttpClient& client_;
  Clock now_;
  std::optional<AccessToken> cached_;
  std::shared_ptr<Refresh> in_flight_;
  uint64_t requests_ = 0;
};

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_TOKEN_CACHE_H_
