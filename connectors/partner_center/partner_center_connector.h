// The `partner_center` connector: the runner's actions on Microsoft Partner
// Center (docs/connectors/partner-center.md lists each action with its
// arguments and result). It speaks the API of docs/partner-center-api.md
// through PartnerCenterApi and turns replies into values (the service's
// JSON, camelCase) or ActionErrors.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONNECTOR_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONNECTOR_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/partner_center/arguments.h"
#include "connectors/partner_center/partner_center_api.h"
#include "connectors/partner_center/partner_center_config.h"
#include "engine/actions.h"
#include "engine/connector.h"

namespace bssflow::connectors::partner_center {

/// The actions of the connector ("partner_center.check_domain", ...), with
/// their arguments and secret result fields, for the ActionCatalog.
std::vector<engine::ActionSpec> Manifest();

/// The connector. Call() runs on the executor given to Create() and may run
/// many times at once there (the executor must not run handlers
/// concurrently: an io_context run by one thread, or a strand); calls share
/// the token cache and the connection pool. Call() never throws. Destroy
/// the connector before that executor's io_context.
class PartnerCenterConnector : public engine::Connector {
 public:
  /// A connector for `config`; an error when its HTTP client cannot be made.
  static Result<std::unique_ptr<PartnerCenterConnector>> Create(
      boost::asio::any_io_executor executor, PartnerCenterConfig config,
      PartnerCenterEnvironment env = {});

  boost::asio::awaitable<engine::ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx) override;

  /// Requests sent to the token endpoint so far.
  uint64_t token_requests() const { return api_->token_requests(); }

 private:
  using Handler = boost::asio::awaitable<engine::ActionOutcome> (
      PartnerCenterConnector::*)(ArgumentReader&, const engine::CallContext&);
  using PageVisitor = std::function<bool(const nlohmann::json& page)>;

  PartnerCenterConnector(std::unique_ptr<PartnerCenterApi> api,
                         int search_page_size, std::string password_key);
  static const Handler* FindHandler(const std::string& action);
  boost::asio::awaitable<engine::ActionOutcome> Dispatch(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx);
  /// Sends `first`, then follows continuation tokens with `next_target`
  /// until `visit` returns true or the pages end. Callers pass named
  /// locals, never temporaries built in the co_await expression: GCC 12
  /// destroys such temporaries twice (heap corruption seen with a lambda
  /// turned into a PageVisitor in place).
  boost::asio::awaitable<std::optional<engine::ActionError>> WalkPages(
      ApiRequest first, std::string next_target, PageVisitor visit);
  /// A GET of `target` whose JSON answer is the result.
  boost::asio::awaitable<engine::ActionOutcome> GetJson(std::string target,
                                                        std::string what);
  /// The write's MS-RequestId: the idempotency key, or a fresh GUID when
  /// the caller gave none.
  std::string WriteRequestId(const engine::CallContext& ctx);

  // customer_actions.cc
  boost::asio::awaitable<engine::ActionOutcome> CheckDomain(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> FindCustomerByDomain(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> GetCustomer(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> CreateCustomer(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> CreateUser(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> ListUsers(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> AcceptCustomerAgreement(
      ArgumentReader& args, const engine::CallContext& ctx);
  // lookup_actions.cc
  boost::asio::awaitable<engine::ActionOutcome> CountryRules(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> ValidateAddress(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> GetMpnProfile(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> FindIndirectReseller(
      ArgumentReader& args, const engine::CallContext& ctx);
  boost::asio::awaitable<engine::ActionOutcome> AgreementStatus(
      ArgumentReader& args, const engine::CallContext& ctx);

  std::unique_ptr<PartnerCenterApi> api_;
  int search_page_size_;
  /// The key of create_user's derived initial passwords: the configured
  /// client_secret (initial_password.h). Never logged.
  std::string password_key_;
};

/// The value of a JSON answer; a "fatal" error when it nests too deep.
engine::ActionOutcome OutcomeFromJson(const nlohmann::json& json);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_PARTNER_CENTER_CONNECTOR_H_
