#include "app/embedded_connectors.h"

#include <memory>

#include "app/configured_connectors.h"
#include "simulators/bss/bss_simulator.h"
#include "simulators/host/simulator_host.h"
#include "simulators/partner_center/partner_center_options.h"
#include "simulators/partner_center/partner_center_simulator.h"

namespace bssflow::app {

namespace {

namespace pc = connectors::partner_center;
namespace bss = connectors::bss;

// The simulators and the host that serves them; shared by the closure that
// makes the connectors, so they live as long as the engine.
struct Simulators {
  simulators::partner_center::PartnerCenterSimulator partner_center;
  simulators::bss::BssSimulator bss;
  simulators::SimulatorHost host;
  std::string partner_center_url;
  std::string bss_url;
};

Status StartSimulators(Simulators& sims) {
  auto pc_url = sims.host.Add([&sims](const simulators::HttpRequest& r) {
    return sims.partner_center.Handle(r);
  });
  if (!pc_url.ok()) return pc_url.status();
  auto bss_url = sims.host.Add([&sims](const simulators::HttpRequest& r) {
    return sims.bss.Handle(r);
  });
  if (!bss_url.ok()) return bss_url.status();
  sims.partner_center_url = pc_url.value();
  sims.bss_url = bss_url.value();
  return sims.host.Start();
}

// The simulators' demo credentials (docs/simulators/).
ConnectorsConfig EmbeddedConfig(const Simulators& sims) {
  ConnectorsConfig config;
  pc::PartnerCenterConfig& partner_center = config.partner_center.emplace();
  partner_center.api_base_url = sims.partner_center_url;
  partner_center.login_base_url = sims.partner_center_url;
  partner_center.client_id =
      std::string(simulators::partner_center::kDemoClientId);
  partner_center.client_secret =
      std::string(simulators::partner_center::kDemoClientSecret);
  partner_center.refresh_token =
      std::string(simulators::partner_center::kDemoRefreshToken);

  bss::BssConfig& bss_config = config.bss.emplace();
  bss_config.base_url = sims.bss_url;
  bss_config.client_key = "bssflow-demo-client";
  bss_config.client_secret = "bssflow-demo-secret";
  bss_config.username = "integration@bss.example";
  bss_config.password = "demo-password";
  return config;
}

}  // namespace

EngineOptions WithEmbeddedSimulators(EngineOptions options) {
  auto sims = std::make_shared<Simulators>();
  options.make_connectors =
      [sims](boost::asio::any_io_executor executor, engine::ConnectorSet& set,
             engine::ActionCatalog& actions) -> Status {
    if (Status s = StartSimulators(*sims); !s.ok()) {
      return Status::Error("cannot start the embedded simulators: " +
                           s.message());
    }
    return MakeConfiguredConnectors(EmbeddedConfig(*sims), std::move(executor),
                                    set, actions);
  };
  return options;
}

}  // namespace bssflow::app
