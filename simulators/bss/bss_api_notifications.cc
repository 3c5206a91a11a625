// Notification templates and notification dispatch. Dispatch is idempotent
// by the Idempotency-Key header: a resent request gets the first answer and
// sends nothing; the same key with a different notification is refused.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "simulators/bss/bss_api.h"

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kMaxIdempotencyKey = 255;
constexpr std::string_view kNotificationFields[] = {"To", "Cc", "Subject",
                                                    "Body"};

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) {
    text.remove_prefix(1);
  }
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsEmailAddress(std::string_view text) {
  std::size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos ||
      text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view domain = text.substr(at + 1);
  std::size_t dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') {
    return false;
  }
  return std::none_of(text.begin(), text.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>';
  });
}

// A list of addresses separated by ',' or ';' ("" is an empty list).
bool IsAddressList(std::string_view text, bool allow_empty) {
  if (Trimmed(text).empty()) return allow_empty;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",;", start);
    if (end == std::string_view::npos) end = text.size();
    if (!IsEmailAddress(Trimmed(text.substr(start, end - start)))) return false;
    start = end + 1;
  }
  return true;
}

// What is wrong with the members of a notification, or "".
std::string ShapeError(const Json& json) {
  if (!json.is_object()) return "Send a JSON object.";
  for (std::string_view field : kNotificationFields) {
    auto it = json.find(std::string(field));
    bool optional = field == "Cc";
    if (it == json.end() ? !optional : !it->is_string()) {
      return std::string(field) + " must be text.";
    }
  }
  auto template_id = json.find("TemplateID");
  if (template_id != json.end() &&
      !(template_id->is_string() || template_id->is_null())) {
    return "TemplateID must be text or null.";
  }
  auto account_id = json.find("AccountID");
  if (account_id != json.end() &&
      !(account_id->is_number_integer() || account_id->is_null())) {
    return "AccountID must be an integer or null.";
  }
  return "";
}

// The first merge field left in a rendered member, as "To still holds
// {#Accounts.Email#}", or "".
std::string UnrenderedField(const SentNotification& notification) {
  const std::pair<std::string_view, const std::string*> members[] = {
      {"To", &notification.to},
      {"Cc", &notification.cc},
      {"Subject", &notification.subject},
      {"Body", &notification.body}};
  for (const auto& [name, text] : members) {
    std::size_t open = text->find("{#");
    if (open == std::string::npos) continue;
    std::size_t close = text->find("#}", open);
    std::string field = close == std::string::npos
                            ? text->substr(open)
                            : text->substr(open, close + 2 - open);
    return std::string(name) + " still holds the merge field " + field;
  }
  return "";
}

SentNotification FromJson(const Json& json) {
  SentNotification notification;
  notification.to = json.at("To").get<std::string>();
  notification.cc = json.value("Cc", std::string());
  notification.subject = json.at("Subject").get<std::string>();
  notification.body = json.at("Body").get<std::string>();
  Json template_id = json.value("TemplateID", Json());
  if (template_id.is_string()) notification.template_id = template_id;
  Json account_id = json.value("AccountID", Json());
  if (account_id.is_number_integer()) {
    notification.account_id = account_id.get<std::int64_t>();
  }
  Json canonical = {{"TemplateID", notification.template_id},
                    {"AccountID", account_id},
                    {"To", notification.to},
                    {"Cc", notification.cc},
                    {"Subject", notification.subject},
                    {"Body", notification.body}};
  notification.fingerprint = canonical.dump();
  return notification;
}

// The Idempotency-Key header, or "" when absent or too long.
std::string IdempotencyKey(const HttpRequest& request) {
  auto header = request.find("Idempotency-Key");
  if (header == request.end() || header->value().size() > kMaxIdempotencyKey) {
    return "";
  }
  return std::string(header->value());
}

