#include "app/serve/server_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "app/connector_config_reader.h"
#include "base/read_file.h"

namespace bssflow::serve {

namespace {

using app::config_internal::ConfigReader;
using app::config_internal::Describe;

const std::vector<std::string> kRootFields = {
    "listen",     "threads", "state_dir", "workflows_dir", "connectors",
    "auth",       "callbacks", "limits"};
const std::vector<std::string> kAuthFields = {"tokens", "public"};
const std::vector<std::string> kTokenFields = {"name", "token", "roles"};
const std::vector<std::string> kPublicRoutes = {"healthz", "readyz", "metrics",
                                                "openapi"};
const std::vector<std::string> kCallbackFields = {
    "secret",      "attempts", "initial_backoff", "max_backoff",
    "timeout",     "allowed_urls"};
const std::vector<std::string> kLimitFields = {
    "header_bytes", "body_bytes",      "header_timeout",  "body_timeout",
    "idle_timeout", "max_connections", "shutdown_timeout"};

std::optional<Role> ParseRole(const std::string& text) {
  if (text == "read") return Role::kRead;
  if (text == "write") return Role::kWrite;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

class ServeConfigReader {
 public:
  explicit ServeConfigReader(ConfigReader& reader) : reader_(reader) {}

  void ReadRoot(const YAML::Node& root, ServeConfig& config) {
    if (root.IsNull()) return;  // an empty file: every default
    if (!reader_.ExpectMap(root, "the serve configuration")) return;
    reader_.CheckFields(root, kRootFields, "the serve configuration");
    std::string listen;
    if (reader_.ReadText(root, "listen", listen)) {
      Status parsed = ParseListen(listen, config.host, config.port);
      if (!parsed.ok()) reader_.Report(root["listen"], parsed.message());
    }
    int64_t threads = 0;
    if (reader_.ReadWholeNumber(root, "threads", 1, 256, threads))
      config.threads = static_cast<int>(threads);
    reader_.ReadPath(root, "state_dir", config.state_dir);
    reader_.ReadPath(root, "workflows_dir", config.workflows_dir);
    reader_.ReadPath(root, "connectors", config.connectors_file);
    if (root["auth"]) ReadAuth(root["auth"], config);
    if (root["callbacks"]) ReadCallbacks(root["callbacks"], config.callbacks);
    if (root["limits"]) ReadLimits(root["limits"], config.limits);
  }

 private:
  void ReadAuth(const YAML::Node& auth, ServeConfig& config) {
    if (!reader_.ExpectMap(auth, "'auth'")) return;
    reader_.CheckFields(auth, kAuthFields, "'auth'");
    if (const YAML::Node tokens = auth["tokens"]) {
      if (!tokens.IsSequence()) {
        reader_.Report(tokens, "'tokens' must be a list of {name, token, "
                               "roles}, got " + Describe(tokens));
      } else {
        for (const YAML::Node& token : tokens) ReadToken(token, config);
      }
    }
    if (const YAML::Node routes = auth["public"]) ReadPublic(routes, config);
  }

  void ReadToken(const YAML::Node& node, ServeConfig& config) {
    if (!reader_.ExpectMap(node, "a token")) return;
    reader_.CheckFields(node, kTokenFields, "a token");
    reader_.Require(node, node, "a token", {"name", "token"});
    TokenConfig token;
    reader_.ReadText(node, "name", token.name);
    reader_.ReadSecret(node, "token", token.token);
    for (const TokenConfig& other : config.tokens) {
      if (!token.name.empty() && other.name == token.name) {
        reader_.Report(node["name"], "two tokens are named '" + token.name +
                                         "'; names must be unique");
      }
    }
    if (!token.token.empty() && token.token.size() < 16) {
      reader_.Report(node["token"],
                     "the token of '" + token.name +
                         "' is shorter than 16 characters; use a long random "
                         "one (e.g. openssl rand -hex 32)");
    }
    if (const YAML::Node roles = node["roles"]) ReadRoles(roles, token);
    config.tokens.push_back(std::move(token));
  }

  void ReadRoles(const YAML::Node& roles, TokenConfig& token) {
    if (!roles.IsSequence()) {
      reader_.Report(roles, "'roles' must be a list of read, write and admin, "
                            "got " + Describe(roles));
      return;
    }
    token.roles.clear();
    for (const YAML::Node& role : roles) {
      std::optional<Role> parsed =
          role.IsScalar() ? ParseRole(role.Scalar()) : std::nullopt;
      if (!parsed.has_value()) {
        reader_.Report(role, "unknown role " + Describe(role) +
                                 "; the roles are read, write and admin");
        continue;
      }
      token.roles.insert(*parsed);
    }
  }

  void ReadPublic(const YAML::Node& routes, ServeConfig& config) {
    if (!routes.IsSequence()) {
      reader_.Report(routes, "'public' must be a list of healthz, readyz, "
                             "metrics and openapi, got " + Describe(routes));
      return;
    }
    config.public_routes.clear();
    for (const YAML::Node& route : routes) {
      std::string name = route.IsScalar() ? route.Scalar() : "";
      if (std::find(kPublicRoutes.begin(), kPublicRoutes.end(), name) ==
          kPublicRoutes.end()) {
        reader_.Report(route, "'public' lists " + Describe(route) +
                                  "; only healthz, readyz, metrics and "
                                  "openapi can be public");
        continue;
      }
      config.public_routes.insert(name);
    }
  }

  void ReadCallbacks(const YAML::Node& map, CallbackConfig& callbacks) {
    if (!reader_.ExpectMap(map, "'callbacks'")) return;
    reader_.CheckFields(map, kCallbackFields, "'callbacks'");
    reader_.ReadSecret(map, "secret", callbacks.secret);
    int64_t attempts = 0;
    if (reader_.ReadWholeNumber(map, "attempts", 1, 100, attempts))
      callbacks.attempts = static_cast<int>(attempts);
    reader_.ReadDuration(map, "initial_backoff", callbacks.initial_backoff);
    reader_.ReadDuration(map, "max_backoff", callbacks.max_backoff);
    reader_.ReadDuration(map, "timeout", callbacks.timeout);
    if (const YAML::Node urls = map["allowed_urls"])
      ReadAllowedUrls(urls, callbacks);
  }

  void ReadAllowedUrls(const YAML::Node& urls, CallbackConfig& callbacks) {
    if (!urls.IsSequence()) {
      reader_.Report(urls, "'allowed_urls' must be a list of URLs, got " +
                               Describe(urls));
      return;
    }
    for (const YAML::Node& node : urls) {
      Result<net::Url> url = node.IsScalar()
                                 ? net::ParseUrl(node.Scalar())
                                 : Status::Error("a URL must be a string, got " +
                                                 Describe(node));
      if (!url.ok()) {
        reader_.Report(node, "'allowed_urls': " + url.status().message());
        continue;
      }
      if (url.value().target.find('?') != std::string::npos) {
        reader_.Report(node, "'allowed_urls': " + Describe(node) +
                                 " has a query; an allowed URL is a scheme, "
                                 "a host, a port and a path");
        continue;
      }
      callbacks.allowed_urls.push_back(std::move(url).value());
    }
  }

  void ReadLimits(const YAML::Node& map, net::ServerOptions& limits) {
    if (!reader_.ExpectMap(map, "'limits'")) return;
    reader_.CheckFields(map, kLimitFields, "'limits'");
    int64_t number = 0;
    if (reader_.ReadWholeNumber(map, "header_bytes", 1024, 1 << 20, number))
      limits.header_limit = static_cast<uint32_t>(number);
    if (reader_.ReadWholeNumber(map, "body_bytes", 1024, 256 << 20, number))
      limits.body_limit = static_cast<uint64_t>(number);
    if (reader_.ReadWholeNumber(map, "max_connections", 1, 1'000'000, number))
      limits.max_connections = static_cast<size_t>(number);
    reader_.ReadDuration(map, "header_timeout", limits.header_timeout);
    reader_.ReadDuration(map, "body_timeout", limits.body_timeout);
    reader_.ReadDuration(map, "idle_timeout", limits.idle_timeout);
    reader_.ReadDuration(map, "shutdown_timeout", limits.shutdown_timeout);
  }

  ConfigReader& reader_;
};

}  // namespace

Status ParseListen(const std::string& text, std::string& host,
                   uint16_t& port) {
  size_t colon = text.rfind(':');
  std::string host_part =
      colon == std::string::npos ? "" : text.substr(0, colon);
  std::string port_part =
      colon == std::string::npos ? "" : text.substr(colon + 1);
  if (host_part.size() > 2 && host_part.front() == '[' &&
      host_part.back() == ']') {
    host_part = host_part.substr(1, host_part.size() - 2);
  }
  bool digits = !port_part.empty() && port_part.size() <= 5 &&
                std::all_of(port_part.begin(), port_part.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (host_part.empty() || !digits || std::stoi(port_part) > 65535) {
    return Status::Error("listen address '" + text +
                         "' must be HOST:PORT, e.g. 127.0.0.1:8080 or "
                         "[::1]:8080 (port 0: any free port)");
  }
  host = host_part;
  port = static_cast<uint16_t>(std::stoi(port_part));
  return Status::Ok();
}

ServeConfigResult ParseServeConfig(std::string file_name, std::string text,
                                   const app::SecretSources& secrets) {
  ConfigReader reader(std::move(file_name), std::move(text), secrets);
  ServeConfigReader serve(reader);
  ServeConfig config;
  ServeConfigResult result;
  std::tie(result.source, result.diagnostics) = reader.ReadWith(
      [&serve, &config](const YAML::Node& root) {
        serve.ReadRoot(root, config);
      });
  if (result.diagnostics.empty()) result.config = std::move(config);
  return result;
}

ServeConfigResult LoadServeConfigFile(const std::string& path,
                                      const app::SecretSources& secrets) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    ServeConfigResult result;
    result.source.name = path;
    result.diagnostics.push_back(
        dsl::Diagnostic::AboutWholeFile(text.status().message()));
    return result;
  }
  return ParseServeConfig(path, std::move(text).value(), secrets);
}

}  // namespace bssflow::serve
