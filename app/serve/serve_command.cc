#include "app/serve/serve_command.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <thread>

#include "app/configured_connectors.h"
#include "app/demo_command.h"
#include "app/local_engine.h"
#include "app/serve/api.h"
#include "app/serve/callbacks.h"
#include "app/serve/directory_watcher.h"
#include "app/serve/json_text.h"
#include "app/serve/metrics.h"
#include "app/serve/openapi_document.h"
#include "app/serve/run_observer.h"
#include "app/serve/run_view.h"
#include "app/serve/server_config.h"
#include "app/serve/workflow_registry.h"
#include "dsl/source.h"
#include "net/http_server.h"

namespace bssflow::serve {

namespace {

using Clock = std::chrono::system_clock;

/// One JSON object per line on `err`, with time and level first.
class JsonLog {
 public:
  explicit JsonLog(std::ostream& err) : err_(err) {}
  /// `fields` is an object; its `level` (default info) goes first with the
  /// time, then the other members.
  void Write(nlohmann::json fields) {
    std::string level = fields.value("level", "info");
    fields.erase("level");
    std::string members =
        fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    Emit(Line(level, std::string_view(members).substr(1, members.size() - 2)));
  }
  /// `members` are those of an info line's object, already JSON.
  void WriteMembers(std::string_view members) { Emit(Line("info", members)); }

 private:
  static std::string Line(std::string_view level, std::string_view members) {
    std::string line = "{\"time\":\"" + Now() + "\",\"level\":\"";
    line += level;
    line += '"';
    if (!members.empty()) line += ',';
    line += members;
    line += '}';
    return line;
  }
  static std::string Now() {
    return Rfc3339(std::chrono::duration_cast<std::chrono::milliseconds>(
                       Clock::now().time_since_epoch())
                       .count());
  }
  void Emit(const std::string& line) {
    std::lock_guard lock(mutex_);
    err_ << line << '\n';
    err_.flush();
  }

  std::ostream& err_;
  std::mutex mutex_;
};

std::optional<ServeConfig> ReadConfig(const ServeOptions& options,
                                      std::ostream& err) {
  ServeConfig config;
  if (!options.config_file.empty()) {
    ServeConfigResult read = LoadServeConfigFile(options.config_file);
    if (!read.ok()) {
      err << dsl::RenderAll(read.source, read.diagnostics);
      err << "bssflow serve: " << read.diagnostics.size()
          << " problem(s) in " << options.config_file << "\n";
      return std::nullopt;
    }
    config = std::move(*read.config);
  }
  if (!options.listen.empty()) {
    Status parsed = ParseListen(options.listen, config.host, config.port);
    if (!parsed.ok()) {
      err << "bssflow serve: --listen: " << parsed.message() << "\n";
      return std::nullopt;
    }
  }
  if (options.threads > 0) config.threads = options.threads;
  if (config.threads <= 0) {
    config.threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  if (config.workflows_dir.empty()) {
    config.workflows_dir = app::DefaultMicrosoftWorkflowsDir();
  }
  if (config.connectors_file.empty()) {
    const char* from_env = std::getenv("BSSFLOW_CONNECTORS");
    if (from_env != nullptr) config.connectors_file = from_env;
  }
  return config;
}

CallbackOptions CallbackOptionsOf(const CallbackConfig& config) {
  CallbackOptions options;
  options.secret = config.secret;
  options.attempts = config.attempts;
  options.initial_backoff = config.initial_backoff;
  options.max_backoff = config.max_backoff;
  options.timeout = config.timeout;
  return options;
}

void LogReload(JsonLog& log, const ReloadReport& report, const char* cause) {
  log.Write({{"event", "workflows_loaded"},
             {"cause", cause},
             {"workflows", report.loaded},
             {"changed", report.changed},
             {"problems", report.problems.size()}});
  for (const FileProblem& problem : report.problems) {
    log.Write({{"level", "error"},
               {"event", "workflow_problem"},
               {"file", problem.file},
               {"diagnostics", problem.diagnostics}});
  }
}

// Stops the server gracefully: refuse new runs, let requests in flight
// finish (up to the shutdown timeout), then stop the io_context. Runs
// being driven stop where their journal says; the next start resumes them.
boost::asio::awaitable<void> Drain(net::HttpServer& server, Api& api,
                                   CallbackSender& callbacks,
                                   DirectoryWatcher* watcher,
                                   boost::asio::io_context& io,
                                   std::chrono::milliseconds timeout) {
  api.set_draining(true);
  server.Stop();
  if (watcher != nullptr) watcher->Stop();
  boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + timeout +
                        std::chrono::seconds(1);
  while (server.active_connections() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(boost::asio::use_awaitable);
  }
  // Deliveries not yet made are given up (and reported); the cancelled
  // attempts report on the io_context, so let them.
  callbacks.Stop();
  const auto reported = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (callbacks.pending() > 0 && std::chrono::steady_clock::now() < reported) {
    wait.expires_after(std::chrono::milliseconds(10));
    co_await wait.async_wait(boost::asio::use_awaitable);
  }
  io.stop();
}

}  // namespace

int Serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<ServeConfig> config = ReadConfig(options, err);
  if (!config.has_value()) return 2;
  JsonLog log(err);
  Metrics metrics;

