#include "connectors/partner_center/partner_center_connector.h"

#include <exception>
#include <map>
#include <string_view>
#include <utility>

#include "connectors/partner_center/collection_pages.h"
#include "dsl/json_value.h"

namespace bssflow::connectors::partner_center {
namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;

namespace {

constexpr std::string_view kPrefix = "partner_center.";
// A collection with more pages than this is taken for a paging loop.
constexpr int kMaxPages = 1000;

}  // namespace

ActionOutcome OutcomeFromJson(const nlohmann::json& json) {
  Result<dsl::Value> value = dsl::ValueFromJson(json);
  if (!value.ok()) {
    return ActionOutcome::Failure(ActionError{
        "fatal", "", "Partner Center answered: " + value.status().message(),
        std::nullopt});
  }
  return ActionOutcome::Success(std::move(value).value());
}

Result<std::unique_ptr<PartnerCenterConnector>> PartnerCenterConnector::Create(
    asio::any_io_executor executor, PartnerCenterConfig config,
    PartnerCenterEnvironment env) {
  int page_size = config.search_page_size;
  std::string password_key = config.client_secret;
  if (page_size < 1 || page_size > 500) {
    return Status::Error(
        "partner_center connector: search_page_size must be 1..500, got " +
        std::to_string(page_size));
  }
  Result<std::unique_ptr<PartnerCenterApi>> api = PartnerCenterApi::Create(
      std::move(executor), std::move(config), std::move(env));
  if (!api.ok()) return api.status();
  return std::unique_ptr<PartnerCenterConnector>(new PartnerCenterConnector(
      std::move(api).value(), page_size, std::move(password_key)));
}

PartnerCenterConnector::PartnerCenterConnector(
    std::unique_ptr<PartnerCenterApi> api, int search_page_size,
    std::string password_key)
    : api_(std::move(api)),
      search_page_size_(search_page_size),
      password_key_(std::move(password_key)) {}

const PartnerCenterConnector::Handler* PartnerCenterConnector::FindHandler(
    const std::string& action) {
  using C = PartnerCenterConnector;
  static const std::map<std::string, Handler, std::less<>> kHandlers = {
      {"check_domain", &C::CheckDomain},
      {"find_customer_by_domain", &C::FindCustomerByDomain},
      {"get_customer", &C::GetCustomer},
      {"create_customer", &C::CreateCustomer},
      {"create_user", &C::CreateUser},
      {"list_users", &C::ListUsers},
      {"accept_customer_agreement", &C::AcceptCustomerAgreement},
      {"country_rules", &C::CountryRules},
      {"validate_address", &C::ValidateAddress},
      {"get_mpn_profile", &C::GetMpnProfile},
      {"find_indirect_reseller", &C::FindIndirectReseller},
      {"agreement_status", &C::AgreementStatus},
  };
  std::string_view name = action;
  if (name.substr(0, kPrefix.size()) != kPrefix) return nullptr;
  auto it = kHandlers.find(name.substr(kPrefix.size()));
  return it == kHandlers.end() ? nullptr : &it->second;
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::Call(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  // Call() must not throw; a bug or a cancellation surfacing as an
  // exception still completes the call with an outcome.
  try {
    co_return co_await Dispatch(action, arguments, ctx);
  } catch (const std::exception& e) {
    co_return ActionOutcome::Failure(
        ActionError{"fatal", "", action + ": " + e.what(), std::nullopt});
  }
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::Dispatch(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  const Handler* handler = FindHandler(action);
  if (handler == nullptr) {
    co_return ActionOutcome::Failure(ActionError{
        "fatal", "unknown_action",
        "the partner_center connector has no action '" + action + "'",
        std::nullopt});
  }
  ArgumentReader args(action, arguments);
  co_return co_await (this->*(*handler))(args, ctx);
}

asio::awaitable<std::optional<ActionError>> PartnerCenterConnector::WalkPages(
    ApiRequest first, std::string next_target, PageVisitor visit) {
  ApiRequest request = std::move(first);
  for (int page = 1; page <= kMaxPages; ++page) {
    ApiReply reply = co_await api_->Send(request);
    if (reply.error.has_value()) co_return reply.error;
    if (visit(reply.json)) co_return std::nullopt;
    std::string token = ContinuationToken(reply.json);
    if (token.empty()) co_return std::nullopt;
    ApiRequest next;
    next.target = next_target;
    next.headers = {{"MS-ContinuationToken", token}};
    next.what = request.what + " (page " + std::to_string(page + 1) + ")";
    request = std::move(next);
  }
  co_return ActionError{"fatal", "",
                        request.what + ": more than " +
                            std::to_string(kMaxPages) + " pages",
                        std::nullopt};
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::GetJson(
    std::string target, std::string what) {
  ApiRequest request;
  request.target = std::move(target);
  request.what = std::move(what);
  ApiReply reply = co_await api_->Send(std::move(request));
  if (reply.error.has_value()) co_return ActionOutcome::Failure(*reply.error);
  co_return OutcomeFromJson(reply.json);
}

std::string PartnerCenterConnector::WriteRequestId(
    const engine::CallContext& ctx) {
  return ctx.idempotency_key.empty() ? api_->NewGuid() : ctx.idempotency_key;
}

}  // namespace bssflow::connectors::partner_center
