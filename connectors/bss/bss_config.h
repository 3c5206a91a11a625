// How the bss connector reaches a BSS (docs/connectors/bss.md, section
// "Connector"): the API's address, the API client and user credentials of
// the OAuth2 password grant, the default provisioning system, and timeouts.
// Filled from the configuration file and the environment, never from code.
#ifndef BSSFLOW_CONNECTORS_BSS_BSS_CONFIG_H_
#define BSSFLOW_CONNECTORS_BSS_BSS_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "net/http_client.h"

namespace bssflow::connectors::bss {

/// The connector's configuration; every field has a default except the
/// address and the credentials.
struct BssConfig {
  /// The BSS, without a trailing slash: "/oauth/token" and "/api/..." are
  /// appended. Plain http:// is accepted for loopback hosts only (the
  /// simulator); the HTTP client refuses it elsewhere.
  std::string base_url;
  /// The API client's key, sent as the HTTP Basic user on /oauth/token.
  std::string client_key;
  /// The API client's secret, the HTTP Basic password. Never logged.
  std::string client_secret;
  /// The BSS user the connector acts as (password grant `username`).
  std::string username;
  /// That user's password. Never logged.
  std::string password;
  /// The provisioning system (Partner Center instance) sync actions use
  /// when the call names none (`system_code` argument).
  std::string system_code = "MSCSP";
  /// Longest time one HTTP exchange may take (connect, send, read, and the
  /// client's own retry of a request that was never sent).
  std::chrono::milliseconds call_timeout{30'000};
  /// A cached access token is replaced this long before it expires (but
  /// never before half its lifetime), so that no call goes out with a token
  /// about to lapse.
  std::chrono::seconds token_refresh_margin{60};
  /// Extra trusted CA certificates (PEM) for the HTTP client; empty: the
  /// system store only.
  std::string ca_file;
};

/// The side effects the connector uses besides the network, injectable for
/// tests. Empty members take the real thing.
struct BssEnvironment {
  /// The wall clock, for token expiry and Retry-After dates.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Uniform 64-bit random numbers, for correlation ids and jitter.
  std::function<uint64_t()> random;
  /// Receives the HTTP client's log lines, secrets already redacted.
  std::function<void(const net::LogLine&)> log;
};

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_BSS_CONFIG_H_
