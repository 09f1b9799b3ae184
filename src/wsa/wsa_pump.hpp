// SPDX-License-Identifier: MIT
// evsel-wsa: the hidden poller of every selected socket, and pumping it.
//
// Winsock lets any number of threads wait at once, each on its own event objects; an evsel
// poller has one wait at a time. So one hidden poller holds every selected socket, and a
// thread blocked in WSAWaitForMultipleEvents pumps it for everyone (leader and followers):
// while no other thread pumps, it waits on the poller itself, moves each record into its
// socket's Winsock record and signals the socket's event object; the other waiters sleep
// on their events. A pumping thread whose own wait is over hands the pump to a waiter that
// still needs it. An event for the pumping thread's own sockets thus costs no thread switch
// beyond evsel's, and one for another waiter's costs the one that Windows has too (the
// kernel waking that thread).
#pragma once

#include <cstddef>
#include <memory>

#include <evsel/poller.hpp>

namespace evsel::wsa {

// The poller, made on first need. Throws std::system_error or std::bad_alloc when the OS or
// memory refuses.
std::shared_ptr<evsel::poller> hidden_poller();
// The poller if there is one, else null.
std::shared_ptr<evsel::poller> existing_hidden_poller() noexcept;
// Drops it (the last WSACleanup). A thread pumping it is woken and lets go of it when its
// wait returns.
void drop_hidden_poller() noexcept;
// Takes what evsel has recorded by now, unless a thread pumps already or the last pump
// ended less than a millisecond ago: for a program that enumerates without waiting
// (WSAEnumNetworkEvents), the records are never staler than that.
void pump_now() noexcept;

// Moves records into the sockets' Winsock records and signals their event objects (takes
// runtime::mutex; wsa_pump.cpp).
void deliver(const ready_record* records, std::size_t count) noexcept;

}  // namespace evsel::wsa
