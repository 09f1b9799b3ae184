// SPDX-License-Identifier: MIT
// The article's client: its command line.
#include "client_options.hpp"

#include <cstring>

#include "article_common.hpp"

bool ParseOptions(int argc, char** argv, ClientOptions& opt) {
  for (int i = 1; i < argc; ++i) {
    std::string option = argv[i];
    if (option == "--stay") {
      opt.stay = true;
      continue;
    }
    OptionValue value;
    if (!TakeOptionValue(argc, argv, i, value)) return false;
    const unsigned long number = value.number;
    if (option == "--address") {
      opt.address = value.text;
    } else if (option == "--port" && value.numeric && number <= 65535) {
      opt.port = static_cast<unsigned short>(number);
    } else if (option == "--name" && *value.text != '\0' &&
               std::strchr(value.text, ' ') == nullptr) {
      opt.name = value.text;
    } else if (option == "--line") {
      opt.lines.push_back(value.text);
    } else if (option == "--count" && value.numeric && number <= 100000) {
      opt.count = static_cast<unsigned>(number);
    } else if (option == "--clients" && value.numeric && number <= 5000) {
      opt.clients = static_cast<unsigned>(number);
    } else if (option == "--timeout" && value.numeric && number > 0 && number <= 3600) {
      opt.timeoutMs = static_cast<DWORD>(number * 1000);
    } else {
      return false;
    }
  }
  return true;
}

std::vector<std::string> MadeUpLines(const std::string& name, unsigned count) {
  std::vector<std::string> lines;
  for (unsigned k = 1; k <= count; ++k) {
    lines.push_back("message " + std::to_string(k) + " of " + std::to_string(count) + " from " +
                    name);
  }
  return lines;
}
