// The initial password of a user created without one. A workflow must not
// make one up itself: it would sit in clear in the run's journal as a call
// argument. The connector derives it from the call's idempotency key and
// its own client_secret instead, so that a resend of the same call (same
// key, same MS-RequestId, e.g. after a crash) sets the same password, the
// password the result reports is the one the user really has, and nobody
// who reads the journal (where the key is in clear) can compute it.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_INITIAL_PASSWORD_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_INITIAL_PASSWORD_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace bssflow::connectors::partner_center {

/// The length of a derived password.
inline constexpr std::size_t kInitialPasswordLength = 16;

/// The password create_user sets for `idempotency_key`: HMAC-SHA256 keyed
/// with `client_secret` over "create_user:" + `idempotency_key`, read as a
/// 256-bit number and written as 16 characters from "A-Z a-z 2-9
/// !@#$%*-_+=?" less the look-alikes I, O and l: one upper-case letter, one
/// lower-case letter, one digit and one symbol, 12 from the whole set, in
/// an order drawn from the same number. So every password meets Microsoft's
/// complexity rule and holds no quote, backslash, space or character hard
/// to read. A pure function: the same key and secret always give the same
/// password. An error when `client_secret` is empty (the password would
/// follow from the key alone) or when OpenSSL's HMAC fails (out of memory).
/// Thread-safe.
Result<std::string> DeriveInitialPassword(std::string_view client_secret,
                                          std::string_view idempotency_key);

/// `user`, create_user's answer, with passwordProfile.password set to
/// `password`, whether the service echoed none, the same or another; other
/// members of passwordProfile stay. A null answer (empty body) becomes
/// {"passwordProfile": {"password": ...}}; an answer that is not an object
/// is returned as it is.
nlohmann::json WithInitialPassword(nlohmann::json user,
                                   const std::string& password);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_INITIAL_PASSWORD_H_
