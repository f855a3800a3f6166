#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace mileage {

void OsRandom::Fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // No entropy means no safe tokens; refusing to continue is the only option.
    }
    done += static_cast<size_t>(n);
  }
}

std::string RandomHex(RandomSource& random, size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::vector<uint8_t> raw(bytes);
  random.Fill(raw);
  std::string out;
  out.reserve(bytes * 2);
  for (uint8_t b : raw) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

}  // namespace mileage
