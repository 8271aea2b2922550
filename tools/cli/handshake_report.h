// What a handshake agreed, as `netipc probe` prints it (text or JSON) and
// `netipc demo` shows it.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "framing/handshake.h"

namespace netipc::cli {

struct HandshakeReport {
    std::string endpoint; // the socket path
    SessionParameters session;
    std::chrono::microseconds elapsed{0}; // connect + HELLO + HELLO_ACK (+ SHM attach)
};

// Aligned "field   value" lines, each starting with `indent`.
std::string to_text(const HandshakeReport& report, std::string_view indent = "");
nlohmann::ordered_json to_json(const HandshakeReport& report);

} // namespace netipc::cli
