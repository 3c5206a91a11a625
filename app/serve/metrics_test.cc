#include "app/serve/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace bssflow::serve {
namespace {

// The lines of family `name` in `text`: from its "# HELP" line up to the
// next family's.
std::string Family(const std::string& text, const std::string& name) {
  size_t start = text.find("# HELP " + name + " ");
  if (start == std::string::npos) return "(no family " + name + ")";
  size_t end = text.find("# HELP ", start + 1);
  return text.substr(start, end == std::string::npos ? end : end - start);
}

TEST(MetricsTest, EmptyRegistry) {
  Metrics metrics;
  EXPECT_EQ(
      metrics.Render({}),
      "# HELP bssflow_runs Runs in the store, by status.\n"
      "# TYPE bssflow_runs gauge\n"
      "bssflow_runs{status=\"awaiting_confirmation\"} 0\n"
      "bssflow_runs{status=\"cancelled\"} 0\n"
      "bssflow_runs{status=\"failed\"} 0\n"
      "bssflow_runs{status=\"pending\"} 0\n"
      "bssflow_runs{status=\"running\"} 0\n"
      "bssflow_runs{status=\"succeeded\"} 0\n"
      "# HELP bssflow_runs_awaiting_confirmation Runs waiting for a person to "
      "confirm or reject a step.\n"
      "# TYPE bssflow_runs_awaiting_confirmation gauge\n"
      "bssflow_runs_awaiting_confirmation 0\n"
      "# HELP bssflow_step_duration_seconds Time from a step's start to its "
      "end (succeeded or failed).\n"
      "# TYPE bssflow_step_duration_seconds histogram\n"
      "# HELP bssflow_connector_calls_total Connector calls, by action and "
      "outcome.\n"
      "# TYPE bssflow_connector_calls_total counter\n"
      "# HELP bssflow_http_requests_total HTTP requests answered, by route "
      "and status.\n"
      "# TYPE bssflow_http_requests_total counter\n"
      "# HELP bssflow_http_request_duration_seconds Time to answer an HTTP "
      "request, by route.\n"
      "# TYPE bssflow_http_request_duration_seconds histogram\n"
      "# HELP bssflow_callbacks_total Callback delivery outcomes: delivered, "
      "retried (an attempt failed and another follows), failed (given up).\n"
      "# TYPE bssflow_callbacks_total counter\n"
      "bssflow_callbacks_total{outcome=\"delivered\"} 0\n"
      "bssflow_callbacks_total{outcome=\"failed\"} 0\n"
      "bssflow_callbacks_total{outcome=\"retried\"} 0\n");
}

TEST(MetricsTest, RunGaugesComeFromTheStore) {
  Metrics metrics;
  std::string text = metrics.Render(
      {{"running", 3}, {"awaiting_confirmation", 2}, {"succeeded", 41}});
  EXPECT_EQ(Family(text, "bssflow_runs"),
            "# HELP bssflow_runs Runs in the store, by status.\n"
            "# TYPE bssflow_runs gauge\n"
            "bssflow_runs{status=\"awaiting_confirmation\"} 2\n"
            "bssflow_runs{status=\"cancelled\"} 0\n"
            "bssflow_runs{status=\"failed\"} 0\n"
            "bssflow_runs{status=\"pending\"} 0\n"
            "bssflow_runs{status=\"running\"} 3\n"
            "bssflow_runs{status=\"succeeded\"} 41\n");
  EXPECT_EQ(Family(text, "bssflow_runs_awaiting_confirmation"),
            "# HELP bssflow_runs_awaiting_confirmation Runs waiting for a "
            "person to confirm or reject a step.\n"
            "# TYPE bssflow_runs_awaiting_confirmation gauge\n"
            "bssflow_runs_awaiting_confirmation 2\n");
}

TEST(MetricsTest, CountersAreSortedByLabelValues) {
  Metrics metrics;
  metrics.CountCall("partner_center.create_customer", "succeeded");
  metrics.CountCall("bss.get_account", "failed");
  metrics.CountCall("partner_center.create_customer", "failed");
  metrics.CountCall("partner_center.create_customer", "succeeded");
  metrics.CountCallback("retried");
  metrics.CountCallback("delivered");
  metrics.CountCallback("delivered");
  std::string text = metrics.Render({});
  EXPECT_EQ(Family(text, "bssflow_connector_calls_total"),
            "# HELP bssflow_connector_calls_total Connector calls, by action "
            "and outcome.\n"
            "# TYPE bssflow_connector_calls_total counter\n"
            "bssflow_connector_calls_total{action=\"bss.get_account\","
            "outcome=\"failed\"} 1\n"
            "bssflow_connector_calls_total{action=\"partner_center.create_"
            "customer\",outcome=\"failed\"} 1\n"
            "bssflow_connector_calls_total{action=\"partner_center.create_"
            "customer\",outcome=\"succeeded\"} 2\n");
  EXPECT_EQ(Family(text, "bssflow_callbacks_total"),
            "# HELP bssflow_callbacks_total Callback delivery outcomes: "
            "delivered, retried (an attempt failed and another follows), "
            "failed (given up).\n"
            "# TYPE bssflow_callbacks_total counter\n"
            "bssflow_callbacks_total{outcome=\"delivered\"} 2\n"
            "bssflow_callbacks_total{outcome=\"failed\"} 0\n"
            "bssflow_callbacks_total{outcome=\"retried\"} 1\n");
}

TEST(MetricsTest, RequestsFeedCounterAndHistogram) {
  Metrics metrics;
  metrics.ObserveRequest("/v1/runs/{id}", 404, 0.0004);
  metrics.ObserveRequest("/v1/runs/{id}", 200, 0.003);
  metrics.ObserveRequest("/v1/runs/{id}", 200, 0.25);
  metrics.ObserveRequest("unmatched", 404, 12);
  std::string text = metrics.Render({});
  EXPECT_EQ(Family(text, "bssflow_http_requests_total"),
            "# HELP bssflow_http_requests_total HTTP requests answered, by "
            "route and status.\n"
            "# TYPE bssflow_http_requests_total counter\n"
            "bssflow_http_requests_total{route=\"/v1/runs/{id}\",status="
            "\"200\"} 2\n"
            "bssflow_http_requests_total{route=\"/v1/runs/{id}\",status="
            "\"404\"} 1\n"
            "bssflow_http_requests_total{route=\"unmatched\",status=\"404\"} "
            "1\n");
  const std::string bucket =
      "bssflow_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\","
      "le=";
  const std::string other =
      "bssflow_http_request_duration_seconds_bucket{route=\"unmatched\",le=";
  EXPECT_EQ(
      Family(text, "bssflow_http_request_duration_seconds"),
      "# HELP bssflow_http_request_duration_seconds Time to answer an HTTP "
      "request, by route.\n"
      "# TYPE bssflow_http_request_duration_seconds histogram\n" +
          bucket + "\"0.0005\"} 1\n" + bucket + "\"0.001\"} 1\n" + bucket +
          "\"0.0025\"} 1\n" + bucket + "\"0.005\"} 2\n" + bucket +
          "\"0.01\"} 2\n" + bucket + "\"0.025\"} 2\n" + bucket +
          "\"0.05\"} 2\n" + bucket + "\"0.1\"} 2\n" + bucket + "\"0.25\"} 3\n" +
          bucket + "\"0.5\"} 3\n" + bucket + "\"1\"} 3\n" + bucket +
          "\"2.5\"} 3\n" + bucket + "\"5\"} 3\n" + bucket + "\"10\"} 3\n" +
          bucket + "\"+Inf\"} 3\n" +
          "bssflow_http_request_duration_seconds_sum{route=\"/v1/runs/{id}\"} "
          "0.2534\n"
          "bssflow_http_request_duration_seconds_count{route=\"/v1/runs/"
          "{id}\"} 3\n" +
          other + "\"0.0005\"} 0\n" + other + "\"0.001\"} 0\n" + other +
          "\"0.0025\"} 0\n" + other + "\"0.005\"} 0\n" + other +
          "\"0.01\"} 0\n" + other + "\"0.025\"} 0\n" + other + "\"0.05\"} 0\n" +
          other + "\"0.1\"} 0\n" + other + "\"0.25\"} 0\n" + other +
          "\"0.5\"} 0\n" + other + "\"1\"} 0\n" + other + "\"2.5\"} 0\n" +
          other + "\"5\"} 0\n" + other + "\"10\"} 0\n" + other +
          "\"+Inf\"} 1\n" +
          "bssflow_http_request_duration_seconds_sum{route=\"unmatched\"} "
          "12\n"
          "bssflow_http_request_duration_seconds_count{route=\"unmatched\"} "
          "1\n");
}

// Buckets are cumulative, a value equal to a bound counts in that bucket,
// and a value above the last bound only in +Inf.
TEST(MetricsTest, StepHistogramAccumulates) {
  Metrics metrics;
  metrics.ObserveStep("provision-tenant", "create_customer", 0.005);
  metrics.ObserveStep("provision-tenant", "create_customer", 0.007);
  metrics.ObserveStep("provision-tenant", "create_customer", 1.5);
  metrics.ObserveStep("provision-tenant", "create_customer", 400);
  const std::string b =
      "bssflow_step_duration_seconds_bucket{workflow=\"provision-tenant\","
      "step=\"create_customer\",le=";
  EXPECT_EQ(
      Family(metrics.Render({}), "bssflow_step_duration_seconds"),
      "# HELP bssflow_step_duration_seconds Time from a step's start to its "
      "end (succeeded or failed).\n"
      "# TYPE bssflow_step_duration_seconds histogram\n" +
          b + "\"0.005\"} 1\n" + b + "\"0.01\"} 2\n" + b + "\"0.025\"} 2\n" +
          b + "\"0.05\"} 2\n" + b + "\"0.1\"} 2\n" + b + "\"0.25\"} 2\n" + b +
          "\"0.5\"} 2\n" + b + "\"1\"} 2\n" + b + "\"2.5\"} 3\n" + b +
          "\"5\"} 3\n" + b + "\"10\"} 3\n" + b + "\"30\"} 3\n" + b +
          "\"60\"} 3\n" + b + "\"120\"} 3\n" + b + "\"300\"} 3\n" + b +
          "\"+Inf\"} 4\n" +
          "bssflow_step_duration_seconds_sum{workflow=\"provision-tenant\","
          "step=\"create_customer\"} 401.512\n"
          "bssflow_step_duration_seconds_count{workflow=\"provision-tenant\","
          "step=\"create_customer\"} 4\n");
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.CountCall("a\\b\"c\nd", "failed");
  EXPECT_EQ(Family(metrics.Render({}), "bssflow_connector_calls_total"),
            "# HELP bssflow_connector_calls_total Connector calls, by action "
            "and outcome.\n"
            "# TYPE bssflow_connector_calls_total counter\n"
            "bssflow_connector_calls_total{action=\"a\\\\b\\\"c\\nd\","
            "outcome=\"failed\"} 1\n");
}

TEST(MetricsTest, InsaneDurationsCountAsZero) {
  Metrics metrics;
  metrics.ObserveStep("w", "s", -1);
  metrics.ObserveStep("w", "s", std::nan(""));
  metrics.ObserveStep("w", "s", std::numeric_limits<double>::infinity());
  std::string text =
      Family(metrics.Render({}), "bssflow_step_duration_seconds");
  EXPECT_NE(text.find("{workflow=\"w\",step=\"s\",le=\"0.005\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("_sum{workflow=\"w\",step=\"s\"} 0\n"), std::string::npos)
      << text;
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      // Each thread also creates series of its own while others record.
      std::string mine = "thread" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        metrics.ObserveRequest("/v1/runs/{id}", 200, 0.5);
        metrics.CountCall(mine, "succeeded");
        metrics.CountCallback("delivered");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::string text = metrics.Render({});
  EXPECT_EQ(Family(text, "bssflow_http_requests_total"),
            "# HELP bssflow_http_requests_total HTTP requests answered, by "
            "route and status.\n"
            "# TYPE bssflow_http_requests_total counter\n"
            "bssflow_http_requests_total{route=\"/v1/runs/{id}\",status="
            "\"200\"} 20000\n");
  EXPECT_EQ(Family(text, "bssflow_connector_calls_total"),
            "# HELP bssflow_connector_calls_total Connector calls, by action "
            "and outcome.\n"
            "# TYPE bssflow_connector_calls_total counter\n"
            "bssflow_connector_calls_total{action=\"thread0\",outcome="
            "\"succeeded\"} 5000\n"
            "bssflow_connector_calls_total{action=\"thread1\",outcome="
            "\"succeeded\"} 5000\n"
            "bssflow_connector_calls_total{action=\"thread2\",outcome="
            "\"succeeded\"} 5000\n"
            "bssflow_connector_calls_total{action=\"thread3\",outcome="
            "\"succeeded\"} 5000\n");
  std::string duration = Family(text, "bssflow_http_request_duration_seconds");
  const std::string series = "{route=\"/v1/runs/{id}\"";
  for (const std::string& line :
       {"_bucket" + series + ",le=\"0.25\"} 0\n",
        "_bucket" + series + ",le=\"0.5\"} 20000\n",
        "_bucket" + series + ",le=\"+Inf\"} 20000\n",
        "_sum" + series + "} 10000\n", "_count" + series + "} 20000\n"}) {
    EXPECT_NE(duration.find("bssflow_http_request_duration_seconds" + line),
              std::string::npos)
        << line;
  }
  EXPECT_NE(text.find("bssflow_callbacks_total{outcome=\"delivered\"} 20000\n"),
            std::string::npos);
}

}  // namespace
}  // namespace bssflow::serve