  // Bound once the engine is open (they need its store and executor); the
  // runner calls them only once runs start, after that.
  RunObserver* observer = nullptr;
  WorkflowRegistry* registry_ref = nullptr;
  app::EngineOptions engine_options;
  engine_options.state_dir = config->state_dir;
  engine_options.workflows_dir = config->workflows_dir;
  engine_options.on_event = [&observer](const engine::RunRecord& run,
                                        const engine::Event& event) {
    if (observer != nullptr) observer->OnEvent(run, event);
  };
  engine_options.on_drive_error = [&log](const std::string& run_id,
                                         const Status& failure) {
    log.Write({{"level", "error"},
               {"event", "run_stopped"},
               {"run_id", run_id},
               {"message", failure.message() +
                               "; the run resumes at the next start"}});
  };
  engine_options.find_workflow = [&registry_ref](const std::string& name) {
    return registry_ref != nullptr ? registry_ref->Find(name)
                                   : engine::NamedWorkflow();
  };
  std::optional<app::EngineOptions> with_connectors = app::WithConnectorsFrom(
      std::move(engine_options), config->connectors_file, err);
  if (!with_connectors.has_value()) return 2;
  auto opened = app::LocalEngine::Open(std::move(*with_connectors));
  if (!opened.ok()) {
    err << "bssflow serve: " << opened.status().message() << "\n";
    return 2;
  }
  app::LocalEngine& engine = *opened.value();
  boost::asio::io_context& io = engine.io();

  auto callbacks = CallbackSender::Create(
      io.get_executor(), CallbackOptionsOf(config->callbacks),
      [&log, &metrics](const CallbackOutcome& outcome) {
        metrics.CountCallback(outcome.outcome);
        log.Write({{"level", outcome.outcome == "failed" ? "warn" : "info"},
                   {"event", "callback"},
                   {"run_id", outcome.key},
                   {"delivery", outcome.delivery_id},
                   {"attempt", outcome.attempt},
                   {"outcome", outcome.outcome},
                   {"detail", outcome.detail}});
      });
  if (!callbacks.ok()) {
    err << "bssflow serve: callbacks: " << callbacks.status().message() << "\n";
    return 2;
  }
  RunObserver run_observer(
      metrics, *callbacks.value(),
      [&log](std::string_view members) { log.WriteMembers(members); });
  observer = &run_observer;

  WorkflowRegistry registry(config->workflows_dir, engine.loader_context());
  LogReload(log, registry.Reload(), "start");
  registry_ref = &registry;
  auto reload = [&registry, &log](const char* cause) {
    ReloadReport report = registry.Reload();
    LogReload(log, report, cause);
    return report;
  };

  ApiDependencies deps;
  deps.engine = &engine;
  deps.registry = &registry;
  deps.metrics = &metrics;
  deps.config = &*config;
  deps.openapi = OpenApiDocument();
  deps.reload = [&reload] { return reload("route"); };
  deps.log_request = [&log](std::string_view members) {
    log.WriteMembers(members);
  };
  Api api(std::move(deps));

