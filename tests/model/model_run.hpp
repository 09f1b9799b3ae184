// SPDX-License-Identifier: MIT
// evsel: the model-based fuzzer's driver: operations decoded from bytes run on real
// loopback sockets and one poller, every wait checked against the reference model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace evsel_model {

struct run_result {
  bool ok = true;
  std::string failure;  // what went wrong, then the operations that led there
  std::size_t steps = 0;
};

// Runs the operations that `data` encodes (any bytes are valid input), then lets the
// network settle and checks that everything that must be reported was. Deterministic in
// its operations; the kernel's timing is not.
run_result run_operations(const std::uint8_t* data, std::size_t size);

// The input the fixed-seed corpus uses for `seed`.
std::vector<std::uint8_t> operations_for_seed(std::uint64_t seed, std::size_t length);

}  // namespace evsel_model
