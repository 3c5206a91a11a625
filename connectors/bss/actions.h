// The bss connector's actions as pure functions: the manifest (names,
// arguments, secret result fields) and, for each call, the one API request
// it makes, built from the arguments, the call context and the
// configuration. The connector sends it; nothing here does I/O.
#ifndef BSSFLOW_CONNECTORS_BSS_ACTIONS_H_
#define BSSFLOW_CONNECTORS_BSS_ACTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "connectors/bss/bss_config.h"
#include "connectors/bss/requests.h"
#include "dsl/value.h"
#include "engine/actions.h"
#include "engine/connector.h"

namespace bssflow::connectors::bss {

/// The actions of the connector ("bss.get_account", ...), with their
/// arguments and secret result fields, for the ActionCatalog.
std::vector<engine::ActionSpec> Manifest();

/// The request of one call, or why there is none: an "invalid" error for
/// bad arguments, "fatal" (code "unknown_action") for an action the
/// connector does not have. Exactly one of the two is set.
struct PreparedCall {
  std::optional<ApiRequest> request;
  std::optional<engine::ActionError> error;
};

/// Builds the request of `action` (the full name) from `arguments` (a map),
/// `ctx` (send_notification's Idempotency-Key) and `config` (the default
/// system code).
PreparedCall PrepareCall(const std::string& action,
                         const dsl::Value& arguments,
                         const engine::CallContext& ctx,
                         const BssConfig& config);

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_ACTIONS_H_
