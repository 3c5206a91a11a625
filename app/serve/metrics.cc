#include "app/serve/metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <span>
#include <vector>

namespace bssflow::serve {

namespace {

// Upper bounds of the histogram buckets, in seconds. HTTP: from a cached
// GET on loopback to a request that waited on a slow store. Steps: from an
// assignment to a connector call that retried for minutes.
constexpr std::array<double, 14> kHttpBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,  0.5,    1,     2.5,  5,     10};
constexpr std::array<double, 15> kStepBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

constexpr std::array<std::string_view, 6> kRunStatuses = {
    "pending",   "running", "awaiting_confirmation",
    "succeeded", "failed",  "cancelled"};
constexpr std::array<std::string_view, 3> kCallbackOutcomes = {
    "delivered", "retried", "failed"};

template <size_t N>
using LabelNames = std::array<std::string_view, N>;
// Label values as the recorders pass them (no copy).
template <size_t N>
using LabelView = std::array<std::string_view, N>;
// Label values as a series keeps them.
template <size_t N>
using LabelKey = std::array<std::string, N>;

// Orders LabelKeys and LabelViews alike, so that a series is found with a
// LabelView: recording an existing series allocates nothing.
struct LabelsLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

template <size_t N>
LabelKey<N> OwnedKey(const LabelView<N>& view) {
  LabelKey<N> key;
  for (size_t i = 0; i < N; ++i) key[i] = std::string(view[i]);
  return key;
}

// Label values escape backslash, double quote and newline (format 0.0.4).
void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// The shortest text that reads back as `value`, never in exponent notation
// (bucket bounds read "0.0005", as people expect, not "5e-04").
void AppendNumber(std::string& out, double value) {
  char buffer[400];
  std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer),
                                              value, std::chars_format::fixed);
  if (result.ec != std::errc()) {  // too long for fixed notation
    result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  }
  out.append(buffer, result.ptr);
}

void AppendHeader(std::string& out, std::string_view name,
                  std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `name{a="x",b="y"}` (`{...}` only when there are labels), plus an `le`
// label when given, then a space.
template <size_t N>
void AppendSeries(std::string& out, std::string_view name,
                  const LabelNames<N>& names, const LabelKey<N>& values,
                  std::string_view le = {}) {
  out.append(name);
  if (N == 0 && le.empty()) {
    out += ' ';
    return;
  }
  char separator = '{';
  for (size_t i = 0; i < N; ++i) {
    out.append(1, separator).append(names[i]).append("=\"");
    AppendEscaped(out, values[i]);
    out += '"';
    separator = ',';
  }
  if (!le.empty()) out.append(1, separator).append("le=\"").append(le) += '"';
  out += "} ";
}

// Clock trouble must not poison a histogram's sum.
double SaneSeconds(double seconds) {
  return std::isfinite(seconds) && seconds > 0 ? seconds : 0;
}

// A counter with N labels.
template <size_t N>
class CounterFamily {
 public:
  CounterFamily(std::string_view name, std::string_view help,
                LabelNames<N> labels)
      : name_(name), help_(help), labels_(labels) {}

  void Add(const LabelView<N>& values, uint64_t count = 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = series_.find(values);
    if (it == series_.end()) it = series_.emplace(OwnedKey(values), 0).first;
    it->second += count;
  }

  void Render(std::string& out) const {
    AppendHeader(out, name_, help_, "counter");
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [values, count] : series_) {
      AppendSeries(out, name_, labels_, values);
      out.append(std::to_string(count)) += '\n';
    }
  }

 private:
  std::string_view name_, help_;
  LabelNames<N> labels_;
  mutable std::mutex mutex_;
  std::map<LabelKey<N>, uint64_t, LabelsLess> series_;
};

// One histogram series: observations per bucket (not cumulative; the last
// one is +Inf), their sum and count.
struct HistogramSeries {
  std::vector<uint64_t> buckets;
  double sum = 0;
  uint64_t count = 0;
};

// A histogram with N labels and fixed bucket bounds.
template <size_t N>
class HistogramFamily {
 public:
  HistogramFamily(std::string_view name, std::string_view help,
                  LabelNames<N> labels, std::span<const double> bounds)
      : name_(name), help_(help), labels_(labels), bounds_(bounds) {
    for (double bound : bounds_) {
      std::string text;
      AppendNumber(text, bound);
      bound_texts_.push_back(std::move(text));
    }
  }

  void Observe(const LabelView<N>& values, double seconds) {
    seconds = SaneSeconds(seconds);
    // `le` is inclusive: a value equal to a bound counts in its bucket.
    size_t bucket = static_cast<size_t>(
        std::lower_bound(bounds_.begin(), bounds_.end(), seconds) -
        bounds_.begin());
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = series_.find(values);
    if (it == series_.end()) {
      HistogramSeries fresh{std::vector<uint64_t>(bounds_.size() + 1, 0)};
      it = series_.emplace(OwnedKey(values), std::move(fresh)).first;
    }
    ++it->second.buckets[bucket];
    it->second.sum += seconds;
    ++it->second.count;
  }

