// SPDX-License-Identifier: MIT
// The article's client: its command line (the usage line is in client.cpp's main).
#pragma once

#include <string>
#include <vector>

#include <winsock2.h>

struct ClientOptions {
  const char* address = "127.0.0.1";
  unsigned short port = 4567;
  std::string name = "client";
  std::vector<std::string> lines;
  unsigned count = 0;       // lines made up: "message <k> of <count> from <name>"
  unsigned clients = 0;     // 0: one client, named --name, that logs what it does
  bool stay = false;        // keep the connection until the server closes it
  DWORD timeoutMs = 40000;  // the article's wait; three in a row end the client
};

// Reads argv into `opt`; false on an unknown option or a bad value.
bool ParseOptions(int argc, char** argv, ClientOptions& opt);

// The lines --count makes up for `name`: "message <k> of <count> from <name>".
std::vector<std::string> MadeUpLines(const std::string& name, unsigned count);
