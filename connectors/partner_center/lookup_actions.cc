// The lookup actions: country rules, address validation, MPN profiles,
// indirect resellers and their partner agreement.
#include <utility>

#include "connectors/partner_center/collection_pages.h"
#include "connectors/partner_center/partner_center_connector.h"
#include "connectors/partner_center/request_bodies.h"
#include "net/url.h"

namespace bssflow::connectors::partner_center {
namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;
using engine::CallContext;

namespace {

constexpr char kResellersTarget[] =
    "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf";

std::string UpperAscii(std::string text) {
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

}  // namespace

asio::awaitable<ActionOutcome> PartnerCenterConnector::CountryRules(
    ArgumentReader& args, const CallContext&) {
  std::string country = UpperAscii(args.Required("country"));
  if (args.error().has_value()) co_return ActionOutcome::Failure(*args.error());
  std::string target = "/v1/countryvalidationrules/" + net::PercentEncode(country);
  std::string what = "get the country rules of " + country;
  co_return co_await GetJson(std::move(target), std::move(what));
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::ValidateAddress(
    ArgumentReader& args, const CallContext& ctx) {
  RequestBody body = BuildAddressBody(args);
  if (body.error.has_value()) co_return ActionOutcome::Failure(*body.error);
  ApiRequest request;
  request.method = "POST";
  request.target = "/v1/validations/address";
  request.what = "validate an address";
  request.body = std::move(body.json);
  request.request_id = WriteRequestId(ctx);
  ApiReply reply = co_await api_->Send(std::move(request));
  if (reply.error.has_value()) co_return ActionOutcome::Failure(*reply.error);
  co_return OutcomeFromJson(reply.json);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::GetMpnProfile(
    ArgumentReader& args, const CallContext&) {
  std::string mpn_id = args.Optional("mpn_id");
  if (args.error().has_value()) co_return ActionOutcome::Failure(*args.error());
  std::string target = "/v1/profiles/mpn";
  if (!mpn_id.empty()) target += "?mpnId=" + net::PercentEncode(mpn_id);
  std::string what = "get the MPN profile of " + mpn_id;
  if (mpn_id.empty()) what = "get the partner's MPN profile";
  co_return co_await GetJson(std::move(target), std::move(what));
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::FindIndirectReseller(
    ArgumentReader& args, const CallContext&) {
  std::string mpn_id = args.Required("mpn_id");
  if (args.error().has_value()) co_return ActionOutcome::Failure(*args.error());
  ApiRequest first;
  first.target = kResellersTarget;
  first.what = "list indirect resellers";
  nlohmann::json reseller;
  PageVisitor visit = [&reseller, &mpn_id](const nlohmann::json& page) {
    const nlohmann::json* match = FindByField(page, "mpnId", mpn_id);
    if (match != nullptr) reseller = *match;
    return match != nullptr;
  };
  std::string next = std::string(kResellersTarget) + "&seekOperation=Next";
  std::optional<ActionError> error =
      co_await WalkPages(std::move(first), std::move(next), std::move(visit));
  if (error.has_value()) co_return ActionOutcome::Failure(*error);
  if (reseller.is_null()) {
    co_return ActionOutcome::Failure(ActionError{
        "not_found", "",
        "no indirect reseller with MPN ID " + mpn_id +
            " has a relationship with this partner",
        std::nullopt});
  }
  co_return OutcomeFromJson(reseller);
}

asio::awaitable<ActionOutcome> PartnerCenterConnector::AgreementStatus(
    ArgumentReader& args, const CallContext&) {
  std::string mpn_id = args.Required("mpn_id");
  if (args.error().has_value()) co_return ActionOutcome::Failure(*args.error());
  std::string target =
      "/v1/compliance/csp/agreementstatus?mpnId=" + net::PercentEncode(mpn_id);
  std::string what = "get the partner agreement status of " + mpn_id;
  co_return co_await GetJson(std::move(target), std::move(what));
}

}  // namespace bssflow::connectors::partner_center
