// The connectors of a fresh checkout: the Partner Center and BSS simulators
// served on loopback ports, and the partner_center and bss connectors
// configured against them with the simulators' demo credentials (plus
// notify, through the BSS simulator). What `bssflow run` uses when no
// connectors file is given (configured_connectors.h), so that a workflow
// runs end to end on one machine with nothing else installed.
#ifndef BSSFLOW_APP_EMBEDDED_CONNECTORS_H_
#define BSSFLOW_APP_EMBEDDED_CONNECTORS_H_

#include "app/local_engine.h"

namespace bssflow::app {

/// `options` with make_connectors set to start the simulators (on a thread
/// of their own, for as long as the engine lives) and to make the
/// connectors against them (MakeConfiguredConnectors). A simulator that
/// cannot listen is an error of LocalEngine::Open.
EngineOptions WithEmbeddedSimulators(EngineOptions options);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_EMBEDDED_CONNECTORS_H_
