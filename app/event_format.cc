#include "app/event_format.h"

#include <cstdio>
#include <ctime>

#include "engine/secrets.h"

namespace bssflow::app {

namespace {

namespace et = engine::event_type;

// Long values are cut, so that one event stays one readable line.
constexpr size_t kMaxValueText = 160;

std::string Compact(const nlohmann::json& json) {
  std::string text = MaskSealed(json).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxValueText) text = text.substr(0, kMaxValueText) + "...";
  return text;
}

std::string Text(const nlohmann::json& json) {
  return json.is_string() ? json.get<std::string>() : Compact(json);
}

// A member as text, whatever its type; `fallback` when it is missing.
std::string Field(const nlohmann::json& object, const char* key,
                  const char* fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it == object.end() ? fallback : Text(*it);
}

// `text` with each line break replaced by `separator` (a line break and
// its indent keep continuation lines under their event; "; " joins the
// messages of a failed check on the event's own line).
std::string ReplaceLineBreaks(std::string text, const std::string& separator) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += separator;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string DescribeError(const nlohmann::json& error) {
  std::string kind = Field(error, "kind", "error");
  std::string code = Field(error, "code", "");
  std::string text =
      kind + ": " + ReplaceLineBreaks(Field(error, "message", ""), "; ");
  // A check's code only repeats its kind; a service's code is worth showing.
  if (!code.empty() && code != kind && kind != "check_failed") {
    text += " (code " + code + ")";
  }
  return text;
}

std::string DescribeCall(const engine::Event& event) {
  const nlohmann::json& d = event.data;
  std::string text = "call " + Field(d, "action", "?") + " (attempt " +
                     std::to_string(d.value("attempt", 1));
  if (d.value("resent", false)) text += ", resent after a restart";
  text += ")";
  if (d.contains("arguments")) text += " " + Compact(d["arguments"]);
  return text;
}

std::string DescribeVariables(const nlohmann::json& values) {
  std::string text = "set";
  const char* separator = " ";
  for (const auto& [name, value] : values.items()) {
    text += separator + name + " = " + Compact(value);
    separator = ", ";
  }
  return text;
}

std::string DescribeChecks(const nlohmann::json& messages) {
  std::string text = "check failed:";
  for (const nlohmann::json& message : messages)
    text += "\n    - " + ReplaceLineBreaks(Text(message), "\n      ");
  return text;
}

std::string DescribeFinish(const nlohmann::json& d) {
  std::string text = "run finished: " + Field(d, "status", "?");
  if (Field(d, "outcome", "") == "rejected") {
    text += " (rejected at step " + Field(d, "step", "?") + ")";
  }
  if (d.contains("error")) text += " (" + DescribeError(d["error"]) + ")";
  if (d.contains("outputs") && !d["outputs"].empty()) {
    text += " outputs " + Compact(d["outputs"]);
  }
  return text;
}

std::string DescribeStepEnd(const engine::Event& event) {
  if (event.type == et::kStepFailed) {
    return "failed: " + DescribeError(event.data.value("error", nlohmann::json::object()));
  }
  if (event.data.value("skipped", false)) return "skipped (its `if` is false)";
  return "done";
}

std::string DescribeBody(const engine::Event& event) {
  const std::string& type = event.type;
  const nlohmann::json& d = event.data;
  if (type == et::kStepStarted) {
    return d.contains("branch") ? "started, branch " + Text(d["branch"])
                                : "started";
  }
  if (type == et::kCallSent) return DescribeCall(event);
  if (type == et::kCallSucceeded) {
    return "call succeeded: " + Compact(d.value("result", nlohmann::json()));
  }
  if (type == et::kCallFailed) {
    return "call failed (attempt " + std::to_string(d.value("attempt", 1)) +
           "): " + DescribeError(d.value("error", nlohmann::json::object()));
  }
  if (type == et::kVariablesSet) {
    return DescribeVariables(d.value("values", nlohmann::json::object()));
  }
  if (type == et::kCheckFailed) {
    return DescribeChecks(d.value("messages", nlohmann::json::array()));
  }
  if (type == et::kConfirmationRequested) {
    return "asks for confirmation: " +
           ReplaceLineBreaks(Text(d.value("message", nlohmann::json())),
                             "\n    ");
  }
  if (type == et::kConfirmationAnswered) {
    std::string by = Field(d, "by", "");
    return "answered " + Field(d, "answer", "?") + (by.empty() ? "" : " by " + by);
  }
  if (type == et::kNotificationSent) {
    return "notification '" + Field(d, "template", "") + "' sent to " +
           Text(d.value("to", nlohmann::json()));
  }
  if (type == et::kStepSucceeded || type == et::kStepFailed) {
    return DescribeStepEnd(event);
  }
  return type + " " + Compact(d);
}

std::string DescribeEventOrThrow(const engine::Event& sealed);

}  // namespace

nlohmann::json MaskSealed(const nlohmann::json& json) {
  if (json.is_object()) {
    if (engine::IsSealedJson(json)) return "***";
    nlohmann::json masked = nlohmann::json::object();
    for (const auto& [key, value] : json.items()) masked[key] = MaskSealed(value);
    return masked;
  }
  if (json.is_array()) {
    nlohmann::json masked = nlohmann::json::array();
    for (const nlohmann::json& item : json) masked.push_back(MaskSealed(item));
    return masked;
  }
  return json;
}

std::string DescribeEvent(const engine::Event& sealed) {
  try {
    return DescribeEventOrThrow(sealed);
  } catch (const nlohmann::json::exception&) {
    // A payload the engine did not write (a member of another type, in a
    // database edited by hand): shown as it is, masked.
    return (sealed.step.empty() ? "" : sealed.step + ": ") + sealed.type +
           " " + Compact(sealed.data) + " (not as the engine writes it)";
  }
}

namespace {

std::string DescribeEventOrThrow(const engine::Event& sealed) {
  // Sealed secrets read as ***, wherever they are (even in an error
  // message), and never as the object that holds them.
  engine::Event event = sealed;
  event.data = MaskSealed(sealed.data);
  if (event.type == et::kRunStarted) {
    const nlohmann::json& d = event.data;
    std::string hash = Field(d, "definition_hash", "");
    return "run started: workflow " + Field(d, "workflow", "?") + " version " +
           Text(d.value("version", nlohmann::json())) + " (definition " +
           hash.substr(0, 12) + ")";
  }
  if (event.type == et::kRunFinished) return DescribeFinish(event.data);
  return event.step + ": " + DescribeBody(event);
}

}  // namespace

std::string FormatClock(int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(time_ms % 1000));
  return text;
}

std::string FormatTimestamp(int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace bssflow::app
