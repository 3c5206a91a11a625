#include "connectors/notify/send_request.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

#include "connectors/notify/addresses.h"

namespace bssflow::connectors::notify {
namespace {

constexpr size_t kMaxIdempotencyKey = 255;

engine::ActionError Invalid(std::string message) {
  return engine::ActionError{"invalid", "", std::move(message), std::nullopt};
}

// Reads the arguments map; records the first problem and carries on, so
// that ParseSendRequest reads everything, then checks once.
class Reader {
 public:
  explicit Reader(const dsl::Value& arguments) {
    if (arguments.kind() == dsl::ValueKind::kMap) {
      map_ = &arguments.map_value();
    } else if (!arguments.is_null()) {
      error_ = Invalid(std::string(kSendAction) +
                       ": the arguments must be a map, got " +
                       std::string(dsl::KindName(arguments.kind())));
    }
  }

  void Fail(std::string_view name, std::string_view problem) {
    if (error_.has_value()) return;
    error_ = Invalid(std::string(kSendAction) + ": argument '" +
                     std::string(name) + "' " + std::string(problem));
  }

  // Text, or "" when absent, null or empty.
  std::string Text(std::string_view name) {
    const dsl::Value* value = Find(name);
    if (value == nullptr) return "";
    if (value->kind() == dsl::ValueKind::kString) return value->string_value();
    Fail(name,
         "must be text, got " + std::string(dsl::KindName(value->kind())));
    return "";
  }

  std::string RequiredText(std::string_view name) {
    std::string text = Text(name);
    if (text.empty()) Fail(name, "is required");
    return text;
  }

  std::vector<std::string> Addresses(std::string_view name, bool required) {
    std::string text = Text(name);
    std::vector<std::string> addresses = SplitAddressList(text);
    if (addresses.empty() && required) {
      Fail(name,
           text.empty() ? "is required" : "must hold at least one address");
    }
    for (const std::string& address : addresses) {
      if (!LooksLikeAddress(address)) {
        Fail(name, "holds \"" + address + "\", which is not an email address");
      }
    }
    return addresses;
  }

  std::optional<int64_t> AccountId(std::string_view name) {
    const dsl::Value* value = Find(name);
    if (value == nullptr) return std::nullopt;
    std::optional<int64_t> id;
    if (value->kind() == dsl::ValueKind::kInt) id = value->int_value();
    if (value->kind() == dsl::ValueKind::kUint &&
        value->uint_value() <= uint64_t{INT64_MAX})
      id = static_cast<int64_t>(value->uint_value());
    if (value->kind() == dsl::ValueKind::kString) id = Digits(*value);
    if (!id.has_value() || *id <= 0) {
      Fail(name, "must be a positive integer, got " + dsl::DebugString(*value));
      return std::nullopt;
    }
    return id;
  }

  std::optional<engine::ActionError>& error() { return error_; }

 private:
  const dsl::Value* Find(std::string_view name) const {
    if (map_ == nullptr) return nullptr;
    const dsl::Value* value = map_->Find(dsl::Value::String(std::string(name)));
    return value == nullptr || value->is_null() ? nullptr : value;
  }

  static std::optional<int64_t> Digits(const dsl::Value& value) {
    const std::string& text = value.string_value();
    int64_t id = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size())
      return std::nullopt;
    return id;
  }

  const dsl::ValueMap* map_ = nullptr;
  std::optional<engine::ActionError> error_;
};

bool IsMessageIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') ||
         (c != '\0' && std::strchr(".!#$%&'*+-/=?^_`{|}~", c));
}

// Why `key` cannot be used, or "".
std::string KeyProblem(const std::string& key) {
  if (key.empty()) {
    return ": the call has no idempotency key (CallContext.idempotency_key); "
           "without one a resend could deliver the notification twice";
  }
  if (key.size() > kMaxIdempotencyKey ||
      !std::all_of(key.begin(), key.end(), IsMessageIdChar)) {
    return ": the idempotency key \"" + key +
           "\" cannot serve as a Message-ID: it must be 1-255 letters, "
           "digits or .!#$%&'*+-/=?^_`{|}~";
  }
  return "";
}

}  // namespace

ParsedSend ParseSendRequest(const dsl::Value& arguments,
                            const engine::CallContext& ctx) {
  Reader args(arguments);
  SendRequest request;
  request.template_id = args.RequiredText("template");
  request.to = args.Addresses("to", true);
  request.cc = args.Addresses("cc", false);
  request.subject = args.RequiredText("subject");
  if (request.subject.find_first_of("\r\n") != std::string::npos)
    args.Fail("subject", "must be a single line");
  request.body = args.RequiredText("body");
  request.account_id = args.AccountId("account_id");
  if (args.error().has_value()) return {std::nullopt, args.error()};
  std::string problem = KeyProblem(ctx.idempotency_key);
  if (!problem.empty())
    return {std::nullopt, Invalid(std::string(kSendAction) + problem)};
  request.idempotency_key = ctx.idempotency_key;
  return {std::move(request), std::nullopt};
}

dsl::Value SendResult(std::string id, std::string transport,
                      const SendRequest& request) {
  dsl::ValueMap result;
  auto add = [&result](const char* name, std::string text) {
    result.Insert(dsl::Value::String(name),
                  dsl::Value::String(std::move(text)));
  };
  add("id", std::move(id));
  add("transport", std::move(transport));
  add("to", JoinAddresses(request.to));
  add("cc", JoinAddresses(request.cc));
  add("template", request.template_id);
  return dsl::Value::Map(std::move(result));
}

}  // namespace bssflow::connectors::notify
