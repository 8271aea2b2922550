// What a handshake agreed, as `netipc probe` prints it (text or JSON) and
// `netipc demo` shows it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "framing/handshake.h"
#include "netipc/peer_identity.h"

namespace netipc::cli {

struct HandshakeReport {
    std::string endpoint; // the socket path
    SessionParameters session;
    std::chrono::microseconds elapsed{0}; // connect + HELLO + HELLO_ACK (+ SHM attach)
    // The provider's credentials as the OS reports them, and this process's
    // own (what a provider's peer-credential check sees); printed when set.
    // `{}`: callers that brace-initialize the first three stay warning-free.
    std::optional<PeerIdentity> provider{}; // NOLINT(readability-redundant-member-init)
    std::optional<PeerIdentity> client{};   // NOLINT(readability-redundant-member-init)
};

// "uid 0, gid 0, pid 1234".
std::string identity_text(const PeerIdentity& identity);

// Aligned "field   value" lines, each starting with `indent`.
std::string to_text(const HandshakeReport& report, std::string_view indent = "");
nlohmann::ordered_json to_json(const HandshakeReport& report);

} // namespace netipc::cli
