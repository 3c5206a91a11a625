#include "app/connector_config.h"

#include <algorithm>
#include <tuple>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <utility>

#include "app/connector_config_reader.h"
#include "base/duration.h"
#include "base/read_file.h"
#include "engine/yaml_file.h"
#include "net/url.h"

namespace bssflow::app {

namespace {

namespace pc = connectors::partner_center;
namespace bss = connectors::bss;
namespace notify = connectors::notify;

const std::vector<std::string> kSections = {"partner_center", "bss", "notify",
                                            "http"};
const std::vector<std::string> kPartnerCenterFields = {
    "api_base_url", "login_base_url",   "partner_tenant",
    "client_id",    "client_secret",    "refresh_token",
    "resource",     "call_timeout",     "token_refresh_margin",
    "locale",       "search_page_size", "ca_file"};
const std::vector<std::string> kBssFields = {
    "base_url", "client_key",  "client_secret", "username",
    "password", "system_code", "call_timeout",  "token_refresh_margin",
    "ca_file"};
const std::vector<std::string> kNotifyFields = {"transport", "smtp"};
const std::vector<std::string> kTransports = {"bss", "smtp"};
const std::vector<std::string> kSmtpFields = {
    "host",     "port",     "from",    "helo_name", "username",
    "password", "starttls", "ca_file", "timeout"};
const std::vector<std::string> kSecretSources = {"env", "file"};

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<std::string> ReadFromDisk(const std::string& path) {
  return ReadFile(path);
}

// Secret files usually end with the newline of the editor or of `echo`;
// it is not part of the secret.
std::string WithoutTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

}  // namespace

namespace config_internal {

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "'" + node.Scalar() + "'";
  }
}

std::string PlainHttpProblem(const std::string& field,
                             const std::string& host) {
  return "'" + field + "' uses plain http:// to " + host +
         ": only loopback hosts (localhost, 127.0.0.0/8, ::1) may be reached "
         "without TLS, since the credentials would cross the network "
         "unencrypted; use https://";
}

ConfigReader::ConfigReader(std::string name, std::string text,
                           const SecretSources& secrets)
    : file_(name, std::move(text)),
      base_dir_(std::filesystem::path(name).parent_path().string()),
      secrets_(secrets) {
  if (!secrets_.env) secrets_.env = ProcessEnv;
  if (!secrets_.read_file) secrets_.read_file = ReadFromDisk;
}

ConnectorsConfigResult ConfigReader::Run() {
  ConnectorsConfig config;
  ConnectorsConfigResult result;
  std::tie(result.source, result.diagnostics) = ReadWith(
      [this, &config](const YAML::Node& root) { ReadRoot(root, config); });
  if (result.diagnostics.empty()) result.config = std::move(config);
  return result;
}

std::pair<dsl::Source, std::vector<dsl::Diagnostic>> ConfigReader::ReadWith(
    const std::function<void(const YAML::Node& root)>& read_root) {
  diagnostics_ = file_.syntax_errors();
  if (diagnostics_.empty()) {
    // A key given twice: the reader would take one and drop the other.
    diagnostics_ = file_.duplicate_keys();
    read_root(file_.root());
  }
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const dsl::Diagnostic& a, const dsl::Diagnostic& b) {
                     return a.offset < b.offset;
                   });
  dsl::Source source = file_.source();
  for (auto [begin, end] : masked_) {
    // Newlines stay, so that lines and columns stay where they were.
    for (size_t i = begin; i < end && i < source.text.size(); ++i) {
      char& c = source.text[i];
      if (c != '\n' && c != '\r') c = '*';
    }
  }
  return {std::move(source), std::move(diagnostics_)};
}

void ConfigReader::CheckFields(const YAML::Node& map,
                               const std::vector<std::string>& allowed,
                               const std::string& where) {
  for (const auto& entry : map) {
    std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
      continue;
    std::string message = where.empty()
                              ? "unknown connector '" + key + "'"
                              : "unknown field '" + key + "' in " + where;
    std::string guess = dsl::ClosestMatch(key, allowed);
    if (!guess.empty()) message += "; did you mean '" + guess + "'?";
    Report(entry.first, message);
  }
}

