// The customer actions: domains, customers, their users and agreements.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include "connectors/partner_center/collection_pages.h"
#include "connectors/partner_center/initial_password.h"
#include "connectors/partner_center/partner_center_connector.h"
#include "connectors/partner_center/request_bodies.h"
#include "net/url.h"

namespace bssflow::connectors::partner_center {
namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;
using engine::CallContext;

namespace {

ActionOutcome Failure(const std::optional<ActionError>& error) {
  return ActionOutcome::Failure(*error);
}

// "2024-05-01T12:00:00Z".
std::string IsoTime(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The password create_user sets: `given` (the argument), else one derived
// from the write's MS-RequestId, so that a resend sets the same one.
Result<std::string> InitialPassword(const std::string& given,
                                    const std::string& password_key,
                                    const std::string& request_id) {
  if (!given.empty()) return given;
  return DeriveInitialPassword(password_key, request_id);
}

// No password can be derived: a configuration problem no retry mends.
ActionOutcome NoPassword(const Status& why) {
  return ActionOutcome::Failure(
      ActionError{"fatal", "", "partner_center.create_user: " + why.message(),
                  std::nullopt});
}

}  // namespace

asio::awaitable<ActionOutcome> PartnerCenterConnector::CheckDomain(
    ArgumentReader& args, const CallContext&) {
  std::string domain = FullDomain(args.Required("domain"));
  if (args.error().has_value()) co_return Failure(args.error());
  ApiRequest request;
  request.method = "HEAD";
  request.target = "/v1/domains/" + net::PercentEncode(domain);
  request.what = "check domain " + domain;
  std::vector<unsigned> accepted(1, 404);
  ApiReply reply = co_await api_->Send(std::move(request), std::move(accepted));
  if (reply.error.has_value()) co_return Failure(reply.error);
  // 200: some tenant owns it; 404: free.
  nlohmann::json result = nlohmann::json::object();
  result["domain"] = domain;
  result["available"] = reply.status == 404;
  co_return OutcomeFromJson(result);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::FindCustomerByDomain(
    ArgumentReader& args, const CallContext&) {
  std::string domain = FullDomain(args.Required("domain"));
  if (args.error().has_value()) co_return Failure(args.error());
  // starts_with on the first label finds the customer whatever its domain
  // suffix; the exact match is ours to make.
  std::string label = domain.substr(0, domain.find('.'));
  ApiRequest first;
  first.target = "/v1/customers?size=" + std::to_string(search_page_size_) +
                 "&filter=" + net::PercentEncode(DomainFilter(label));
  first.what = "search customers by domain " + domain;
  nlohmann::json customer;  // null until found
  PageVisitor visit = [&customer, &domain](const nlohmann::json& page) {
    const nlohmann::json* match = FindExactDomain(page, domain);
    if (match != nullptr) customer = *match;
    return match != nullptr;
  };
  std::string next = "/v1/customers?seekOperation=Next";
  std::optional<ActionError> error =
      co_await WalkPages(std::move(first), std::move(next), std::move(visit));
  if (error.has_value()) co_return Failure(error);
  nlohmann::json result = nlohmann::json::object();
  result["found"] = !customer.is_null();
  result["customer"] = std::move(customer);
  co_return OutcomeFromJson(result);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::GetCustomer(
    ArgumentReader& args, const CallContext&) {
  std::string id = args.Required("customer_id");
  if (args.error().has_value()) co_return Failure(args.error());
  std::string target = "/v1/customers/" + net::PercentEncode(id);
  std::string what = "get customer " + id;
  co_return co_await GetJson(std::move(target), std::move(what));
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::CreateCustomer(
    ArgumentReader& args, const CallContext& ctx) {
  RequestBody body = BuildCreateCustomerBody(args);
  if (body.error.has_value()) co_return Failure(body.error);
  ApiRequest request;
  request.method = "POST";
  request.target = "/v1/customers";
  request.what = "create customer " +
                 body.json["companyProfile"]["domain"].get<std::string>();
  request.body = std::move(body.json);
  // The idempotency key: a resend after a timeout (or a crash) answers
  // with the customer the first request created, never a second tenant.
  request.request_id = WriteRequestId(ctx);
  ApiReply reply = co_await api_->Send(std::move(request));
  if (reply.error.has_value()) co_return Failure(reply.error);
  co_return OutcomeFromJson(reply.json);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::CreateUser(
    ArgumentReader& args, const CallContext& ctx) {
  std::string id = args.Required("customer_id");
  std::string given = args.Optional("password");
  std::string request_id = WriteRequestId(ctx);
  Result<std::string> password =
      InitialPassword(given, password_key_, request_id);
  RequestBody body =
      BuildCreateUserBody(args, password.ok() ? password.value() : "");
  if (body.error.has_value()) co_return Failure(body.error);
  if (!password.ok()) co_return NoPassword(password.status());
  ApiRequest request;
  request.method = "POST";
  request.target = "/v1/customers/" + net::PercentEncode(id) + "/users";
  request.what = "create user " +
                 body.json["userPrincipalName"].get<std::string>();
  request.body = std::move(body.json);
  request.request_id = std::move(request_id);
  ApiReply reply = co_await api_->Send(std::move(request));
  if (reply.error.has_value()) co_return Failure(reply.error);
  // A derived password is reported whether or not the service echoes it:
  // the workflow has no other way to learn it.
  nlohmann::json user = std::move(reply.json);
  if (given.empty())
    user = WithInitialPassword(std::move(user), password.value());
  co_return OutcomeFromJson(user);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::ListUsers(
    ArgumentReader& args, const CallContext&) {
  std::string id = args.Required("customer_id");
  if (args.error().has_value()) co_return Failure(args.error());
  std::string base = "/v1/customers/" + net::PercentEncode(id) + "/users";
  ApiRequest first;
  first.target = base;
  first.what = "list users of customer " + id;
  nlohmann::json items = nlohmann::json::array();
  PageVisitor visit = [&items](const nlohmann::json& page) {
    if (page.contains("items") && page["items"].is_array())
      for (const nlohmann::json& item : page["items"]) items.push_back(item);
    return false;
  };
  std::string next = base + "?seekOperation=Next";
  std::optional<ActionError> error =
      co_await WalkPages(std::move(first), std::move(next), std::move(visit));
  if (error.has_value()) co_return Failure(error);
  nlohmann::json result = nlohmann::json::object();
  result["totalCount"] = items.size();
  result["items"] = std::move(items);
  co_return OutcomeFromJson(result);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::AcceptCustomerAgreement(
    ArgumentReader& args, const CallContext& ctx) {
  std::string id = args.Required("customer_id");
  RequestBody probe = BuildAgreementBody(args, "", "");
  if (probe.error.has_value()) co_return Failure(probe.error);
  ApiRequest lookup;
  lookup.target = "/v1/agreements?agreementType=MicrosoftCustomerAgreement";
  lookup.what = "get the Microsoft Customer Agreement template";
  ApiReply templates = co_await api_->Send(std::move(lookup));
  if (templates.error.has_value()) co_return Failure(templates.error);
  const nlohmann::json* item = FindByField(templates.json, "agreementType",
                                           "MicrosoftCustomerAgreement");
  if (item == nullptr || !item->contains("templateId")) {
    co_return ActionOutcome::Failure(ActionError{
        "fatal", "", "Partner Center lists no Microsoft Customer Agreement "
                     "template", std::nullopt});
  }
  RequestBody body = BuildAgreementBody(
      args, (*item)["templateId"].get<std::string>(), IsoTime(api_->Now()));
  ApiRequest request;
  request.method = "POST";
  request.target = "/v1/customers/" + net::PercentEncode(id) + "/agreements";
  request.what = "accept the customer agreement for " + id;
  request.body = std::move(body.json);
  request.request_id = WriteRequestId(ctx);
  ApiReply reply = co_await api_->Send(std::move(request));
  if (reply.error.has_value()) co_return Failure(reply.error);
  co_return OutcomeFromJson(reply.json);
}

}  // namespace bssflow::connectors::partner_center