  void Render(std::string& out) const {
    AppendHeader(out, name_, help_, "histogram");
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [values, series] : series_)
      RenderSeries(out, values, series);
  }

 private:
  void RenderSeries(std::string& out, const LabelKey<N>& values,
                    const HistogramSeries& series) const {
    const std::string bucket_name = std::string(name_) + "_bucket";
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      std::string_view le = i < bounds_.size()
                                ? std::string_view(bound_texts_[i])
                                : std::string_view("+Inf");
      AppendSeries(out, bucket_name, labels_, values, le);
      out.append(std::to_string(cumulative)) += '\n';
    }
    AppendSeries(out, std::string(name_) + "_sum", labels_, values);
    AppendNumber(out, series.sum);
    out += '\n';
    AppendSeries(out, std::string(name_) + "_count", labels_, values);
    out.append(std::to_string(series.count)) += '\n';
  }

  std::string_view name_, help_;
  LabelNames<N> labels_;
  std::span<const double> bounds_;
  std::vector<std::string> bound_texts_;
  mutable std::mutex mutex_;
  std::map<LabelKey<N>, HistogramSeries, LabelsLess> series_;
};

void RenderRunGauges(std::string& out,
                     const std::map<std::string, int64_t>& runs_by_status) {
  std::map<std::string, int64_t> runs;
  for (std::string_view status : kRunStatuses) runs[std::string(status)] = 0;
  for (const auto& [status, count] : runs_by_status) runs[status] = count;
  AppendHeader(out, "bssflow_runs", "Runs in the store, by status.", "gauge");
  for (const auto& [status, count] : runs) {
    AppendSeries<1>(out, "bssflow_runs", {"status"}, {status});
    out.append(std::to_string(count)) += '\n';
  }
  AppendHeader(out, "bssflow_runs_awaiting_confirmation",
               "Runs waiting for a person to confirm or reject a step.",
               "gauge");
  out.append("bssflow_runs_awaiting_confirmation ")
      .append(std::to_string(runs["awaiting_confirmation"])) += '\n';
}

}  // namespace

// The families, in the order Render() prints them.
struct MetricFamilies {
  HistogramFamily<2> step_duration{
      "bssflow_step_duration_seconds",
      "Time from a step's start to its end (succeeded or failed).",
      {"workflow", "step"},
      kStepBuckets};
  CounterFamily<2> connector_calls{"bssflow_connector_calls_total",
                                   "Connector calls, by action and outcome.",
                                   {"action", "outcome"}};
  CounterFamily<2> http_requests{"bssflow_http_requests_total",
                                 "HTTP requests answered, by route and status.",
                                 {"route", "status"}};
  HistogramFamily<1> http_duration{"bssflow_http_request_duration_seconds",
                                   "Time to answer an HTTP request, by route.",
                                   {"route"},
                                   kHttpBuckets};
  CounterFamily<1> callbacks{
      "bssflow_callbacks_total",
      "Callback delivery outcomes: delivered, retried (an attempt failed "
      "and another follows), failed (given up).",
      {"outcome"}};
};

Metrics::Metrics() : families_(std::make_unique<MetricFamilies>()) {
  // Zero series for the callback outcomes, so that a dashboard's rate of
  // failed deliveries reads 0 rather than "no data".
  for (std::string_view outcome : kCallbackOutcomes) {
    families_->callbacks.Add({outcome}, 0);
  }
}

Metrics::~Metrics() = default;

void Metrics::ObserveRequest(std::string_view route, int status,
                             double seconds) {
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), status);
  (void)ec;  // an int always fits in 16 characters
  families_->http_requests.Add(
      {route, std::string_view(digits, static_cast<size_t>(end - digits))});
  families_->http_duration.Observe({route}, seconds);
}

void Metrics::CountCall(std::string_view action, std::string_view outcome) {
  families_->connector_calls.Add({action, outcome});
}

void Metrics::ObserveStep(std::string_view workflow, std::string_view step,
                          double seconds) {
  families_->step_duration.Observe({workflow, step}, seconds);
}

void Metrics::CountCallback(std::string_view outcome) {
  families_->callbacks.Add({outcome});
}

std::string Metrics::Render(
    const std::map<std::string, int64_t>& runs_by_status) const {
  std::string out;
  out.reserve(16 * 1024);
  RenderRunGauges(out, runs_by_status);
  families_->step_duration.Render(out);
  families_->connector_calls.Render(out);
  families_->http_requests.Render(out);
  families_->http_duration.Render(out);
  families_->callbacks.Render(out);
  return out;
}

}  // namespace bssflow::serve
