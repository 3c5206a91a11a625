// The `bss` connector: the runner's actions on the BSS (docs/connectors/
// bss.md, section "Connector", lists each action with its arguments and
// result). Each action is one request of the BSS REST contract, built by
// PrepareCall (actions.h) and sent by BssApi; the result is the BSS's JSON
// (PascalCase members) as a value, and error answers are ActionErrors.
#ifndef BSSFLOW_CONNECTORS_BSS_BSS_CONNECTOR_H_
#define BSSFLOW_CONNECTORS_BSS_BSS_CONNECTOR_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "connectors/bss/actions.h"
#include "connectors/bss/bss_api.h"
#include "connectors/bss/bss_config.h"
#include "engine/connector.h"

namespace bssflow::connectors::bss {

/// The connector. Call() runs on the executor given to Create() and may run
/// many times at once there (the executor must not run handlers
/// concurrently: an io_context run by one thread, or a strand); calls share
/// the token cache and the connection pool. Call() never throws. Destroy
/// the connector before that executor's io_context.
class BssConnector : public engine::Connector {
 public:
  /// A connector for `config`; an error when base_url is empty or the HTTP
  /// client cannot be made.
  static Result<std::unique_ptr<BssConnector>> Create(
      boost::asio::any_io_executor executor, BssConfig config,
      BssEnvironment env = {});

  boost::asio::awaitable<engine::ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx) override;

  /// Requests sent to the token endpoint so far.
  uint64_t token_requests() const { return api_->token_requests(); }

 private:
  explicit BssConnector(std::unique_ptr<BssApi> api);
  boost::asio::awaitable<engine::ActionOutcome> Dispatch(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx);

  std::unique_ptr<BssApi> api_;
};

/// The value of a JSON answer; a "fatal" error when it nests too deep.
engine::ActionOutcome OutcomeFromJson(const nlohmann::json& json);

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_BSS_CONNECTOR_H_
