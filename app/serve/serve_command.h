// `bssflow serve`: the HTTP API (api.h) over the engine, until SIGTERM or
// SIGINT.
//
//   bssflow serve [--listen HOST:PORT] [--config FILE] [--threads N]
//
// With no configuration it serves the Microsoft workflows against the
// embedded simulators on 127.0.0.1:8080, without authentication, so that a
// provisioning run starts with one curl. Start-up: read the configuration,
// open the state directory, load the workflows, listen, then resume the
// runs a crash or a kill left unfinished. SIGHUP reloads the workflows;
// SIGTERM drains: the server stops accepting, answers the requests in
// flight, and stops; runs being driven stop where their journal says and
// are resumed at the next start.
#ifndef BSSFLOW_APP_SERVE_SERVE_COMMAND_H_
#define BSSFLOW_APP_SERVE_SERVE_COMMAND_H_

#include <iosfwd>
#include <string>

namespace bssflow::serve {

struct ServeOptions {
  std::string config_file;  // empty: every default
  std::string listen;       // overrides the file's `listen`
  int threads = 0;          // overrides the file's `threads` when > 0
};

/// Serves until a signal stops it. 0 after a clean shutdown; 2 when the
/// configuration, the state directory, the connectors or the listening
/// socket cannot be used (the reasons on `err`).
int Serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_SERVE_COMMAND_H_
