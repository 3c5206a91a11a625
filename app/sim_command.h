// `bssflow sim`: the Partner Center and BSS simulators, standalone, until
// SIGINT or SIGTERM. The same simulators the engine embeds when no real
// endpoints are configured; docs/simulators/ describes what they simulate.
#ifndef BSSFLOW_APP_SIM_COMMAND_H_
#define BSSFLOW_APP_SIM_COMMAND_H_

#include <cstdint>
#include <iosfwd>
#include <string>

namespace bssflow::app {

struct SimOptions {
  std::string host = "127.0.0.1";
  uint16_t partner_center_port = 8081;
  uint16_t bss_port = 8082;
};

/// Serves both simulators and blocks until SIGINT or SIGTERM; prints their
/// base URLs and demo credentials on `out`. Exit code 0, or 2 when a port
/// cannot be bound.
int RunSimulators(const SimOptions& options, std::ostream& out,
                  std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_SIM_COMMAND_H_
