// The routes of `bssflow serve` (docs/openapi.yaml): one coroutine per
// request, from the HttpServer's handler. It reads runs from the store on
// the request's own thread (the store is thread-safe) and reaches the
// Runner only on the engine's strand, where every Runner call must be made.
//
// Every answer is JSON; every error is RFC 7807 problem+json with a `type`
// under https://bssflow.dev/problems/. Every response carries the request's
// X-Request-Id, and every request is counted (Metrics) and logged (one JSON
// line).
#ifndef BSSFLOW_APP_SERVE_API_H_
#define BSSFLOW_APP_SERVE_API_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/local_engine.h"
#include "app/serve/metrics.h"
#include "app/serve/server_config.h"
#include "app/serve/workflow_registry.h"
#include "net/http_server.h"

namespace bssflow::serve {

struct ApiDependencies {
  /// The runner (on engine->executor()) and the store. Required.
  app::LocalEngine* engine = nullptr;
  /// The workflows runs start on. Required.
  WorkflowRegistry* registry = nullptr;
  /// Required.
  Metrics* metrics = nullptr;
  /// Tokens and public routes. Required.
  const ServeConfig* config = nullptr;
  /// The text served at /v1/openapi.yaml.
  std::string openapi;
  /// Reloads the workflows (and logs what changed); the reload route.
  std::function<ReloadReport()> reload;
  /// Writes one structured log line per request, given the members of its
  /// JSON object as text (`"event":"request","status":200,...`: built by
  /// hand, since a log line per request must cost little). May be empty.
  std::function<void(std::string_view members)> log_request;
};

class Api {
 public:
  explicit Api(ApiDependencies deps);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  /// Answers one request (net::RequestHandler). Never throws.
  boost::asio::awaitable<std::optional<net::ServerResponse>> Handle(
      net::ServerRequest request);

  /// Ready: the server listens and the runs a restart interrupted were
  /// handed to the runner; /readyz answers 503 until then.
  void set_ready(bool ready) { ready_ = ready; }
  /// Draining (SIGTERM): /readyz answers 503, new runs are refused with
  /// 503; everything else is served until the server stops.
  void set_draining(bool draining) { draining_ = draining; }

  struct Call;
  struct Route;

 private:
  using Reply = boost::asio::awaitable<net::ServerResponse>;

  Reply Dispatch(Call& call);
  static std::string RequestLogMembers(const Call& call, unsigned status,
                                       double seconds);
  std::optional<net::ServerResponse> Authorize(Call& call,
                                               const Route& route) const;

  Reply Healthz(Call& call);
  Reply Readyz(Call& call);
  Reply MetricsText(Call& call);
  Reply OpenApi(Call& call);
  Reply ListWorkflows(Call& call);
  Reply GetWorkflow(Call& call);
  Reply ValidateWorkflow(Call& call);
  Reply ReloadWorkflows(Call& call);
  Reply StartRun(Call& call);
  Reply ListRuns(Call& call);
  Reply GetRun(Call& call);
  Reply AnswerRun(Call& call);
  Reply CancelRun(Call& call);
  Reply GetJournal(Call& call);

  /// The run view of `id` as it stands now, with `status`.
  net::ServerResponse RunResponse(Call& call, const std::string& id,
                                  unsigned status);

  /// Rendered run views, by run id, with the version of the run they show
  /// (its last sequence, status and update time: every change of a run
  /// appends to its journal). A read still fetches the run's record, and
  /// renders only when the run changed since.
  struct CachedView {
    int64_t last_sequence = 0;
    int64_t updated_ms = 0;
    int status = 0;
    std::string body;
  };
  static constexpr size_t kViewCacheSize = 4096;
  std::mutex view_cache_mutex_;
  std::unordered_map<std::string, CachedView> view_cache_;

  ApiDependencies deps_;
  std::vector<Route> routes_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> draining_{false};
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_API_H_