bool ConfigReader::ExpectMap(const YAML::Node& node, const std::string& what) {
  if (node.IsMap()) return true;
  Report(node, what + " must be a map, got " + Describe(node));
  return false;
}

bool ConfigReader::ExpectText(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) return true;
  Report(node, what + " must be a single value, got " + Describe(node));
  return false;
}

YAML::Node ConfigReader::KeyOf(const YAML::Node& map,
                               const std::string& field) {
  for (const auto& entry : map) {
    if (entry.first.Scalar() == field) return entry.first;
  }
  return YAML::Node();
}

void ConfigReader::Require(const YAML::Node& key, const YAML::Node& map,
                           const std::string& what,
                           const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (!map[field]) Report(key, what + " needs '" + field + "'");
  }
}

std::string ConfigReader::Resolve(const std::string& path) const {
  if (path.empty() || path.front() == '/' || base_dir_.empty()) return path;
  return base_dir_ + "/" + path;
}

void ConfigReader::Mask(const YAML::Node& scalar) {
  const std::string& text = file_.source().text;
  const std::string& value = scalar.Scalar();
  size_t start = static_cast<size_t>(file_.OffsetOf(scalar));
  if (start >= text.size()) return;
  if (text[start] == '|' || text[start] == '>') {
    // A block scalar: from its indicator to its last character.
    int32_t last = static_cast<int32_t>(value.empty() ? 0 : value.size() - 1);
    masked_.emplace_back(
        start, static_cast<size_t>(file_.OffsetInScalar(scalar, last)) + 1);
    return;
  }
  size_t content = static_cast<size_t>(file_.OffsetInScalar(scalar, 0));
  if (text.compare(content, value.size(), value) == 0) {
    masked_.emplace_back(content, content + value.size());
    return;
  }
  // Escapes: the value is not where it can be measured, so the rest of
  // the line goes.
  size_t end = text.find('\n', start);
  masked_.emplace_back(start, end == std::string::npos ? text.size() : end);
}

// ---- Fields ----

std::optional<std::string> ConfigReader::ScalarOrEnv(const YAML::Node& node,
                                                     const std::string& field) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsMap() && node.size() == 1 && node["env"]) {
    return SecretFromEnv(node["env"], field);
  }
  Report(node, "'" + field + "' must be a single value or {env: NAME}, got " +
                   Describe(node));
  return std::nullopt;
}

bool ConfigReader::ReadText(const YAML::Node& map, const std::string& field,
                            std::string& out, bool may_be_empty) {
  const YAML::Node node = map[field];
  if (!node) return false;
  std::optional<std::string> text = ScalarOrEnv(node, field);
  if (!text.has_value()) return false;
  if (text->empty() && !may_be_empty) {
    Report(node, "'" + field + "' must not be empty");
    return false;
  }
  out = std::move(*text);
  return true;
}

bool ConfigReader::ReadPath(const YAML::Node& map, const std::string& field,
                            std::string& out) {
  std::string path;
  if (!ReadText(map, field, path, /*may_be_empty=*/true)) return false;
  out = Resolve(path);
  return true;
}

bool ConfigReader::ReadUrl(const YAML::Node& map, const std::string& field,
                           std::string& out) {
  std::string text;
  if (!ReadText(map, field, text)) return false;
  const YAML::Node node = map[field];
  Result<net::Url> url = net::ParseUrl(text);
  if (!url.ok()) {
    Report(node, "'" + field + "': " + url.status().message());
    return false;
  }
  if (!url.value().tls() && !net::IsLoopbackHost(url.value().host)) {
    Report(node, PlainHttpProblem(field, url.value().host));
    return false;
  }
  while (text.back() == '/') text.pop_back();
  out = std::move(text);
  return true;
}

