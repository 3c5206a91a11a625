// The data a simulated interworks.cloud BSS holds: accounts, provisioning
// systems (Partner Center instances) and the sync option custom fields of
// each, sync option values, provisioning sync statuses, notification
// templates, the log of dispatched notifications and the OAuth2 tokens it has
// issued. Plain values with no locking: BssSimulator owns one BssState and
// guards it with its mutex. The REST contract that exposes this state is
// docs/connectors/bss.md.
#ifndef BSSFLOW_SIMULATORS_BSS_BSS_STATE_H_
#define BSSFLOW_SIMULATORS_BSS_BSS_STATE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bssflow::simulators::bss {

using TimePoint = std::chrono::system_clock::time_point;

/// The folder ("group") every sync option custom field is created in.
inline constexpr std::string_view kSyncOptionFolder =
    "Microsoft Cloud Services";

/// A billing address, as the account details page holds it. The BSS stores
/// what it was given and validates nothing: checking postal codes is the
/// provisioning workflow's job.
struct Address {
  std::string address_line1;
  std::string address_line2;
  std::string city;
  /// State or province code ("WA"); may be empty.
  std::string state;
  std::string postal_code;
  /// ISO 3166-1 alpha-2 ("US").
  std::string country;
};

/// A BSS account: a customer, or a reseller with sub-customers.
struct Account {
  std::int64_t id = 0;
  /// The company name.
  std::string name;
  /// The reseller this account is a sub-customer of; nullopt for a direct
  /// customer of the BSS owner.
  std::optional<std::int64_t> parent_account_id;
  /// Whether this account is a reseller (has, or may have, sub-customers).
  bool is_reseller = false;
  /// A reseller's Microsoft Partner Network ID; empty for customers and for
  /// resellers that are not Microsoft indirect resellers.
  std::string mpn_id;
  std::string phone;
  /// The corporate email (the {#Accounts.Email#} merge field).
  std::string email;
  /// nullopt when the account has no billing address of its own (allowed for
  /// a reseller's sub-customer: provisioning then uses the reseller's).
  std::optional<Address> billing_address;
  /// The Microsoft tenant id the account is linked to; empty when unlinked.
  std::string customer_code;
  std::string contact_first_name;
  std::string contact_last_name;
};

/// Which kind of CSP organisation a Partner Center instance belongs to. It
/// decides whether the "Reseller (MPN ID)" sync option exists: only indirect
/// CSP organisations and their country tenants sell through indirect
/// resellers; direct CSP organisations and tenant resellers do not.
enum class OrganizationType {
  kIndirectProvider,
  kIndirectCountryTenant,
  kDirectProvider,
  kTenantReseller,
};

/// "IndirectProvider", "IndirectCountryTenant", "DirectProvider",
/// "TenantReseller": the contract's spelling.
std::string_view OrganizationTypeName(OrganizationType type);

/// Whether a system of this type offers the "Reseller (MPN ID)" option.
bool HasResellerMpnID(OrganizationType type);

/// A provisioning system: one Partner Center instance, named by its system
/// code ("MSCSP") in URLs.
struct ProvisioningSystem {
  std::string code;
  std::string name;
  OrganizationType organization_type = OrganizationType::kDirectProvider;
};

/// A sync option custom field on the account entity, created for one
/// provisioning system. Always text, permissionless, in kSyncOptionFolder.
struct SyncOptionDefinition {
  /// Custom field id, unique across systems.
  std::int64_t id = 0;
  std::string system_code;
  /// Stable key: "Username", "DomainPrefix" or "ResellerMpnID".
  std::string code;
  std::string name;
  std::string description;
  int sort_order = 0;
  bool is_required = false;
  bool is_read_only = false;
  std::vector<std::string> predefined_values;
  std::string default_value;
  TimePoint created_at;
};

/// One account's provisioning sync status with one system.
struct SyncStatus {
  /// "NotSynchronized", "InProgress", "AwaitingConfirmation",
  /// "Synchronized" or "Failed".
  std::string status = "NotSynchronized";
  std::string message;
  /// Unset until the status is first written.
  std::optional<TimePoint> updated_at;
};

