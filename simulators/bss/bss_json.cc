#include "simulators/bss/bss_json.h"

#include <ctime>

namespace bssflow::simulators::bss {
namespace {

Json NullIfEmpty(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json OptionValuesJson(const BssState& state) {
  Json values = Json::array();
  for (const auto& [key, value] : state.option_values) {
    for (const SyncOptionDefinition& definition : state.definitions) {
      if (definition.id != key.second) continue;
      values.push_back({{"AccountID", key.first},
                        {"SystemCode", definition.system_code},
                        {"Code", definition.code},
                        {"Value", value}});
    }
  }
  return values;
}

Json StatusesJson(const BssState& state) {
  Json statuses = Json::array();
  for (const auto& [key, status] : state.sync_statuses) {
    auto account = state.accounts.find(key.first);
    if (account == state.accounts.end()) continue;
    statuses.push_back(SyncStatusToJson(account->second, key.second, status));
  }
  return statuses;
}

Json TokensJson(const BssState& state, TimePoint now) {
  Json tokens = Json::array();
  for (const auto& [value, token] : state.tokens) {
    tokens.push_back({{"Token", value},
                      {"Username", token.username},
                      {"ExpiresAt", FormatTime(token.expires_at)},
                      {"Expired", token.expires_at <= now}});
  }
  return tokens;
}

}  // namespace

std::string FormatTime(TimePoint time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Json AddressToJson(const Address& address) {
  return {{"AddressLine1", address.address_line1},
          {"AddressLine2", address.address_line2},
          {"City", address.city},
          {"State", address.state},
          {"PostalCode", address.postal_code},
          {"Country", address.country}};
}

Json AccountToJson(const Account& account) {
  Json json = {
      {"ID", account.id},
      {"Name", account.name},
      {"ParentAccountID", account.parent_account_id
                              ? Json(*account.parent_account_id)
                              : Json(nullptr)},
      {"IsReseller", account.is_reseller},
      {"MpnID", NullIfEmpty(account.mpn_id)},
      {"Phone", account.phone},
      {"Email", account.email},
      {"CustomerCode", NullIfEmpty(account.customer_code)},
      {"PrimaryContact",
       {{"FirstName", account.contact_first_name},
        {"LastName", account.contact_last_name}}},
  };
  json["BillingAddress"] = account.billing_address
                               ? AddressToJson(*account.billing_address)
                               : Json(nullptr);
  return json;
}

Json SystemToJson(const ProvisioningSystem& system) {
  return {
      {"Code", system.code},
      {"Name", system.name},
      {"OrganizationType",
       std::string(OrganizationTypeName(system.organization_type))},
      {"ResellerMpnIDAvailable", HasResellerMpnID(system.organization_type)}};
}

Json DefinitionToJson(const SyncOptionDefinition& definition) {
  return {{"ID", definition.id},
          {"SortOrder", definition.sort_order},
          {"Name", definition.name},
          {"Description", definition.description},
          {"Kind", "SimpleValue"},
          {"DataType", "Text"},
          {"IsRequired", definition.is_required},
          {"PredefinedValues", definition.predefined_values},
          {"IsReadOnly", definition.is_read_only},
          {"Code", definition.code},
          {"SystemCode", definition.system_code},
          {"Entity", "Accounts"},
          {"Folder", std::string(kSyncOptionFolder)},
          {"Permissionless", true},
          {"DefaultValue", NullIfEmpty(definition.default_value)}};
}

Json SyncOptionToJson(const SyncOptionDefinition& definition,
                      const std::optional<std::string>& value) {
  return {{"ID", definition.id},
          {"Value", value ? Json(*value) : Json(nullptr)},
          {"Definition", DefinitionToJson(definition)}};
}

Json SyncStatusToJson(const Account& account, const std::string& system_code,
                      const SyncStatus& status) {
  return {{"AccountID", account.id},
          {"SystemCode", system_code},
          {"Status", status.status},
          {"Message", status.message},
          {"CustomerCode", NullIfEmpty(account.customer_code)},
          {"UpdatedAt", status.updated_at ? Json(FormatTime(*status.updated_at))
                                          : Json(nullptr)}};
}

Json TemplateToJson(const NotificationTemplate& notification_template) {
  return {{"ID", notification_template.id},
          {"Name", notification_template.name},
          {"To", notification_template.to},
          {"Cc", notification_template.cc},
          {"Subject", notification_template.subject},
          {"Body", notification_template.body}};
}

Json NotificationToJson(const SentNotification& notification) {
  return {{"ID", notification.id},
          {"Status", "Sent"},
          {"IdempotencyKey", notification.idempotency_key},
          {"TemplateID", NullIfEmpty(notification.template_id)},
          {"AccountID", notification.account_id ? Json(*notification.account_id)
                                                : Json(nullptr)},
          {"To", notification.to},
          {"Cc", notification.cc},
          {"Subject", notification.subject},
          {"Body", notification.body},
          {"SentAt", FormatTime(notification.sent_at)}};
}

Json StateToJson(const BssState& state, TimePoint now) {
  Json json = Json::object();
  json["Accounts"] = Json::array();
  for (const auto& [id, account] : state.accounts) {
    json["Accounts"].push_back(AccountToJson(account));
  }
  json["ProvisioningSystems"] = Json::array();
  for (const auto& [code, system] : state.systems) {
    json["ProvisioningSystems"].push_back(SystemToJson(system));
  }
  json["SyncOptionDefinitions"] = Json::array();
  for (const SyncOptionDefinition& definition : state.definitions) {
    json["SyncOptionDefinitions"].push_back(DefinitionToJson(definition));
  }
  json["SyncOptionValues"] = OptionValuesJson(state);
  json["SyncStatuses"] = StatusesJson(state);
  json["NotificationTemplates"] = Json::array();
  for (const auto& [id, notification_template] : state.templates) {
    json["NotificationTemplates"].push_back(
        TemplateToJson(notification_template));
  }
  json["Notifications"] = Json::array();
  for (const SentNotification& notification : state.notifications) {
    json["Notifications"].push_back(NotificationToJson(notification));
  }
  json["Tokens"] = TokensJson(state, now);
  return json;
}

}  // namespace bssflow::simulators::bss
