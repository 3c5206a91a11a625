// `bssflow demo`: the README's main command. Provisions every demo customer
// of the embedded BSS simulator as a Microsoft tenant with the workflows of
// workflows/microsoft/, against the embedded simulators, and says for each
// account what happened: tenant created (and who got the credentials),
// prerequisites failed and why, confirmation asked and answered, failure.
#ifndef BSSFLOW_APP_DEMO_COMMAND_H_
#define BSSFLOW_APP_DEMO_COMMAND_H_

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "app/local_engine.h"

namespace bssflow::app {

struct DemoOptions {
  /// Holds get-services-definitions.yaml and provision-tenant.yaml; empty:
  /// DefaultMicrosoftWorkflowsDir().
  std::string workflows_dir;
  /// The accounts to provision, in this order; empty: every demo account
  /// that is not a reseller.
  std::vector<int64_t> accounts;
  /// Accounts whose confirmation is rejected; the others are confirmed.
  std::vector<int64_t> reject;
  /// Print every event of every run, as `bssflow run` does.
  bool verbose = false;
  /// engine.state_dir empty: a fresh temporary directory, removed after.
  EngineOptions engine;
};

/// $BSSFLOW_WORKFLOWS_DIR/microsoft, else workflows/microsoft of the
/// source tree this build was configured from.
std::string DefaultMicrosoftWorkflowsDir();

/// Runs get-services-definitions for the demo's direct CSP system, then
/// provision-tenant for each account, answering confirmations; prints a
/// report per account and a summary. 0 when every run ended as the demo
/// expects it to (succeeded, or failed with the workflow's own message);
/// 2 when the engine or a workflow file could not be used.
int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_DEMO_COMMAND_H_
