#include "connectors/notify/notify_connector.h"

#include <exception>
#include <utility>

#include "connectors/notify/bss_transport.h"
#include "connectors/notify/send_request.h"
#include "connectors/notify/smtp_client.h"
#include "connectors/notify/smtp_message.h"

namespace bssflow::connectors::notify {
namespace {

namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;

MailMessage MailFor(const SendRequest& request, const std::string& from) {
  MailMessage message;
  message.from = from;
  message.to = request.to;
  message.cc = request.cc;
  message.subject = request.subject;
  message.body = request.body;
  message.message_id = MessageIdOf(request.idempotency_key);
  return message;
}

}  // namespace

Result<std::unique_ptr<NotifyConnector>> NotifyConnector::Create(
    asio::any_io_executor executor, NotifyConfig config,
    std::shared_ptr<engine::Connector> bss, NotifyEnvironment env) {
  if (config.transport == NotifyConfig::Transport::kBss) {
    if (bss == nullptr) {
      return Status::Error(
          "notify: the BSS transport needs the bss connector (Create's `bss` "
          "is null)");
    }
    return std::unique_ptr<NotifyConnector>(
        new NotifyConnector(std::move(bss), nullptr));
  }
  Result<std::unique_ptr<SmtpClient>> smtp = SmtpClient::Create(
      std::move(executor), std::move(config.smtp), std::move(env));
  if (!smtp.ok()) return smtp.status();
  return std::unique_ptr<NotifyConnector>(
      new NotifyConnector(nullptr, std::move(smtp).value()));
}

NotifyConnector::NotifyConnector(std::shared_ptr<engine::Connector> bss,
                                 std::unique_ptr<SmtpClient> smtp)
    : bss_(std::move(bss)), smtp_(std::move(smtp)) {}

NotifyConnector::~NotifyConnector() = default;

asio::awaitable<ActionOutcome> NotifyConnector::Call(
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

asio::awaitable<ActionOutcome> NotifyConnector::Dispatch(
    const std::string& action, const dsl::Value& arguments,
    const engine::CallContext& ctx) {
  if (action != kSendAction) {
    co_return ActionOutcome::Failure(ActionError{
        "fatal", "unknown_action",
        "the notify connector has no action '" + action + "'", std::nullopt});
  }
  ParsedSend parsed = ParseSendRequest(arguments, ctx);
  if (parsed.error.has_value()) co_return ActionOutcome::Failure(*parsed.error);
  const SendRequest& request = *parsed.request;
  if (bss_ != nullptr) {
    ActionOutcome outcome = co_await SendThroughBss(*bss_, request, ctx);
    co_return outcome;
  }
  const MailMessage message = MailFor(request, smtp_->config().from);
  std::optional<ActionError> error = co_await smtp_->Send(message);
  if (error.has_value()) co_return ActionOutcome::Failure(std::move(*error));
  co_return ActionOutcome::Success(
      SendResult(message.message_id, "smtp", request));
}

}  // namespace bssflow::connectors::notify
