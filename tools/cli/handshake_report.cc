#include "tools/cli/handshake_report.h"

#include <fmt/format.h>

#include "tools/cli/options.h"

namespace netipc::cli {

namespace {

std::string limits_text(const wire::DirectionalLimits& limits) {
    return fmt::format("up to {} bytes, {} item{} per batch", limits.max_payload_bytes,
                       limits.max_batch_items, limits.max_batch_items == 1 ? "" : "s");
}

nlohmann::ordered_json identity_json(const PeerIdentity& identity) {
    nlohmann::ordered_json out;
    out["uid"] = identity.uid;
    out["gid"] = identity.gid;
    out["pid"] = identity.pid;
    return out;
}

nlohmann::ordered_json limits_json(const wire::DirectionalLimits& limits) {
    nlohmann::ordered_json out;
    out["max_payload_bytes"] = limits.max_payload_bytes;
    out["max_batch_items"] = limits.max_batch_items;
    return out;
}

} // namespace

std::string identity_text(const PeerIdentity& identity) {
    return fmt::format("uid {}, gid {}, pid {}", identity.uid, identity.gid, identity.pid);
}

std::string to_text(const HandshakeReport& report, std::string_view indent) {
    const auto& session = report.session;
    std::string text;
    auto line = [&](std::string_view field, const std::string& value) {
        text += fmt::format("{}{:<12} {}\n", indent, field, value);
    };
    line("endpoint", report.endpoint);
    line("profile", fmt::format("{} (0x{:02x})", profile_name(session.selected_profile),
                                session.selected_profile));
    line("session id", fmt::format("{}", session.session_id));
    line("packet size", fmt::format("{} bytes", session.packet_size));
    line("requests", limits_text(session.requests));
    line("responses", limits_text(session.responses));
    line("handshake", fmt::format("{:.3f} ms", static_cast<double>(report.elapsed.count()) / 1000));
    if (report.provider) {
        line("provider", identity_text(*report.provider));
    }
    if (report.client) {
        line("client", identity_text(*report.client));
    }
    return text;
}

nlohmann::ordered_json to_json(const HandshakeReport& report) {
    const auto& session = report.session;
    nlohmann::ordered_json out;
    out["endpoint"] = report.endpoint;
    out["profile"] = profile_name(session.selected_profile);
    out["profile_bits"] = session.selected_profile;
    out["session_id"] = session.session_id;
    out["packet_size"] = session.packet_size;
    out["requests"] = limits_json(session.requests);
    out["responses"] = limits_json(session.responses);
    out["handshake_us"] = report.elapsed.count();
    if (report.provider) {
        out["provider"] = identity_json(*report.provider);
    }
    if (report.client) {
        out["client"] = identity_json(*report.client);
    }
    return out;
}

} // namespace netipc::cli