  config->limits.request_id_header = "X-Request-Id";
  // The answers the HTTP layer makes itself (408, 413, 431, 400, 503 at the
  // connection limit) are counted and logged as requests of no route.
  config->limits.on_own_answer = [&metrics, &log](const net::ServerResponse& answer) {
    metrics.ObserveRequest("unmatched", static_cast<int>(answer.result_int()), 0.0);
    std::string members;
    AppendMember(members, "event", "request");
    AppendMember(members, "request_id", answer["X-Request-Id"]);
    AppendMember(members, "route", "unmatched");
    AppendMember(members, "status", static_cast<int64_t>(answer.result_int()));
    AppendMember(members, "detail", "answered by the HTTP layer");
    log.WriteMembers(members);
  };
  net::HttpServer server(
      io,
      [&api](net::ServerRequest request) {
        return api.Handle(std::move(request));
      },
      config->limits);
  Result<uint16_t> port = server.Listen(config->host, config->port);
  if (!port.ok()) {
    err << "bssflow serve: " << port.status().message() << "\n";
    return 2;
  }
  if (Status started = server.Start(); !started.ok()) {
    err << "bssflow serve: " << started.message() << "\n";
    return 2;
  }

  std::unique_ptr<DirectoryWatcher> watcher;
  auto watching = DirectoryWatcher::Start(
      io.get_executor(), config->workflows_dir, std::chrono::milliseconds(200),
      [&reload] { reload("directory"); });
  if (watching.ok()) {
    watcher = std::move(watching.value());
  } else {
    log.Write({{"level", "warn"},
               {"event", "no_directory_watch"},
               {"message", watching.status().message() +
                               "; reload with SIGHUP or POST "
                               "/v1/workflows:reload"}});
  }

  boost::asio::signal_set signals(io, SIGHUP, SIGTERM, SIGINT);
  bool draining = false;  // handlers of one signal_set never run at once
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
          reload("SIGHUP");
          signals.async_wait(on_signal);
          return;
        }
        if (draining) {
          // A second SIGTERM or SIGINT: stop now, without waiting for the
          // requests in flight (runs resume at the next start anyway).
          log.Write({{"level", "warn"}, {"event", "stopping_now"}});
          io.stop();
          return;
        }
        draining = true;
        log.Write({{"event", "shutting_down"},
                   {"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        signals.async_wait(on_signal);
        boost::asio::co_spawn(
            io,
            Drain(server, api, *callbacks.value(), watcher.get(), io,
                  config->limits.shutdown_timeout),
            boost::asio::detached);
      };
  signals.async_wait(on_signal);

  // Runs a crash or a kill interrupted go on; parked runs stay parked.
  boost::asio::co_spawn(
      engine.executor(),
      [&engine, &log]() -> boost::asio::awaitable<void> {
        auto resumed = co_await engine.runner().ResumeUnfinished();
        if (!resumed.ok()) {
          log.Write({{"level", "error"},
                     {"event", "resume_failed"},
                     {"message", resumed.status().message()}});
          co_return;
        }
        // A run that could not be driven (a damaged journal, a definition
        // that no longer loads) stays unfinished: each is named, with why.
        size_t failed = 0;
        for (const engine::Runner::Resumed& run : resumed.value()) {
          if (run.status.ok()) continue;
          ++failed;
          log.Write({{"level", "error"},
                     {"event", "run_not_resumed"},
                     {"run_id", run.run_id},
                     {"message", run.status.message()}});
        }
        log.Write({{"event", "runs_resumed"},
                   {"count", resumed.value().size()},
                   {"failed", failed}});
      },
      boost::asio::detached);
  api.set_ready(true);

  const std::string connectors = config->connectors_file.empty()
                                     ? "the embedded simulators"
                                     : config->connectors_file;
  const std::string address =
      (config->host.find(':') != std::string::npos ? "[" + config->host + "]"
                                                   : config->host) +
      ":" + std::to_string(port.value());
  out << "bssflow serve: listening on http://" << address << " (" << registry.Current()->workflows.size()
      << " workflow(s) from " << config->workflows_dir << "; state in "
      << engine.state_dir() << "; connectors: " << connectors << "; "
      << config->threads << " thread(s)"
      << (config->tokens.empty() ? "; no authentication" : "") << ")\n";
  out.flush();
  log.Write({{"event", "listening"},
             {"address", address}});

  std::vector<std::thread> threads;
  for (int i = 1; i < config->threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& thread : threads) thread.join();
  log.Write({{"event", "stopped"}});
  return 0;
}

}  // namespace bssflow::serve
