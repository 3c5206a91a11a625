// The counters and histograms of `bssflow serve`, exposed at GET /metrics in
// the Prometheus text format 0.0.4. The io threads record into a Metrics
// while they serve; a scrape renders everything at once, adding the run
// gauges the store knows at that moment.
#ifndef BSSFLOW_APP_SERVE_METRICS_H_
#define BSSFLOW_APP_SERVE_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace bssflow::serve {

/// The Content-Type of Metrics::Render()'s text.
inline constexpr std::string_view kMetricsContentType =
    "text/plain; version=0.0.4; charset=utf-8";

struct MetricFamilies;

/// A registry of the serve metrics. Every method may be called from any
/// thread at once. Recording takes one short lock per family and allocates
/// only the first time a series (a combination of label values) is seen.
/// Label values are whatever the caller passes: pass route templates, never
/// raw paths, so that the number of series stays bounded.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// One HTTP request answered: `route` is the route template
  /// ("/v1/runs/{id}", or "unmatched"), `status` the response's status.
  /// Feeds bssflow_http_requests_total and
  /// bssflow_http_request_duration_seconds.
  void ObserveRequest(std::string_view route, int status, double seconds);

  /// One connector call outcome (`outcome`: "succeeded" or "failed"). Feeds
  /// bssflow_connector_calls_total.
  void CountCall(std::string_view action, std::string_view outcome);

  /// One step finished (succeeded or failed) after `seconds`. Feeds
  /// bssflow_step_duration_seconds.
  void ObserveStep(std::string_view workflow, std::string_view step,
                   double seconds);

  /// One callback delivery outcome: "delivered", "retried" or "failed".
  /// Feeds bssflow_callbacks_total, whose three outcomes are printed (as 0)
  /// before they first happen.
  void CountCallback(std::string_view outcome);

  /// The whole exposition, families in a fixed order, series sorted by
  /// their label values. `runs_by_status` (status name -> count, from the
  /// store at scrape time) feeds bssflow_runs and
  /// bssflow_runs_awaiting_confirmation; each of the six statuses (pending,
  /// running, awaiting_confirmation, succeeded, failed, cancelled) is
  /// printed, 0 when absent. Durations that are negative or not finite are
  /// recorded as 0.
  std::string Render(
      const std::map<std::string, int64_t>& runs_by_status) const;

 private:
  std::unique_ptr<MetricFamilies> families_;
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_METRICS_H_
