// The connectors a connectors file configures (connector_config.h), made
// for the engine of one command; and how `run`, `answer` and `resume`
// choose between such a file and the embedded simulators.
#ifndef BSSFLOW_APP_CONFIGURED_CONNECTORS_H_
#define BSSFLOW_APP_CONFIGURED_CONNECTORS_H_

#include <boost/asio/any_io_executor.hpp>
#include <iosfwd>
#include <optional>
#include <string>

#include "app/connector_config.h"
#include "app/local_engine.h"
#include "base/status.h"
#include "engine/actions.h"
#include "engine/connector.h"

namespace bssflow::app {

/// Makes the connectors `config` configures on `executor`, adding each to
/// `set` under its name (partner_center, bss, notify, http) and its manifest
/// to `actions` (for http, one action per declared endpoint). When bss is
/// configured and notify is not, a notify connector with the BSS transport
/// (the default) is made as well, so that `notify` steps work. Makes no
/// connection: connectors connect on their first call. An error (the
/// connector's own) names the connector that could not be made.
Status MakeConfiguredConnectors(const ConnectorsConfig& config,
                                boost::asio::any_io_executor executor,
                                engine::ConnectorSet& set,
                                engine::ActionCatalog& actions);

/// The actions of every connector bssflow has (partner_center, bss, notify),
/// from their manifests, plus the http endpoints `config` declares (when
/// given): what `bssflow validate` checks `call` steps against.
engine::ActionCatalog AllConnectorActions(
    const ConnectorsConfig* config = nullptr);

/// `options` with make_connectors set to MakeConfiguredConnectors(config).
EngineOptions WithConfiguredConnectors(EngineOptions options,
                                       ConnectorsConfig config);

/// The connectors of `run`, `answer` and `resume`: the file's when
/// `connectors_file` is not empty (--connectors, or $BSSFLOW_CONNECTORS),
/// else the embedded simulators (WithEmbeddedSimulators). A file with
/// problems: every diagnostic on `err` and nullopt, and the command exits
/// with 2 without running anything.
std::optional<EngineOptions> WithConnectorsFrom(
    EngineOptions options, const std::string& connectors_file,
    std::ostream& err);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_CONFIGURED_CONNECTORS_H_
