#include "app/configured_connectors.h"

#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "app/embedded_connectors.h"
#include "connectors/bss/actions.h"
#include "connectors/bss/bss_connector.h"
#include "connectors/http/http_connector.h"
#include "connectors/notify/notify_connector.h"
#include "connectors/partner_center/partner_center_connector.h"

namespace bssflow::app {

namespace {

namespace pc = connectors::partner_center;
namespace bss = connectors::bss;
namespace notify = connectors::notify;
namespace http = connectors::http;

Status AddAll(const std::vector<engine::ActionSpec>& specs,
              engine::ActionCatalog& actions) {
  for (const engine::ActionSpec& spec : specs) {
    if (Status s = actions.Add(spec); !s.ok()) return s;
  }
  return Status::Ok();
}

// Registers `connector` as `name` with its manifest.
Status Register(const std::string& name,
                std::shared_ptr<engine::Connector> connector,
                const std::vector<engine::ActionSpec>& manifest,
                engine::ConnectorSet& set, engine::ActionCatalog& actions) {
  if (Status s = set.Add(name, std::move(connector)); !s.ok()) return s;
  return AddAll(manifest, actions);
}

}  // namespace

Status MakeConfiguredConnectors(const ConnectorsConfig& config,
                                boost::asio::any_io_executor executor,
                                engine::ConnectorSet& set,
                                engine::ActionCatalog& actions) {
  if (config.partner_center.has_value()) {
    auto made =
        pc::PartnerCenterConnector::Create(executor, *config.partner_center);
    if (!made.ok()) return made.status();
    Status added = Register("partner_center", std::move(made).value(),
                            pc::Manifest(), set, actions);
    if (!added.ok()) return added;
  }
  if (config.http.has_value()) {
    auto made = http::HttpConnector::Create(executor, *config.http);
    if (!made.ok()) return made.status();
    Status added = Register("http", std::move(made).value(),
                            http::Manifest(config.http->endpoints), set,
                            actions);
    if (!added.ok()) return added;
  }
  std::shared_ptr<engine::Connector> bss_connector;
  if (config.bss.has_value()) {
    auto made = bss::BssConnector::Create(executor, *config.bss);
    if (!made.ok()) return made.status();
    bss_connector = std::move(made).value();
    Status added =
        Register("bss", bss_connector, bss::Manifest(), set, actions);
    if (!added.ok()) return added;
  }
  // With a BSS, `notify` steps work without a notify section: the default
  // transport sends through the BSS.
  std::optional<notify::NotifyConfig> notify_config = config.notify;
  if (!notify_config.has_value() && bss_connector != nullptr)
    notify_config.emplace();
  if (notify_config.has_value()) {
    auto made = notify::NotifyConnector::Create(executor, *notify_config,
                                                bss_connector);
    if (!made.ok()) return made.status();
    return Register("notify", std::move(made).value(), notify::Manifest(), set,
                    actions);
  }
  return Status::Ok();
}

engine::ActionCatalog AllConnectorActions(const ConnectorsConfig* config) {
  engine::ActionCatalog actions;
  std::vector<std::vector<engine::ActionSpec>> manifests = {
      pc::Manifest(), bss::Manifest(), notify::Manifest()};
  if (config != nullptr && config->http.has_value()) {
    manifests.push_back(http::Manifest(config->http->endpoints));
  }
  for (const auto& manifest : manifests) {
    for (const engine::ActionSpec& spec : manifest) {
      // The names are distinct: ours by test, the endpoints' by the
      // connectors file's checks.
      (void)actions.Add(spec);
    }
  }
  return actions;
}

EngineOptions WithConfiguredConnectors(EngineOptions options,
                                       ConnectorsConfig config) {
  options.make_connectors = [config = std::move(config)](
                                boost::asio::any_io_executor executor,
                                engine::ConnectorSet& set,
                                engine::ActionCatalog& actions) {
    return MakeConfiguredConnectors(config, std::move(executor), set, actions);
  };
  return options;
}

std::optional<EngineOptions> WithConnectorsFrom(
    EngineOptions options, const std::string& connectors_file,
    std::ostream& err) {
  if (connectors_file.empty())
    return WithEmbeddedSimulators(std::move(options));
  ConnectorsConfigResult loaded = LoadConnectorsConfigFile(connectors_file);
  if (!loaded.ok()) {
    err << dsl::RenderAll(loaded.source, loaded.diagnostics);
    return std::nullopt;
  }
  return WithConfiguredConnectors(std::move(options),
                                  std::move(*loaded.config));
}

}  // namespace bssflow::app
