// The requests the bss connector sends, built from plain values: targets,
// JSON bodies and the token request of docs/connectors/bss.md. Pure
// functions, no I/O, so that every byte the BSS sees is unit-tested.
#ifndef BSSFLOW_CONNECTORS_BSS_REQUESTS_H_
#define BSSFLOW_CONNECTORS_BSS_REQUESTS_H_

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/bss/bss_config.h"

namespace bssflow::connectors::bss {

/// One call of the BSS API, before the token and the base URL are added.
struct ApiRequest {
  std::string method = "GET";
  /// The path and query, e.g. "/api/Accounts/2001?include=Reseller".
  std::string target;
  /// The JSON body, if any (sent as application/json).
  std::optional<nlohmann::ordered_json> body;
  /// Sent as the Idempotency-Key header when not empty.
  std::string idempotency_key;
  /// Names the call in error messages: "GET account 2001".
  std::string what;
};

/// The form body of the password grant:
/// "grant_type=password&username=...&password=..." (percent-encoded).
std::string TokenRequestForm(const BssConfig& config);

/// The Authorization header of the token request: "Basic " and the base64
/// of "client_key:client_secret".
std::string BasicAuthorization(std::string_view client_key,
                               std::string_view client_secret);

/// GET /api/Accounts/{id}, with ?include=Reseller when `include_reseller`.
ApiRequest GetAccountRequest(std::string_view account_id,
                             bool include_reseller);

/// GET /api/Accounts?customerCode=&parentAccountID= with the filters that
/// are not empty (none: every account, first page).
ApiRequest FindAccountsRequest(std::string_view customer_code,
                               std::string_view parent_account_id);

/// GET (or PUT with `options`) /api/Accounts/{id}/syncoptions/{system}.
/// `options` is the PUT body: [{"Code" or "ID", "Value"}].
ApiRequest SyncOptionsRequest(std::string_view account_id,
                              std::string_view system_code,
                              std::optional<nlohmann::ordered_json> options);

/// The sync option codes the BSS knows, in sort order (exact spelling).
/// ResellerMpnID exists only on systems with ResellerMpnIDAvailable.
inline constexpr std::array<std::string_view, 3> kSyncOptionCodes = {
    "Username", "DomainPrefix", "ResellerMpnID"};

/// PUT /api/ProvisioningSystems/{system}/syncoptiondefinitions (Get
/// Services Definitions; idempotent). Body {} without `codes` (every field
/// the system should have), else {"Codes": [...]} (exactly those fields).
ApiRequest EnsureDefinitionsRequest(
    std::string_view system_code,
    const std::optional<std::vector<std::string>>& codes);

/// GET /api/ProvisioningSystems/{system}.
ApiRequest GetSystemRequest(std::string_view system_code);

/// The BSS's Status name of a workflow status: "not_synchronized" ->
/// "NotSynchronized", "in_progress", "awaiting_confirmation",
/// "synchronized", "failed"; the PascalCase names are accepted as they are.
/// nullopt for anything else.
std::optional<std::string> SyncStatusName(std::string_view status);

/// PUT /api/Accounts/{id}/syncstatus/{system} with {"Status", "Message"}
/// and, when `customer_code` is not empty, "CustomerCode" (and
/// "AllowShared": true when `allow_shared`). `status` is the BSS name.
ApiRequest SetSyncStatusRequest(std::string_view account_id,
                                std::string_view system_code,
                                std::string_view status,
                                std::string_view message,
                                std::string_view customer_code,
                                bool allow_shared);

/// PUT /api/Accounts/{id}/customercode with {"CustomerCode"}, plus
/// "AllowShared": true only when `allow_shared` (the BSS's default is
/// false, and the member is left out rather than sent false).
ApiRequest SetCustomerCodeRequest(std::string_view account_id,
                                  std::string_view customer_code,
                                  bool allow_shared);

/// DELETE /api/Accounts/{id}/customercode (idempotent).
ApiRequest ClearCustomerCodeRequest(std::string_view account_id);

/// GET /api/NotificationTemplates/{id}.
ApiRequest GetTemplateRequest(std::string_view template_id);

/// A rendered notification.
struct Notification {
  std::string to;
  std::string cc;
  std::string subject;
  std::string body;
  /// The template it was rendered from; empty: null.
  std::string template_id;
  /// The account it concerns; nullopt: null.
  std::optional<int64_t> account_id;
};

/// POST /api/Notifications with {TemplateID, AccountID, To, Cc, Subject,
/// Body} and `idempotency_key` as the Idempotency-Key header, so that a
/// resend with the same key is answered, not sent again.
ApiRequest SendNotificationRequest(const Notification& notification,
                                   std::string idempotency_key);

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_REQUESTS_H_
