// One scrypt password hash (what every console login costs) at the production parameters
// (crypto::kDefaultScryptParams) and at neighbouring N, plus the session-token check every
// authenticated console request pays. Run by scripts/bench; numbers in docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include "common/random.h"
#include "crypto/data_key.h"
#include "crypto/password_hasher.h"
#include "org/session_service.h"

namespace mileage::org {
namespace {

void BM_ScryptHash(benchmark::State& state) {
  OsRandom random;
  crypto::ScryptParams params = crypto::kDefaultScryptParams;
  params.log2_n = static_cast<int>(state.range(0));
  crypto::PasswordHasher hasher(random, params);
  for (auto _ : state) {
    Result<std::string> hash = hasher.Hash("correct horse battery staple");
    if (!hash.ok()) state.SkipWithError(hash.status().ToString().c_str());
    benchmark::DoNotOptimize(hash);
  }
  state.SetLabel(params.log2_n == crypto::kDefaultScryptParams.log2_n ? "production" : "");
}
BENCHMARK(BM_ScryptHash)->DenseRange(13, 16)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SessionTokenCheck(benchmark::State& state) {
  OsRandom random;
  Result<crypto::DataKey> key = crypto::DataKey::FromHex(RandomHex(random, 32));
  crypto::BearerTokens tokens(*key, random, kConsoleTokens);
  Result<crypto::MintedToken> minted = tokens.Mint();
  for (auto _ : state) {
    Result<std::string> kv_key = tokens.KvKeyOf(minted->token);
    benchmark::DoNotOptimize(kv_key);
  }
}
BENCHMARK(BM_SessionTokenCheck)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace mileage::org

BENCHMARK_MAIN();
