#include "connectors/bss/bss_connector.h"

#include <exception>
#include <utility>

#include "dsl/json_value.h"

namespace bssflow::connectors::bss {
namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;

ActionOutcome OutcomeFromJson(const nlohmann::json& json) {
  Result<dsl::Value> value = dsl::ValueFromJson(json);
  if (!value.ok()) {
    return ActionOutcome::Failure(ActionError{
        "fatal", "", "the BSS answered: " + value.status().message(),
        std::nullopt});
  }
  return ActionOutcome::Success(std::move(value).value());
}

Result<std::unique_ptr<BssConnector>> BssConnector::Create(
    asio::any_io_executor executor, BssConfig config, BssEnvironment env) {
  Result<std::unique_ptr<BssApi>> api =
      BssApi::Create(std::move(executor), std::move(config), std::move(env));
  if (!api.ok()) return api.status();
  return std::unique_ptr<BssConnector>(
      new BssConnector(std::move(api).value()));
}

BssConnector::BssConnector(std::unique_ptr<BssApi> api)
    : api_(std::move(api)) {}

asio::awaitable<ActionOutcome> BssConnector::Call(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  // Call() must not throw; a bug or a cancellation surfacing as an
  // exception still completes the call with an outcome.
  try {
    ActionOutcome outcome = co_await Dispatch(action, arguments, ctx);
    co_return outcome;
  } catch (const std::exception& e) {
    co_return ActionOutcome::Failure(
        ActionError{"fatal", "", action + ": " + e.what(), std::nullopt});
  }
}

asio::awaitable<ActionOutcome> BssConnector::Dispatch(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  PreparedCall call = PrepareCall(action, arguments, ctx, api_->config());
  if (call.error.has_value()) co_return ActionOutcome::Failure(*call.error);
  ApiReply reply = co_await api_->Send(std::move(*call.request));
  if (reply.error.has_value()) co_return ActionOutcome::Failure(*reply.error);
  co_return OutcomeFromJson(reply.json);
}

}  // namespace bssflow::connectors::bss
