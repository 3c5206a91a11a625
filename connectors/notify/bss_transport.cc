#include "connectors/notify/bss_transport.h"

#include <string>
#include <utility>

#include "connectors/notify/addresses.h"

namespace bssflow::connectors::notify {
namespace {

const dsl::Value* Member(const dsl::Value& map, const char* name) {
  if (map.kind() != dsl::ValueKind::kMap) return nullptr;
  return map.map_value().Find(dsl::Value::String(name));
}

// The member as text when the BSS sent text, else `fallback`.
std::string TextOr(const dsl::Value& map, const char* name,
                   std::string fallback) {
  const dsl::Value* value = Member(map, name);
  if (value == nullptr || value->kind() != dsl::ValueKind::kString)
    return fallback;
  return value->string_value();
}

// The notification's ID as text: the BSS numbers them, but notify.send's
// id is text whatever the transport (SMTP's is a Message-ID).
std::optional<std::string> IdOf(const dsl::Value& result) {
  const dsl::Value* id = Member(result, "ID");
  if (id == nullptr) return std::nullopt;
  switch (id->kind()) {
    case dsl::ValueKind::kInt:
      return std::to_string(id->int_value());
    case dsl::ValueKind::kUint:
      return std::to_string(id->uint_value());
    case dsl::ValueKind::kString:
      if (!id->string_value().empty()) return id->string_value();
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

dsl::Value BssNotificationArguments(const SendRequest& request) {
  dsl::ValueMap args;
  auto text = [&args](const char* name, std::string value) {
    args.Insert(dsl::Value::String(name), dsl::Value::String(std::move(value)));
  };
  text("to", JoinAddresses(request.to));
  text("cc", JoinAddresses(request.cc));
  text("subject", request.subject);
  text("body", request.body);
  text("template_id", request.template_id);
  if (request.account_id.has_value()) {
    args.Insert(dsl::Value::String("account_id"),
                dsl::Value::Int(*request.account_id));
  }
  return dsl::Value::Map(std::move(args));
}

engine::ActionOutcome OutcomeFromBss(const engine::ActionOutcome& bss,
                                     const SendRequest& request) {
  if (bss.error.has_value()) return engine::ActionOutcome::Failure(*bss.error);
  const dsl::Value& result = *bss.result;
  std::optional<std::string> id = IdOf(result);
  if (!id.has_value()) {
    const dsl::Value* raw = Member(result, "ID");
    return engine::ActionOutcome::Failure(engine::ActionError{
        "fatal", "",
        std::string(kBssSendAction) + " answered without a notification ID (" +
            (raw == nullptr ? "no ID member" : "ID " + dsl::DebugString(*raw)) +
            ")",
        std::nullopt});
  }
  SendRequest sent = request;
  sent.to = SplitAddressList(TextOr(result, "To", JoinAddresses(request.to)));
  sent.cc = SplitAddressList(TextOr(result, "Cc", JoinAddresses(request.cc)));
  sent.template_id = TextOr(result, "TemplateID", request.template_id);
  return engine::ActionOutcome::Success(SendResult(*id, "bss", sent));
}

boost::asio::awaitable<engine::ActionOutcome> SendThroughBss(
    engine::Connector& bss, const SendRequest& request,
    const engine::CallContext& ctx) {
  // Named, not built in the co_await expression (GCC 12 can destroy such
  // temporaries twice).
  const std::string action = kBssSendAction;
  const dsl::Value arguments = BssNotificationArguments(request);
  engine::ActionOutcome outcome = co_await bss.Call(action, arguments, ctx);
  co_return OutcomeFromBss(outcome, request);
}

}  // namespace bssflow::connectors::notify
