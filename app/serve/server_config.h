// The configuration of `bssflow serve`: a YAML file (--config), every field
// optional. Secrets (tokens, the callback secret) may be written as text,
// {env: NAME} or {file: PATH}; durations as 500ms, 10s, 1m; any text or
// duration as {env: NAME}. Problems are reported all at once, each with
// file:line:col, the line (secrets masked) and a caret.
//
//   listen: 127.0.0.1:8080
//   threads: 2
//   state_dir: /var/lib/bssflow
//   workflows_dir: /etc/bssflow/workflows
//   connectors: /etc/bssflow/connectors.yaml
//   auth:
//     tokens:
//       - {name: bss-prod, token: {env: BSSFLOW_TOKEN}, roles: [read, write]}
//     public: [healthz, readyz, metrics]
//   callbacks: {secret: {env: BSSFLOW_CALLBACK_SECRET}, attempts: 8,
//               initial_backoff: 1s, max_backoff: 1m, timeout: 10s,
//               allowed_urls: [https://bss.example.com/hooks]}
//   limits: {header_bytes: 16384, body_bytes: 1048576, header_timeout: 10s,
//            body_timeout: 30s, idle_timeout: 60s, max_connections: 1024,
//            shutdown_timeout: 30s}
#ifndef BSSFLOW_APP_SERVE_SERVER_CONFIG_H_
#define BSSFLOW_APP_SERVE_SERVER_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/connector_config.h"
#include "dsl/source.h"
#include "net/http_server.h"
#include "net/url.h"

namespace bssflow::serve {

/// What a token may do: read (GET routes), write (start, answer, cancel
/// runs), admin (validate and reload workflows).
enum class Role { kRead, kWrite, kAdmin };

struct TokenConfig {
  std::string name;   // in logs and as who answered a confirmation
  std::string token;  // the secret itself
  std::set<Role> roles = {Role::kRead, Role::kWrite, Role::kAdmin};
};

struct CallbackConfig {
  std::string secret;  // empty: callbacks are not signed
  int attempts = 8;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds timeout{10000};
  /// The URLs a run's callback_url must be under (net::IsUnder); empty:
  /// any http(s) URL. Set it in production: otherwise whoever may start a
  /// run chooses where the server sends requests, internal addresses
  /// included.
  std::vector<net::Url> allowed_urls;
};

struct ServeConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  /// io threads; 0: one per core.
  int threads = 0;
  /// Empty: the defaults of the CLI (DefaultStateDir, the Microsoft
  /// workflows, the embedded simulators).
  std::string state_dir;
  std::string workflows_dir;
  std::string connectors_file;
  /// No token: no authentication.
  std::vector<TokenConfig> tokens;
  /// Of "healthz", "readyz", "metrics", "openapi": the routes that need no
  /// token when tokens are configured.
  std::set<std::string> public_routes = {"healthz", "readyz"};
  CallbackConfig callbacks;
  net::ServerOptions limits;
};

struct ServeConfigResult {
  std::optional<ServeConfig> config;  // set when there are no diagnostics
  dsl::Source source;                 // secrets masked
  std::vector<dsl::Diagnostic> diagnostics;
  bool ok() const { return config.has_value(); }
};

/// Parses a serve configuration; relative paths are taken from the file's
/// directory. Never throws.
ServeConfigResult ParseServeConfig(std::string file_name, std::string text,
                                   const app::SecretSources& secrets = {});
ServeConfigResult LoadServeConfigFile(const std::string& path,
                                      const app::SecretSources& secrets = {});

/// "HOST:PORT" (IPv6 as [::1]:8080) into host and port; an error naming
/// the text otherwise.
Status ParseListen(const std::string& text, std::string& host, uint16_t& port);

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_SERVER_CONFIG_H_
