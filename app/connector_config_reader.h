// Internal to the configuration files: the reader that walks a file, shared
// by the files that read the connectors file's sections (connector_config.cc:
// partner_center, bss, notify; http_endpoints_config.cc: http) and by the
// server configuration of `bssflow serve` (serve/server_config.cc), so that
// every file takes secrets, durations and {env: NAME} the same way and
// reports problems alike. Not for use elsewhere.
#ifndef BSSFLOW_APP_CONNECTOR_CONFIG_READER_H_
#define BSSFLOW_APP_CONNECTOR_CONFIG_READER_H_

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/connector_config.h"
#include "connectors/http/endpoint.h"
#include "engine/yaml_file.h"

namespace bssflow::app::config_internal {

/// A node for messages: "a map", "a list", "nothing", or its text quoted.
std::string Describe(const YAML::Node& node);

/// The message about a plain http:// URL of `field` to a `host` that is not
/// loopback.
std::string PlainHttpProblem(const std::string& field, const std::string& host);

/// Reads one connectors file: every section and field, reporting each
/// problem at the node it is about and going on, so that one pass finds
/// them all. The public members below Run() are the primitives the section
/// readers share.
class ConfigReader {
 public:
  ConfigReader(std::string name, std::string text,
               const SecretSources& secrets);

  ConnectorsConfigResult Run();

  /// Reads the file with `read_root` (called with the root node when the
  /// file parses); every diagnostic, in file order, and the file with the
  /// secrets written in it masked (see ConnectorsConfigResult).
  std::pair<dsl::Source, std::vector<dsl::Diagnostic>> ReadWith(
      const std::function<void(const YAML::Node& root)>& read_root);

  const engine::YamlFile& file() const { return file_; }

  // ---- Reporting and structure ----
  void Report(const YAML::Node& node, std::string message) {
    diagnostics_.push_back({file_.OffsetOf(node), std::move(message)});
  }
  /// A problem at byte `offset` of the file (inside a scalar).
  void ReportAt(int32_t offset, std::string message) {
    diagnostics_.push_back({offset, std::move(message)});
  }
  void CheckFields(const YAML::Node& map,
                   const std::vector<std::string>& allowed,
                   const std::string& where);
  bool ExpectMap(const YAML::Node& node, const std::string& what);
  bool ExpectText(const YAML::Node& node, const std::string& what);
  /// The key node of `field` in `map` (for messages about the whole entry).
  static YAML::Node KeyOf(const YAML::Node& map, const std::string& field);
  /// Reports each of `fields` missing from `map`, at `key`.
  void Require(const YAML::Node& key, const YAML::Node& map,
               const std::string& what, const std::vector<std::string>& fields);
  /// Hides a scalar written in the file (a secret) from rendered lines.
  void Mask(const YAML::Node& scalar);

  // ---- Fields: each reads map[field] when present; true when it was
  // present and valid, and then `out` holds its value. Text and duration
  // fields may also be written {env: NAME}: the variable's value, so that
  // one file serves several environments. ----
  /// The text of a scalar, or of the variable a {env: NAME} map names;
  /// nullopt (reported) otherwise.
  std::optional<std::string> ScalarOrEnv(const YAML::Node& node,
                                         const std::string& field);
  bool ReadText(const YAML::Node& map, const std::string& field,
                std::string& out, bool may_be_empty = false);
  bool ReadPath(const YAML::Node& map, const std::string& field,
                std::string& out);
  bool ReadUrl(const YAML::Node& map, const std::string& field,
               std::string& out);
  bool ReadSecret(const YAML::Node& map, const std::string& field,
                  std::string& out);
  bool ReadDuration(const YAML::Node& map, const std::string& field,
                    std::chrono::milliseconds& out, bool may_be_zero = false);
  bool ReadSeconds(const YAML::Node& map, const std::string& field,
                   std::chrono::seconds& out);
  bool ReadWholeNumber(const YAML::Node& map, const std::string& field,
                       int64_t min, int64_t max, int64_t& out);
  bool ReadBool(const YAML::Node& map, const std::string& field, bool& out);

 private:
  std::string Resolve(const std::string& path) const;
  std::optional<std::string> SecretFromEnv(const YAML::Node& name,
                                           const std::string& field);
  std::optional<std::string> SecretFromFile(const YAML::Node& path,
                                            const std::string& field);

  // ---- Sections ----
  void ReadRoot(const YAML::Node& root, ConnectorsConfig& config);
  std::optional<connectors::partner_center::PartnerCenterConfig>
  ReadPartnerCenter(const YAML::Node& key, const YAML::Node& map);
  std::optional<connectors::bss::BssConfig> ReadBss(const YAML::Node& key,
                                                    const YAML::Node& map);
  std::optional<connectors::notify::NotifyConfig> ReadNotify(
      const YAML::Node& key, const YAML::Node& map, bool has_bss);
  void ReadSmtp(const YAML::Node& key, const YAML::Node& map,
                connectors::notify::SmtpConfig& smtp);

  engine::YamlFile file_;
  std::string base_dir_;
  SecretSources secrets_;
  std::vector<dsl::Diagnostic> diagnostics_;
  // [begin, end) byte ranges of the secrets written as text.
  std::vector<std::pair<size_t, size_t>> masked_;
};

/// Reads the `http` section, `map` under `key` (http_endpoints_config.cc);
/// nullopt when it is not a map.
std::optional<connectors::http::HttpConfig> ReadHttpSection(
    ConfigReader& reader, const YAML::Node& key, const YAML::Node& map);

}  // namespace bssflow::app::config_internal

#endif  // BSSFLOW_APP_CONNECTOR_CONFIG_READER_H_