bool ConfigReader::ReadSecret(const YAML::Node& map, const std::string& field,
                              std::string& out) {
  const YAML::Node node = map[field];
  if (!node) return false;
  const std::string what = "'" + field + "'";
  if (node.IsScalar()) {
    Mask(node);
    if (node.Scalar().empty()) {
      Report(node, what + " must not be empty");
      return false;
    }
    out = node.Scalar();
    return true;
  }
  if (!node.IsMap() || node.size() == 0) {
    Report(node, what + " must be a text, {env: NAME} or {file: PATH}, got " +
                     Describe(node));
    return false;
  }
  CheckFields(node, kSecretSources, what);
  const YAML::Node env = node["env"];
  const YAML::Node file = node["file"];
  if (env && file) {
    Report(node, what + " must name one source, env or file, not both");
    return false;
  }
  std::optional<std::string> secret = env    ? SecretFromEnv(env, field)
                                      : file ? SecretFromFile(file, field)
                                             : std::nullopt;
  if (!secret.has_value()) return false;
  out = std::move(*secret);
  return true;
}

std::optional<std::string> ConfigReader::SecretFromEnv(
    const YAML::Node& name, const std::string& field) {
  if (!ExpectText(name, "'env'")) return std::nullopt;
  const std::string what =
      "'" + field + "': environment variable " + name.Scalar();
  std::optional<std::string> value = secrets_.env(name.Scalar());
  if (!value.has_value()) {
    Report(name, what + " is not set");
  } else if (value->empty()) {
    Report(name, what + " is empty");
    value.reset();
  }
  return value;
}

std::optional<std::string> ConfigReader::SecretFromFile(
    const YAML::Node& path, const std::string& field) {
  if (!ExpectText(path, "'file'")) return std::nullopt;
  const std::string resolved = Resolve(path.Scalar());
  const std::string what = "'" + field + "': secret file " + resolved;
  Result<std::string> text = secrets_.read_file(resolved);
  if (!text.ok()) {
    Report(path, "'" + field + "': cannot read secret file " + resolved + ": " +
                     text.status().message());
    return std::nullopt;
  }
  std::string secret = WithoutTrailingNewlines(std::move(text).value());
  if (secret.empty()) {
    Report(path, what + " is empty");
    return std::nullopt;
  }
  return secret;
}

bool ConfigReader::ReadDuration(const YAML::Node& map, const std::string& field,
                                std::chrono::milliseconds& out,
                                bool may_be_zero) {
  const YAML::Node node = map[field];
  if (!node) return false;
  const bool from_env = node.IsMap() && node.size() == 1 && node["env"];
  std::optional<std::string> text =
      from_env ? ScalarOrEnv(node, field) : std::nullopt;
  if (from_env && !text.has_value()) return false;
  std::optional<std::chrono::milliseconds> duration =
      from_env         ? ParseDuration(*text)
      : node.IsScalar() ? ParseDuration(node.Scalar())
                        : std::nullopt;
  if (!duration.has_value()) {
    Report(node, "'" + field + "' must be " + std::string(kDurationExpected) +
                     ", got " +
                     (from_env ? "'" + *text + "' from environment variable " +
                                     node["env"].Scalar()
                               : Describe(node)));
    return false;
  }
  if (duration->count() == 0 && !may_be_zero) {
    Report(node, "'" + field + "' must be longer than 0");
    return false;
  }
  out = *duration;
  return true;
}

bool ConfigReader::ReadSeconds(const YAML::Node& map, const std::string& field,
                               std::chrono::seconds& out) {
  std::chrono::milliseconds duration{0};
  if (!ReadDuration(map, field, duration, /*may_be_zero=*/true)) return false;
  if (duration.count() % 1000 != 0) {
    Report(map[field], "'" + field + "' must be whole seconds, got " +
                           Describe(map[field]));
    return false;
  }
  out = std::chrono::duration_cast<std::chrono::seconds>(duration);
  return true;
}

