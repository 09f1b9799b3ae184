// SPDX-License-Identifier: MIT
// evsel examples: room for many sockets in the test and benchmark programs.
#include "descriptor_limit.hpp"

#if !defined(_WIN32)
#include <sys/resource.h>
#endif

namespace evsel_examples {

void raise_descriptor_limit(std::size_t wanted) noexcept {
#if !defined(_WIN32)
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = wanted < limit.rlim_max ? static_cast<rlim_t>(wanted) : limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
#else
  (void)wanted;
#endif
}

}  // namespace evsel_examples
