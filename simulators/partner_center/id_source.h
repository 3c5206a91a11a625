// Deterministic identifiers for simulated resources: GUIDs (tenant ids,
// commerce ids, user ids), admin passwords and opaque tokens, all drawn
// from a seeded generator, so that a run against a fresh simulator with the
// same seed creates the same ids. Not thread-safe: the simulator calls it
// under its own mutex.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_ID_SOURCE_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_ID_SOURCE_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace bssflow::simulators::partner_center {

/// A seeded source of identifiers.
class IdSource {
 public:
  explicit IdSource(std::uint64_t seed) : engine_(seed) {}

  /// A version-4 style GUID in lower case, "8c2f...-....-4...-[89ab]...".
  std::string NewGuid();

  /// An admin password as Partner Center issues them: an upper-case letter,
  /// three lower-case letters and five digits ("Kqxw48213").
  std::string NewPassword();

  /// `prefix` followed by 32 hex digits: access tokens, refresh tokens,
  /// continuation tokens.
  std::string NewToken(std::string_view prefix);

 private:
  std::mt19937_64 engine_;
};

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_ID_SOURCE_H_
