// SPDX-License-Identifier: MIT
// evsel: names the backend of this directory for src/backend.hpp.
#pragma once

#include "win_backend.hpp"