// Why the BSS refuses to send a well-formed `notification`, if it does.
std::optional<HttpResponse> Refusal(const ApiCall& call, const BssState& state,
                                    const SentNotification& notification) {
  if (std::string field = UnrenderedField(notification); !field.empty()) {
    return ProblemResponse(call.request, 400, "unrendered-merge-field",
                           "Unrendered merge field",
                           field + "; render the template before sending.");
  }
  if (!IsAddressList(notification.to, false) ||
      !IsAddressList(notification.cc, true)) {
    return InvalidRequest(call,
                          "To must hold one or more email addresses and Cc "
                          "zero or more, separated by ',' or ';'.");
  }
  if (!notification.template_id.empty() &&
      !state.templates.count(notification.template_id)) {
    return InvalidRequest(call, "No notification template has the ID " +
                                    notification.template_id + ".");
  }
  if (notification.account_id &&
      !state.accounts.count(*notification.account_id)) {
    return InvalidRequest(call, "No account has the ID " +
                                    std::to_string(*notification.account_id) +
                                    ".");
  }
  return std::nullopt;
}

// The answer to a request whose key was used before: the first answer again
// when it is the same notification, else 422.
HttpResponse Replay(const ApiCall& call, const SentNotification& sent,
                    const SentNotification& resent) {
  if (sent.fingerprint != resent.fingerprint) {
    return ProblemResponse(
        call.request, 422, "idempotency-key-reused", "Idempotency-Key reused",
        "The Idempotency-Key " + sent.idempotency_key +
            " was used for notification " + std::to_string(sent.id) +
            ", which differs from this one; use a new key for a new "
            "notification.");
  }
  HttpResponse replay =
      JsonResponse(call.request, 200, NotificationToJson(sent));
  replay.set("Idempotent-Replayed", "true");
  return replay;
}

}  // namespace

HttpResponse BssApi::ListTemplates(const ApiCall& call) {
  auto name = call.target.query.find("name");
  Json templates = Json::array();
  for (const auto& [id, notification_template] : state_.templates) {
    if (name != call.target.query.end() &&
        !EqualsIgnoringCase(notification_template.name, name->second)) {
      continue;
    }
    templates.push_back(TemplateToJson(notification_template));
  }
  return JsonResponse(call.request, 200, templates);
}

HttpResponse BssApi::GetTemplate(const ApiCall& call) {
  auto found = state_.templates.find(call.params.at(0));
  if (found == state_.templates.end()) {
    return ProblemResponse(
        call.request, 404, "template-not-found", "Template not found",
        "No notification template has the ID " + call.params.at(0) + ".");
  }
  return JsonResponse(call.request, 200, TemplateToJson(found->second));
}

HttpResponse BssApi::PostNotification(const ApiCall& call) {
  std::string key = IdempotencyKey(call.request);
  if (key.empty()) {
    return ProblemResponse(
        call.request, 400, "idempotency-key-missing",
        "Idempotency-Key required",
        "Send an Idempotency-Key header of 1 to 255 characters, and the same "
        "key again when resending the same notification.");
  }
  std::variant<Json, HttpResponse> body = JsonBody(call);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  if (std::string error = ShapeError(json); !error.empty()) {
    return InvalidRequest(call, error);
  }
  SentNotification notification = FromJson(json);
  if (auto refused = Refusal(call, state_, notification)) {
    return std::move(*refused);
  }
  for (const SentNotification& sent : state_.notifications) {
    if (sent.idempotency_key == key) return Replay(call, sent, notification);
  }
  notification.id = state_.next_notification_id++;
  notification.idempotency_key = key;
  notification.sent_at = clock_();
  state_.notifications.push_back(notification);
  HttpResponse created =
      JsonResponse(call.request, 201, NotificationToJson(notification));
  created.set(http::field::location,
              "/api/Notifications/" + std::to_string(notification.id));
  return created;
}

HttpResponse BssApi::GetNotification(const ApiCall& call) {
  const std::string& text = call.params.at(0);
  std::int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  for (const SentNotification& sent : state_.notifications) {
    if (sent.id == id && std::to_string(id) == text) {
      return JsonResponse(call.request, 200, NotificationToJson(sent));
    }
  }
  return ProblemResponse(call.request, 404, "notification-not-found",
                         "Notification not found",
                         "No notification has the ID " + text + ".");
}

}  // namespace bssflow::simulators::bss
