#include "connectors/bss/requests.h"

#include <array>
#include <utility>

#include "dsl/json_value.h"
#include "net/url.h"

namespace bssflow::connectors::bss {
namespace {

std::string AccountPath(std::string_view account_id) {
  return "/api/Accounts/" + net::PercentEncode(account_id);
}

ApiRequest Request(std::string method, std::string target, std::string what) {
  ApiRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.what = std::move(what);
  return request;
}

}  // namespace

std::string TokenRequestForm(const BssConfig& config) {
  return net::FormEncode({{"grant_type", "password"},
                          {"username", config.username},
                          {"password", config.password}});
}

std::string BasicAuthorization(std::string_view client_key,
                               std::string_view client_secret) {
  std::string credentials(client_key);
  credentials += ':';
  credentials += client_secret;
  return "Basic " + dsl::Base64Encode(credentials);
}

ApiRequest GetAccountRequest(std::string_view account_id,
                             bool include_reseller) {
  std::string target = AccountPath(account_id);
  if (include_reseller) target += "?include=Reseller";
  return Request("GET", std::move(target),
                 "GET account " + std::string(account_id));
}

ApiRequest FindAccountsRequest(std::string_view customer_code,
                               std::string_view parent_account_id) {
  std::string query;
  if (!customer_code.empty())
    query += "customerCode=" + net::PercentEncode(customer_code);
  if (!parent_account_id.empty()) {
    if (!query.empty()) query += '&';
    query += "parentAccountID=" + net::PercentEncode(parent_account_id);
  }
  std::string target = "/api/Accounts";
  if (!query.empty()) target += "?" + query;
  return Request("GET", std::move(target), "find accounts");
}

ApiRequest SyncOptionsRequest(std::string_view account_id,
                              std::string_view system_code,
                              std::optional<nlohmann::ordered_json> options) {
  std::string target = AccountPath(account_id) + "/syncoptions/" +
                       net::PercentEncode(system_code);
  std::string what = "sync options of account " + std::string(account_id) +
                     " on " + std::string(system_code);
  bool write = options.has_value();
  ApiRequest request = Request(write ? "PUT" : "GET", std::move(target),
                               (write ? "PUT " : "GET ") + what);
  request.body = std::move(options);
  return request;
}

ApiRequest EnsureDefinitionsRequest(
    std::string_view system_code,
    const std::optional<std::vector<std::string>>& codes) {
  ApiRequest request = Request(
      "PUT",
      "/api/ProvisioningSystems/" + net::PercentEncode(system_code) +
          "/syncoptiondefinitions",
      "PUT sync option definitions of " + std::string(system_code));
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  if (codes.has_value()) body["Codes"] = *codes;
  request.body = std::move(body);
  return request;
}

ApiRequest GetSystemRequest(std::string_view system_code) {
  return Request("GET",
                 "/api/ProvisioningSystems/" + net::PercentEncode(system_code),
                 "GET provisioning system " + std::string(system_code));
}

std::optional<std::string> SyncStatusName(std::string_view status) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5>
      kNames = {{{"not_synchronized", "NotSynchronized"},
                 {"in_progress", "InProgress"},
                 {"awaiting_confirmation", "AwaitingConfirmation"},
                 {"synchronized", "Synchronized"},
                 {"failed", "Failed"}}};
  for (const auto& [snake, pascal] : kNames) {
    if (status == snake || status == pascal) return std::string(pascal);
  }
  return std::nullopt;
}

ApiRequest SetSyncStatusRequest(std::string_view account_id,
                                std::string_view system_code,
                                std::string_view status,
                                std::string_view message,
                                std::string_view customer_code,
                                bool allow_shared) {
  ApiRequest request = Request(
      "PUT",
      AccountPath(account_id) + "/syncstatus/" + net::PercentEncode(system_code),
      "PUT sync status of account " + std::string(account_id) + " on " +
          std::string(system_code));
  nlohmann::ordered_json body = {{"Status", status}, {"Message", message}};
  if (!customer_code.empty()) {
    body["CustomerCode"] = customer_code;
    if (allow_shared) body["AllowShared"] = true;
  }
  request.body = std::move(body);
  return request;
}

ApiRequest SetCustomerCodeRequest(std::string_view account_id,
                                  std::string_view customer_code,
                                  bool allow_shared) {
  ApiRequest request =
      Request("PUT", AccountPath(account_id) + "/customercode",
              "PUT customer code of account " + std::string(account_id));
  nlohmann::ordered_json body = {{"CustomerCode", customer_code}};
  if (allow_shared) body["AllowShared"] = true;
  request.body = std::move(body);
  return request;
}

ApiRequest ClearCustomerCodeRequest(std::string_view account_id) {
  return Request("DELETE", AccountPath(account_id) + "/customercode",
                 "DELETE customer code of account " + std::string(account_id));
}

ApiRequest GetTemplateRequest(std::string_view template_id) {
  return Request("GET",
                 "/api/NotificationTemplates/" + net::PercentEncode(template_id),
                 "GET notification template " + std::string(template_id));
}

ApiRequest SendNotificationRequest(const Notification& notification,
                                   std::string idempotency_key) {
  ApiRequest request =
      Request("POST", "/api/Notifications", "POST notification");
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["TemplateID"] = notification.template_id.empty()
                           ? nlohmann::ordered_json(nullptr)
                           : nlohmann::ordered_json(notification.template_id);
  body["AccountID"] = notification.account_id.has_value()
                          ? nlohmann::ordered_json(*notification.account_id)
                          : nlohmann::ordered_json(nullptr);
  body["To"] = notification.to;
  body["Cc"] = notification.cc;
  body["Subject"] = notification.subject;
  body["Body"] = notification.body;
  request.body = std::move(body);
  request.idempotency_key = std::move(idempotency_key);
  return request;
}

}  // namespace bssflow::connectors::bss
