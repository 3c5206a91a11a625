// Percentiles of timings the benchmarks collect themselves (Google
// Benchmark reports means only).
#ifndef BSSFLOW_BENCH_COMMON_PERCENTILE_H_
#define BSSFLOW_BENCH_COMMON_PERCENTILE_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bssflow::bench {

/// The p-th quantile (0..1) of `samples`: the sample of rank
/// floor(p * (n - 1)); 0 for none. Reorders them.
inline double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  auto at = static_cast<size_t>(p * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(at),
                   samples.end());
  return samples[at];
}

}  // namespace bssflow::bench

#endif  // BSSFLOW_BENCH_COMMON_PERCENTILE_H_
