// How a PartnerCenterSimulator is set up: the partner's CSP mode, the
// credentials it accepts, token lifetime, seed and clock.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_OPTIONS_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace bssflow::simulators::partner_center {

/// The demo credentials (docs/simulators/partner-center.md).
inline constexpr std::string_view kDemoClientId =
    "0b5f1c0e-5ca1-4e55-9b1e-000000000001";
inline constexpr std::string_view kDemoClientSecret = "demo-client-secret";
inline constexpr std::string_view kDemoRefreshToken = "demo-refresh-token";
/// The audience of Partner Center tokens.
inline constexpr std::string_view kPartnerCenterResource =
    "https://api.partnercenter.microsoft.com";

/// Whether this partner is a direct CSP or an indirect provider.
enum class CspMode {
  /// Sells to customers itself: no indirect resellers, no
  /// associatedPartnerId.
  kDirect,
  /// Sells through indirect resellers: /v1/relationships lists them and
  /// creates may name one as associatedPartnerId.
  kIndirectProvider,
};

/// Setup of a simulator; every field has a working default.
struct PartnerCenterOptions {
  /// The partner's CSP mode.
  CspMode mode = CspMode::kIndirectProvider;
  /// The application the token endpoint accepts (client_credentials and
  /// refresh_token grants).
  std::string client_id = std::string(kDemoClientId);
  std::string client_secret = std::string(kDemoClientSecret);
  /// A refresh token the refresh_token grant accepts (App+User); the
  /// refresh tokens it hands out are accepted as well.
  std::string refresh_token = std::string(kDemoRefreshToken);
  /// Lifetime of access tokens; `expires_in` reports it ("3599").
  std::chrono::seconds token_lifetime{3599};
  /// Seed of every generated id (tenant ids, passwords, tokens): the same
  /// seed and the same requests give the same ids.
  std::uint64_t seed = 1;
  /// The clock for token expiry; system_clock::now when empty. Called with
  /// the simulator's mutex held: must not call back into the simulator.
  std::function<std::chrono::system_clock::time_point()> clock;
  /// Most calls kept for GET /_sim/calls; older ones are forgotten (call
  /// counts are not).
  std::size_t max_call_log = 50'000;
};

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_OPTIONS_H_
