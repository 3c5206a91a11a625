// The connectors file: which services `bssflow run`, `answer` and `resume`
// reach, and with which credentials (docs/operations.md, "Connector
// configuration"). One section per connector, each optional:
//
//   partner_center:
//     api_base_url: https://api.partnercenter.microsoft.com
//     client_id: 0b5f1c0e-...
//     client_secret: {env: PC_CLIENT_SECRET}
//   bss:
//     base_url: https://bss.example.com
//     client_key: bssflow
//     client_secret: {file: /run/secrets/bss-client-secret}
//     username: integration@bss.example
//     password: {env: BSS_PASSWORD}
//   notify:
//     transport: smtp
//     smtp: {host: mail.example.com, port: 587, from: noreply@example.com,
//            starttls: true}
//   http:
//     endpoints:
//       crm_account:
//         method: GET
//         url: https://crm.example/api/accounts/{account_id}
//         headers: {Authorization: {env: CRM_AUTH}}
//
// Field names are those of the connectors' config structs; the `http`
// section is described in docs/connectors/http.md and read by
// http_endpoints_config.cc. Secrets are
// written as text, as {env: NAME} or as {file: PATH}, and resolved while
// the file is read, so that a missing one stops the command before it runs
// anything. Every problem is a diagnostic at its file:line:col, in the
// workflow loader's format (dsl/source.h); no message ever holds a secret.
#ifndef BSSFLOW_APP_CONNECTOR_CONFIG_H_
#define BSSFLOW_APP_CONNECTOR_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/bss/bss_config.h"
#include "connectors/http/endpoint.h"
#include "connectors/notify/notify_config.h"
#include "connectors/partner_center/partner_center_config.h"
#include "dsl/source.h"

namespace bssflow::app {

/// The connectors a file configures; a section the file leaves out is
/// nullopt. Secrets are resolved (the values themselves, not their
/// sources).
struct ConnectorsConfig {
  std::optional<connectors::partner_center::PartnerCenterConfig> partner_center;
  std::optional<connectors::bss::BssConfig> bss;
  std::optional<connectors::notify::NotifyConfig> notify;
  /// The generic http connector's endpoints, parsed and checked.
  std::optional<connectors::http::HttpConfig> http;
};

/// Where secrets written as {env: NAME} and {file: PATH} come from. Empty
/// members take the real thing; tests put fakes in.
struct SecretSources {
  /// The value of environment variable `name`; nullopt when it is not set.
  std::function<std::optional<std::string>(const std::string& name)> env;
  /// The whole content of the file at `path`, or an error saying why it
  /// cannot be read (e.g. "No such file or directory").
  std::function<Result<std::string>(const std::string& path)> read_file;
};

/// What reading a connectors file gives: the configuration, or every
/// problem found.
struct ConnectorsConfigResult {
  /// Set when, and only when, there are no diagnostics.
  std::optional<ConnectorsConfig> config;
  /// The file, for dsl::RenderAll(source, diagnostics); secrets written in
  /// it as text are replaced by '*'s, so that a rendered line never shows
  /// one.
  dsl::Source source;
  /// Every problem, in file order.
  std::vector<dsl::Diagnostic> diagnostics;

  bool ok() const { return config.has_value(); }
};

/// Reads a connectors file from `text`; `file_name` names it in messages,
/// and a relative {file: PATH} or ca_file is taken from its directory.
/// Never throws.
ConnectorsConfigResult ParseConnectorsConfig(std::string file_name,
                                             std::string text,
                                             const SecretSources& secrets = {});

/// Reads and parses the file at `path`; an unreadable file is a diagnostic.
ConnectorsConfigResult LoadConnectorsConfigFile(
    const std::string& path, const SecretSources& secrets = {});

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_CONNECTOR_CONFIG_H_
