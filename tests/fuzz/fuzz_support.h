#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

// Helpers shared by the fuzz targets.
namespace mileage::fuzz {

#ifdef MILEAGE_WECHAT_TESTDATA_DIR
// A vector file from tests/testdata/wechat; aborts when it is missing (a broken setup, not a
// finding).
inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz setup: cannot read %s\n", name.c_str());
    std::abort();
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
#endif

// Stops the run with a crash report when an invariant does not hold.
inline void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace mileage::fuzz
