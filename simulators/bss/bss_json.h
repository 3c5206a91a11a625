// The wire representations of the BSS contract (docs/connectors/bss.md):
// PascalCase JSON members in a fixed order, identifiers spelled "ID"
// ("ParentAccountID"), timestamps as ISO 8601 UTC ("2024-05-01T12:00:00Z").
// Pure functions of their arguments.
#ifndef BSSFLOW_SIMULATORS_BSS_BSS_JSON_H_
#define BSSFLOW_SIMULATORS_BSS_BSS_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "simulators/bss/bss_state.h"

namespace bssflow::simulators::bss {

/// Members keep the order they are written in, so bodies read like the docs.
using Json = nlohmann::ordered_json;

/// "2024-05-01T12:00:00Z" (seconds precision, UTC).
std::string FormatTime(TimePoint time);

/// {AddressLine1, AddressLine2, City, State, PostalCode, Country}.
Json AddressToJson(const Address& address);

/// An Account resource; BillingAddress, ParentAccountID, CustomerCode and
/// MpnID are null when absent.
Json AccountToJson(const Account& account);

/// {Code, Name, OrganizationType, ResellerMpnIDAvailable}.
Json SystemToJson(const ProvisioningSystem& system);

/// A sync option custom field: the known Definition members (ID, SortOrder,
/// Name, Description, Kind, DataType, IsRequired, PredefinedValues,
/// IsReadOnly) then Code, SystemCode, Entity, Folder, Permissionless,
/// DefaultValue.
Json DefinitionToJson(const SyncOptionDefinition& definition);

/// {ID, Value, Definition}: one account's value of one sync option; Value is
/// null when never set.
Json SyncOptionToJson(const SyncOptionDefinition& definition,
                      const std::optional<std::string>& value);

/// {AccountID, SystemCode, Status, Message, CustomerCode, UpdatedAt}.
Json SyncStatusToJson(const Account& account, const std::string& system_code,
                      const SyncStatus& status);

/// {ID, Name, To, Cc, Subject, Body}.
Json TemplateToJson(const NotificationTemplate& notification_template);

/// {ID, Status: "Sent", IdempotencyKey, TemplateID, AccountID, To, Cc,
/// Subject, Body, SentAt}.
Json NotificationToJson(const SentNotification& notification);

/// Everything, for GET /_sim/state. Tokens are listed with their values.
Json StateToJson(const BssState& state, TimePoint now);

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_BSS_JSON_H_