/// Whether `status` is one of the five SyncStatus::status values.
bool IsSyncStatusName(std::string_view status);

/// A notification template. To, Cc, Subject and Body hold merge fields
/// ({#Accounts.Email#}) that the sender renders before dispatch.
struct NotificationTemplate {
  /// Stable key used in URLs and by workflows ("welcome-office365").
  std::string id;
  /// Display name ("Welcome Office 365 customer").
  std::string name;
  std::string to;
  std::string cc;
  std::string subject;
  std::string body;
};

/// A notification the BSS accepted for delivery (the sink: bodies hold the
/// credentials they carry, unredacted).
struct SentNotification {
  std::int64_t id = 0;
  std::string idempotency_key;
  /// The canonical request body, to tell a resend from a key reused for a
  /// different notification.
  std::string fingerprint;
  std::string template_id;
  std::optional<std::int64_t> account_id;
  std::string to;
  std::string cc;
  std::string subject;
  std::string body;
  TimePoint sent_at;
};

/// An access token issued by POST /oauth/token.
struct Token {
  std::string value;
  std::string username;
  TimePoint expires_at;
};

/// Who may obtain tokens: the API client (HTTP Basic on /oauth/token) and
/// the BSS users (the password grant's username and password).
struct Credentials {
  std::string client_key;
  std::string client_secret;
  std::map<std::string, std::string> user_passwords;
  std::chrono::seconds token_lifetime{3600};
};

/// Everything the simulated BSS knows.
struct BssState {
  Credentials credentials;
  std::map<std::int64_t, Account> accounts;
  std::map<std::string, ProvisioningSystem> systems;
  /// All systems' sync option fields, in creation order.
  std::vector<SyncOptionDefinition> definitions;
  /// Sync option values by (account id, definition id).
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> option_values;
  /// Sync statuses by (account id, system code); absent means
  /// "NotSynchronized" with no message.
  std::map<std::pair<std::int64_t, std::string>, SyncStatus> sync_statuses;
  std::map<std::string, NotificationTemplate> templates;
  /// In dispatch order.
  std::vector<SentNotification> notifications;
  std::map<std::string, Token> tokens;
  std::int64_t next_definition_id = 101;
  std::int64_t next_notification_id = 1;
};

/// The sync option fields of `system_code`, by sort order.
std::vector<const SyncOptionDefinition*> DefinitionsOf(
    const BssState& state, std::string_view system_code);

/// The sync option codes Get Services Definitions knows, in sort order:
/// "Username", "DomainPrefix", "ResellerMpnID" (compared exactly).
std::vector<std::string_view> KnownSyncOptionCodes();

/// Whether `system` can have the sync option field `code`: a known code,
/// and ResellerMpnID only when HasResellerMpnID(system.organization_type).
bool CanHaveSyncOption(const ProvisioningSystem& system, std::string_view code);

/// "Get Services Definitions": creates the sync option fields `system`
/// should have and does not (Username, DomainPrefix and, for indirect
/// organisations, ResellerMpnID). Idempotent: returns the codes created,
/// empty when all existed. Existing fields are never changed.
std::vector<std::string> EnsureSyncOptionDefinitions(
    BssState& state, const ProvisioningSystem& system, TimePoint now);

/// The same, for the fields named by `codes` only: creates those of them
/// that `system` does not have yet, in sort order (whatever the order of
/// `codes`), and returns their codes. Codes the system cannot have
/// (CanHaveSyncOption) are skipped: callers refuse them first.
std::vector<std::string> EnsureSyncOptionDefinitions(
    BssState& state, const ProvisioningSystem& system,
    const std::vector<std::string>& codes, TimePoint now);

/// Sets the value of the option `code` of `system_code` for `account_id`;
/// false when that system has no such field.
bool SetSyncOptionValue(BssState& state, std::int64_t account_id,
                        std::string_view system_code, std::string_view code,
                        std::string value);

/// The ids of the accounts whose customer code is `customer_code` (compared
/// ignoring case, as tenant GUIDs are), ascending; none for "".
std::vector<std::int64_t> AccountsWithCustomerCode(
    const BssState& state, std::string_view customer_code);

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_BSS_STATE_H_