bool ConfigReader::ReadWholeNumber(const YAML::Node& map,
                                   const std::string& field, int64_t min,
                                   int64_t max, int64_t& out) {
  const YAML::Node node = map[field];
  if (!node) return false;
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  bool digits = !text.empty() && text.size() <= 9 &&
                std::all_of(text.begin(), text.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  int64_t value = digits ? std::stoll(text) : min - 1;
  if (value < min || value > max) {
    Report(node, "'" + field + "' must be a whole number from " +
                     std::to_string(min) + " to " + std::to_string(max) +
                     ", got " + Describe(node));
    return false;
  }
  out = value;
  return true;
}

bool ConfigReader::ReadBool(const YAML::Node& map, const std::string& field,
                            bool& out) {
  const YAML::Node node = map[field];
  if (!node) return false;
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  if (text != "true" && text != "false") {
    Report(node,
           "'" + field + "' must be true or false, got " + Describe(node));
    return false;
  }
  out = text == "true";
  return true;
}

// ---- Sections ----

void ConfigReader::ReadRoot(const YAML::Node& root, ConnectorsConfig& config) {
  if (root.IsNull() || (root.IsMap() && root.size() == 0)) {
    diagnostics_.push_back(
        {0,
         "the file configures no connector; expected a map with "
         "partner_center, bss, notify or http"});
    return;
  }
  if (!root.IsMap()) {
    Report(root,
           "the file must be a map of connectors (partner_center, bss, "
           "notify, http), got " +
               Describe(root));
    return;
  }
  CheckFields(root, kSections, "");
  for (const auto& entry : root) {
    const std::string name = entry.first.Scalar();
    if (name == "partner_center") {
      config.partner_center = ReadPartnerCenter(entry.first, entry.second);
    } else if (name == "bss") {
      config.bss = ReadBss(entry.first, entry.second);
    } else if (name == "notify") {
      config.notify =
          ReadNotify(entry.first, entry.second, root["bss"].IsDefined());
    } else if (name == "http") {
      config.http = ReadHttpSection(*this, entry.first, entry.second);
    }
  }
}

std::optional<pc::PartnerCenterConfig> ConfigReader::ReadPartnerCenter(
    const YAML::Node& key, const YAML::Node& map) {
  if (!ExpectMap(map, "'partner_center'")) return std::nullopt;
  CheckFields(map, kPartnerCenterFields, "'partner_center'");
  Require(key, map, "connector 'partner_center'",
          {"client_id", "client_secret"});
  pc::PartnerCenterConfig config;
  ReadUrl(map, "api_base_url", config.api_base_url);
  ReadUrl(map, "login_base_url", config.login_base_url);
  ReadText(map, "partner_tenant", config.partner_tenant);
  ReadText(map, "client_id", config.client_id);
  ReadSecret(map, "client_secret", config.client_secret);
  std::string refresh_token;
  if (ReadSecret(map, "refresh_token", refresh_token))
    config.refresh_token = std::move(refresh_token);
  ReadText(map, "resource", config.resource);
  ReadDuration(map, "call_timeout", config.call_timeout);
  ReadSeconds(map, "token_refresh_margin", config.token_refresh_margin);
  ReadText(map, "locale", config.locale);
  int64_t page_size = 0;
  if (ReadWholeNumber(map, "search_page_size", 1, 500, page_size))
    config.search_page_size = static_cast<int>(page_size);
  ReadPath(map, "ca_file", config.ca_file);
  return config;
}

std::optional<bss::BssConfig> ConfigReader::ReadBss(const YAML::Node& key,
                                                    const YAML::Node& map) {
  if (!ExpectMap(map, "'bss'")) return std::nullopt;
  CheckFields(map, kBssFields, "'bss'");
  Require(key, map, "connector 'bss'",
          {"base_url", "client_key", "client_secret", "username", "password"});
  bss::BssConfig config;
  ReadUrl(map, "base_url", config.base_url);
  ReadText(map, "client_key", config.client_key);
  ReadSecret(map, "client_secret", config.client_secret);
  ReadText(map, "username", config.username);
  ReadSecret(map, "password", config.password);
  ReadText(map, "system_code", config.system_code);
  ReadDuration(map, "call_timeout", config.call_timeout);
  ReadSeconds(map, "token_refresh_margin", config.token_refresh_margin);
  ReadPath(map, "ca_file", config.ca_file);
  return config;
}

std::optional<notify::NotifyConfig> ConfigReader::ReadNotify(
    const YAML::Node& key, const YAML::Node& map, bool has_bss) {
  // `notify:` alone asks for the defaults.
  if (map.IsNull()) return notify::NotifyConfig{};
  if (!ExpectMap(map, "'notify'")) return std::nullopt;
  CheckFields(map, kNotifyFields, "'notify'");
  notify::NotifyConfig config;
  const YAML::Node transport = map["transport"];
  if (transport) {
    if (!ExpectText(transport, "'transport'")) return std::nullopt;
    const std::string& name = transport.Scalar();
    if (name != "bss" && name != "smtp") {
      std::string message =
          "'transport' must be bss or smtp, got '" + name + "'";
      std::string guess = dsl::ClosestMatch(name, kTransports);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      Report(transport, message);
      return std::nullopt;
    }
    if (name == "smtp")
      config.transport = notify::NotifyConfig::Transport::kSmtp;
  }
  const YAML::Node smtp = map["smtp"];
  if (config.transport == notify::NotifyConfig::Transport::kSmtp) {
    if (!smtp) {
      Report(transport,
             "'transport: smtp' needs an 'smtp' section (host, from, ...)");
    } else {
      ReadSmtp(KeyOf(map, "smtp"), smtp, config.smtp);
    }
    return config;
  }
  if (smtp) {
    Report(KeyOf(map, "smtp"),
           "'smtp' is used only with 'transport: smtp'; set the transport or "
           "remove the section");
  }
  if (!has_bss) {
    Report(transport ? transport : key,
           "the bss transport (the default) sends notifications through the "
           "bss connector, which this file does not configure; add a 'bss' "
           "section or use 'transport: smtp'");
  }
  return config;
}

void ConfigReader::ReadSmtp(const YAML::Node& key, const YAML::Node& map,
                            notify::SmtpConfig& smtp) {
  if (!ExpectMap(map, "'smtp'")) return;
  CheckFields(map, kSmtpFields, "'smtp'");
  Require(key, map, "'smtp'", {"host", "from"});
  bool has_host = ReadText(map, "host", smtp.host);
  int64_t port = 0;
  if (ReadWholeNumber(map, "port", 1, 65535, port))
    smtp.port = static_cast<uint16_t>(port);
  ReadText(map, "from", smtp.from);
  ReadText(map, "helo_name", smtp.helo_name, /*may_be_empty=*/true);
  ReadText(map, "username", smtp.username, /*may_be_empty=*/true);
  ReadSecret(map, "password", smtp.password);
  // A malformed starttls is its own problem, not also a missing STARTTLS.
  bool starttls_known =
      !map["starttls"] || ReadBool(map, "starttls", smtp.starttls);
  ReadPath(map, "ca_file", smtp.ca_file);
  ReadDuration(map, "timeout", smtp.timeout);
  if (!smtp.username.empty() && !map["password"]) {
    Report(KeyOf(map, "username"),
           "'username' needs a 'password' (AUTH PLAIN sends both)");
  }
  if (has_host && starttls_known && !smtp.starttls &&
      !net::IsLoopbackHost(smtp.host)) {
    Report(map["host"], "SMTP to " + smtp.host +
                            " needs 'starttls: true': only loopback hosts "
                            "may be reached without TLS, since the password "
                            "and the messages would cross the network "
                            "unencrypted");
  }
}

}  // namespace config_internal

ConnectorsConfigResult ParseConnectorsConfig(std::string file_name,
                                             std::string text,
                                             const SecretSources& secrets) {
  return config_internal::ConfigReader(std::move(file_name), std::move(text),
                                      secrets)
      .Run();
}

ConnectorsConfigResult LoadConnectorsConfigFile(const std::string& path,
                                                const SecretSources& secrets) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    ConnectorsConfigResult result;
    result.source.name = path;
    result.diagnostics.push_back(
        dsl::Diagnostic::AboutWholeFile(text.status().message()));
    return result;
  }
  return ParseConnectorsConfig(path, std::move(text).value(), secrets);
}

}  // namespace bssflow::app
