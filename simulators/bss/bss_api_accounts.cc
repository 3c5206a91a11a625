// Accounts: search, read (with the parent reseller), and the customer code
// that links an account to a Microsoft tenant.
#include <charconv>
#include <limits>
#include <utility>

#include "simulators/bss/bss_api.h"

namespace bssflow::simulators::bss {
namespace {

constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

// The query parameter `name` as an integer in [min, max]: nullopt when
// absent, std::nullopt in `valid` when present but malformed.
std::optional<std::int64_t> QueryInteger(const ApiCall& call,
                                         const std::string& name,
                                         std::int64_t min, std::int64_t max,
                                         bool& valid) {
  auto it = call.target.query.find(name);
  if (it == call.target.query.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    valid = false;
    return std::nullopt;
  }
  return value;
}

bool Matches(const Account& account, const std::string* customer_code,
             std::optional<std::int64_t> parent) {
  if (customer_code &&
      !EqualsIgnoringCase(account.customer_code, *customer_code)) {
    return false;
  }
  return !parent || account.parent_account_id == parent;
}

}  // namespace

HttpResponse BssApi::ListAccounts(const ApiCall& call) {
  bool valid = true;
  std::optional<std::int64_t> parent =
      QueryInteger(call, "parentaccountid", 1, kNoLimit, valid);
  std::int64_t skip =
      QueryInteger(call, "skip", 0, kNoLimit, valid).value_or(0);
  std::int64_t take = QueryInteger(call, "take", 1, 500, valid).value_or(100);
  if (!valid) {
    return InvalidRequest(call,
                          "parentAccountID must be a positive integer, skip "
                          "an integer >= 0 and take an integer from 1 to 500.");
  }
  auto code = call.target.query.find("customercode");
  const std::string* customer_code =
      code == call.target.query.end() ? nullptr : &code->second;
  Json items = Json::array();
  std::int64_t total = 0;
  for (const auto& [id, account] : state_.accounts) {
    if (!Matches(account, customer_code, parent)) continue;
    if (total >= skip && total < skip + take) {
      items.push_back(AccountToJson(account));
    }
    ++total;
  }
  return JsonResponse(call.request, 200,
                      {{"TotalCount", total}, {"Items", std::move(items)}});
}

HttpResponse BssApi::GetAccount(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  Json json = AccountToJson(*account);
  auto include = call.target.query.find("include");
  if (include == call.target.query.end()) {
    return JsonResponse(call.request, 200, json);
  }
  if (!EqualsIgnoringCase(include->second, "Reseller")) {
    return InvalidRequest(call, "include accepts only \"Reseller\", not \"" +
                                    include->second + "\".");
  }
  json["Reseller"] = nullptr;
  if (account->parent_account_id) {
    auto parent = state_.accounts.find(*account->parent_account_id);
    if (parent != state_.accounts.end()) {
      json["Reseller"] = AccountToJson(parent->second);
    }
  }
  return JsonResponse(call.request, 200, json);
}

std::optional<HttpResponse> BssApi::LinkCustomerCode(const ApiCall& call,
                                                     Account& account,
                                                     const std::string& code,
                                                     bool allow_shared) {
  if (EqualsIgnoringCase(account.customer_code, code)) return std::nullopt;
  if (!account.customer_code.empty()) {
    return ProblemResponse(call.request, 409, "customer-code-conflict",
                           "The account is linked to another customer",
                           "Account " + std::to_string(account.id) +
                               " is already linked to customer code " +
                               account.customer_code +
                               "; unlink it first (DELETE /api/Accounts/" +
                               std::to_string(account.id) + "/customercode).",
                           {{"CustomerCode", account.customer_code}});
  }
  std::vector<std::int64_t> others = AccountsWithCustomerCode(state_, code);
  if (!others.empty() && !allow_shared) {
    return ProblemResponse(
        call.request, 409, "customer-code-shared",
        "An Account with the same Customer Code already exists in BSS",
        "Account " + std::to_string(others.front()) +
            " is already linked to customer code " + code +
            "; send AllowShared: true once the user has confirmed.",
        {{"AccountIDs", others}});
  }
  account.customer_code = code;
  return std::nullopt;
}

HttpResponse BssApi::PutCustomerCode(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  std::variant<Json, HttpResponse> body = JsonBody(call);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  auto code = json.find("CustomerCode");
  auto shared = json.find("AllowShared");
  if (!json.is_object() || code == json.end() || !code->is_string() ||
      code->get<std::string>().empty() ||
      (shared != json.end() && !shared->is_boolean())) {
    return InvalidRequest(call,
                          "Send {\"CustomerCode\": \"<tenant id>\"} and, "
                          "optionally, \"AllowShared\": true or false.");
  }
  bool allow_shared = shared != json.end() && shared->get<bool>();
  if (auto refused = LinkCustomerCode(call, *account, code->get<std::string>(),
                                      allow_shared)) {
    return std::move(*refused);
  }
  return JsonResponse(call.request, 200, AccountToJson(*account));
}

HttpResponse BssApi::DeleteCustomerCode(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  account->customer_code.clear();
  return JsonResponse(call.request, 200, AccountToJson(*account));
}

}  // namespace bssflow::simulators::bss
