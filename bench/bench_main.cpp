// The benchmark binary's main: runs Google Benchmark as usual, then prints a summary of ratios
// from the same run (docs/PERFORMANCE.md):
//   - ember / libtorch for every pair BM_ember_<row> / BM_libtorch_<row> (real-time medians);
//   - for rows with a "bytes" counter, their memory throughput as a share of the machine's add
//     bandwidth measured in this run (BM_limit_add_bandwidth);
//   - for rows with a "flops" counter, their arithmetic rate as a share of the measured FMA peak
//     (BM_limit_fma_peak);
//   - for rows with a "peak_MB" counter (peak resident memory of a child process), that memory
//     and its ratio instead of times.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>


namespace {

struct Row {
  std::string label;
  double real_ns = 0;  // per iteration
  std::map<std::string, double> counters;
};

// Forwards everything to the console reporter and keeps one entry per benchmark: the median
// aggregate when repetitions ran, else the last plain run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      std::string name = run.run_name.str();
      const std::string suffix = "/real_time";  // UseRealTime() rows; pairs match either way
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
      if (!median && medians_.count(name)) continue;
      Row row;
      row.label = run.report_label;
      row.real_ns = run.GetAdjustedRealTime() * to_ns(run.time_unit);
      for (const auto& [key, counter] : run.counters) row.counters[key] = counter.value;
      (median ? medians_ : plain_)[name] = row;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& [name, row] : plain_) medians_.emplace(name, row);  // emplace keeps medians
    print_summary();
  }

 private:
  static double to_ns(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kSecond: return 1e9;
      case benchmark::kMillisecond: return 1e6;
      case benchmark::kMicrosecond: return 1e3;
      default: return 1;
    }
  }

  const Row* find(const std::string& name) const {
    auto it = medians_.find(name);
    return it == medians_.end() ? nullptr : &it->second;
  }

  void print_summary() const {
    const Row* add = find("BM_limit_add_bandwidth");
    const Row* fma = find("BM_limit_fma_peak");
    const double add_bw = add && add->counters.count("bytes") ? add->counters.at("bytes") : 0;
    const double peak = fma && fma->counters.count("flops") ? fma->counters.at("flops") : 0;
    std::printf("\n== summary (real-time medians of this run) ==\n");
    if (add_bw > 0) std::printf("machine add bandwidth (2 threads): %.1f GB/s\n", add_bw / 1e9);
    if (peak > 0) std::printf("machine FMA peak (all threads):    %.1f GFLOP/s\n", peak / 1e9);
    std::printf("%-52s %12s %12s %8s %9s %9s\n", "row", "ember", "libtorch", "ratio", "%add-bw", "%fma-peak");
    for (const auto& [name, row] : medians_) {
      const std::string prefix = "BM_ember_";
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string rest = name.substr(prefix.size());
      const Row* torch = find("BM_libtorch_" + rest);
      char torch_time[32] = "-", ratio[32] = "-", bw[32] = "-", flops[32] = "-";
      if (torch) {
        format_time(torch->real_ns, torch_time);
        std::snprintf(ratio, sizeof ratio, "%.3f", row.real_ns / torch->real_ns);
      }
      if (add_bw > 0 && row.counters.count("bytes"))
        std::snprintf(bw, sizeof bw, "%.0f%%", 100.0 * row.counters.at("bytes") / add_bw);
      if (peak > 0 && row.counters.count("flops"))
        std::snprintf(flops, sizeof flops, "%.0f%%", 100.0 * row.counters.at("flops") / peak);
      char ember_time[32];
      format_time(row.real_ns, ember_time);
      if (row.counters.count("peak_MB")) {  // memory rows: peak resident MB instead of time
        std::snprintf(ember_time, sizeof ember_time, "%.0f MB", row.counters.at("peak_MB"));
        if (torch && torch->counters.count("peak_MB")) {
          std::snprintf(torch_time, sizeof torch_time, "%.0f MB", torch->counters.at("peak_MB"));
          std::snprintf(ratio, sizeof ratio, "%.3f", row.counters.at("peak_MB") / torch->counters.at("peak_MB"));
        }
      }
      const std::string shown = row.label.empty() ? rest : rest + " " + row.label;
      std::printf("%-52s %12s %12s %8s %9s %9s\n", shown.c_str(), ember_time, torch_time, ratio, bw, flops);
    }
    std::fflush(stdout);
  }

  static void format_time(double ns, char* out) {
    if (ns >= 1e6) std::snprintf(out, 32, "%.3f ms", ns / 1e6);
    else if (ns >= 1e3) std::snprintf(out, 32, "%.2f us", ns / 1e3);
    else std::snprintf(out, 32, "%.1f ns", ns);
  }

  std::map<std::string, Row> medians_, plain_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
