// How the Partner Center connector reaches Microsoft: endpoints, the Entra
// ID application and its credentials, timeouts and locale. Filled from the
// configuration file and the environment, never from code
// (docs/connectors/partner-center.md).
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONFIG_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "net/http_client.h"

namespace bssflow::connectors::partner_center {

/// The connector's configuration; every field has a production default
/// except the credentials.
struct PartnerCenterConfig {
  /// Partner Center REST API, without a trailing slash; paths under /v1 are
  /// appended. Plain http:// is accepted for loopback hosts only (the
  /// simulator); the HTTP client refuses it elsewhere.
  std::string api_base_url = "https://api.partnercenter.microsoft.com";
  /// Microsoft Entra ID; the token endpoint is
  /// {login_base_url}/{partner_tenant}/oauth2/token.
  std::string login_base_url = "https://login.microsoftonline.com";
  /// The partner's own tenant (id or domain) the application signs in to;
  /// "common" works for the simulator.
  std::string partner_tenant = "common";
  /// The Entra ID application (client) id.
  std::string client_id;
  /// The application's secret. Never logged. Also the key of the initial
  /// passwords create_user derives (initial_password.h): rotating it
  /// changes the password a pending resend would set.
  std::string client_secret;
  /// App+User ("secure application model"): when set, tokens come from the
  /// refresh_token grant instead of client_credentials. Needed to create
  /// customers for indirect resellers and to create users. Never logged.
  std::optional<std::string> refresh_token;
  /// The resource (audience) asked for in token requests.
  std::string resource = "https://api.partnercenter.microsoft.com";
  /// Longest time one HTTP exchange may take (connect, send, read, and the
  /// client's own retries of unsent requests).
  std::chrono::milliseconds call_timeout{60'000};
  /// A cached access token is replaced this long before it expires, so that
  /// no call goes out with a token about to lapse.
  std::chrono::seconds token_refresh_margin{300};
  /// Sent as X-Locale on every call.
  std::string locale = "en-US";
  /// Page size of customer searches (1..500).
  int search_page_size = 100;
  /// Extra trusted CA certificates (PEM) for the HTTP client; empty: the
  /// system store only.
  std::string ca_file;
};

/// The side effects the connector uses besides the network, injectable for
/// tests. Empty members take the real thing.
struct PartnerCenterEnvironment {
  /// The wall clock, for token expiry and Retry-After dates.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Uniform 64-bit random numbers, for request and correlation ids.
  std::function<uint64_t()> random;
  /// Receives the HTTP client's log lines, secrets already redacted.
  std::function<void(const net::LogLine&)> log;
};

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONFIG_H_
