// SPDX-License-Identifier: MIT
// evsel: umbrella header.
#pragma once

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>
#include <evsel/events.hpp>
#include <evsel/poller.hpp>
#include <evsel/socket.hpp>
#include <evsel/timer.hpp>
#include <evsel/user_event.hpp>
#include <evsel/version.hpp>
