#include "app/sim_command.h"

#include <csignal>
#include <ostream>

#include "simulators/bss/bss_simulator.h"
#include "simulators/bss/demo_seed.h"
#include "simulators/host/simulator_host.h"
#include "simulators/partner_center/partner_center_simulator.h"

namespace bssflow::app {

namespace {

sigset_t TerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

int RunSimulators(const SimOptions& options, std::ostream& out,
                  std::ostream& err) {
  // Blocked before the host's thread starts (it inherits the mask), so the
  // signals wait for this thread's sigwait.
  const sigset_t signals = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  simulators::partner_center::PartnerCenterSimulator partner_center;
  simulators::bss::BssSimulator bss;
  simulators::SimulatorHost host;
  auto pc_url = host.Add(
      [&](const simulators::HttpRequest& r) { return partner_center.Handle(r); },
      options.host, options.partner_center_port);
  auto bss_url = pc_url.ok() ? host.Add(
                                   [&](const simulators::HttpRequest& r) {
                                     return bss.Handle(r);
                                   },
                                   options.host, options.bss_port)
                             : pc_url;
  Status started = bss_url.ok() ? host.Start() : bss_url.status();
  if (!started.ok()) {
    err << "bssflow sim: " << started.message() << "\n";
    return 2;
  }
  out << "partner center simulator: " << pc_url.value()
      << " (login and API; docs/simulators/partner-center.md)\n"
      << "bss simulator:            " << bss_url.value()
      << " (docs/simulators/bss.md)\n"
      << "inspect either at /_sim/state; stop with Ctrl-C\n";
  out.flush();
  int received = 0;
  sigwait(&signals, &received);
  host.Stop();
  out << "simulators stopped\n";
  return 0;
}

}  // namespace bssflow::app
