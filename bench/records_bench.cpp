// Parser throughput for the record grammars, next to the cost of merely scanning the same bytes
// (the floor any parser of this text pays). Run: build/bench/webshield_bench_records.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"

namespace {

const std::string kTlsRpt =
    "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1/tlsrpt";
const std::string kSts = "v=STSv1; id=20261129T000000";
const std::string kPolicy =
    "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.mx.example.net\r\n"
    "max_age: 1209600\r\n";

// The floor: one pass over the bytes looking for delimiters.
void scan(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::ranges::count(text, ';') + std::ranges::count(text, '\n'));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_ScanTlsRpt(benchmark::State& state) {
  scan(state, kTlsRpt);
}
void BM_ScanPolicy(benchmark::State& state) {
  scan(state, kPolicy);
}

void BM_ParseTlsRpt(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(webshield::records::parse_tlsrpt_record(kTlsRpt));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kTlsRpt.size()));
}

void BM_ParseSts(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(webshield::records::parse_sts_record(kSts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSts.size()));
}

void BM_ParsePolicy(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(webshield::records::parse_sts_policy(kPolicy));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPolicy.size()));
}

}  // namespace

BENCHMARK(BM_ScanTlsRpt);
BENCHMARK(BM_ParseTlsRpt);
BENCHMARK(BM_ParseSts);
BENCHMARK(BM_ScanPolicy);
BENCHMARK(BM_ParsePolicy);
BENCHMARK_MAIN();
