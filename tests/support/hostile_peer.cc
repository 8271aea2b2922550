#include "tests/support/hostile_peer.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "tests/support/region_tamper.h"

namespace netipc::testing::hostile {

namespace {

using namespace std::chrono_literals;

// An upper bound on every wait of a script: a broken test fails instead of
// hanging, and a slow machine never trips it.
constexpr std::chrono::seconds step_timeout{30};

// Room for any packet a victim sends in these tests.
constexpr std::size_t receive_room = 1U << 20U;

// One script on one connection.
class Runner {
public:
    Runner(transports::UdsSeqpacket::Connection connection, transports::ServiceAddress address)
        : connection_(std::move(connection)), address_(std::move(address)) {}

    PeerLog run(const Script& script) {
        for (const Step& step : script) {
            if (!std::visit([this](const auto& s) { return carry_out(s); }, step)) {
                return std::move(log_);
            }
        }
        log_.finished = true;
        return std::move(log_);
    }

private:
    bool problem(std::string what) {
        log_.problems.push_back(std::move(what));
        return false;
    }

    [[nodiscard]] int fd() const { return connection_.native_handle(); }

    // Waits for a packet or EOF; the packet, or nullopt at EOF.
    std::optional<Packet> next_packet(bool& failed) {
        failed = false;
        pollfd readable{fd(), POLLIN, 0};
        const int ready =
            ::poll(&readable, 1, static_cast<int>(std::chrono::milliseconds(step_timeout).count()));
        if (ready != 1) {
            failed = true;
            return std::nullopt;
        }
        Packet packet(receive_room);
        const ssize_t got = ::recv(fd(), packet.data(), packet.size(), 0);
        if (got < 0) {
            // A reset is the victim's close too.
            failed = errno != ECONNRESET;
            return std::nullopt;
        }
        if (got == 0) {
            return std::nullopt;
        }
        packet.resize(static_cast<std::size_t>(got));
        return packet;
    }

    bool carry_out(const Send& step) {
        const ssize_t sent =
            ::send(fd(), step.packet.data(), step.packet.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent != static_cast<ssize_t>(step.packet.size())) {
            return problem("send failed (victim gone or buffer full)");
        }
        return true;
    }

    bool carry_out(const Receive& /*step*/) {
        bool failed = false;
        auto packet = next_packet(failed);
        if (!packet) {
            return problem(failed ? "receive failed or timed out" : "victim closed instead");
        }
        log_.received.push_back(std::move(*packet));
        return true;
    }

    bool carry_out(const ExpectClosed& /*step*/) {
        bool failed = false;
        auto packet = next_packet(failed);
        if (packet) {
            log_.received.push_back(std::move(*packet));
            return problem("victim sent a packet instead of closing");
        }
        if (failed) {
            return problem("victim neither closed nor sent before the step timeout");
        }
        log_.victim_closed = true;
        return true;
    }

    bool carry_out(const Close& /*step*/) {
        connection_.close();
        return true;
    }

    bool carry_out(const Signal& step) {
        step.event->raise();
        return true;
    }

    bool carry_out(const Await& step) {
        return step.event->wait(Deadline::after(step_timeout)) || problem("the test never said go");
    }

    bool carry_out(const CreateRegion& step) {
        auto path = transports::shm_path(address_, step.session_id);
        if (!path) {
            return problem("no region path");
        }
        auto region =
            transports::ShmRegion::create(*path, step.request_ceiling, step.response_ceiling);
        if (!region) {
            return problem("cannot create the region: " + region.error().message());
        }
        region_.emplace(std::move(*region));
        return map(*path);
    }

    bool carry_out(const MapRegion& step) {
        std::optional<std::uint64_t> session = step.session_id;
        if (!session && !log_.received.empty()) {
            const wire::Bytes ack(log_.received.front());
            if (auto decoded = wire::decode_hello_ack(
                    ack.subspan(std::min(ack.size(), wire::message_header_size)))) {
                session = decoded->session_id;
            }
        }
        if (!session) {
            return problem("no session id: no HELLO_ACK received");
        }
        auto path = transports::shm_path(address_, *session);
        return path ? map(*path) : problem("no region path");
    }

    bool map(const std::string& path) {
        auto tamper = RegionTamper::open(path);
        if (!tamper) {
            return problem("cannot map the region: " + tamper.error().message());
        }
        tamper_.emplace(std::move(*tamper));
        return true;
    }

    bool carry_out(const WriteRegion& step) {
        if (!tamper_) {
            return problem("no region mapped");
        }
        return tamper_->write(step.offset, step.bytes).has_value()
               || problem("write past the region");
    }

    bool carry_out(const AwaitPublication& step) {
        if (!tamper_) {
            return problem("no region mapped");
        }
        auto& seen =
            step.direction == transports::ShmDirection::request ? request_seen_ : response_seen_;
        auto now = tamper_->await_publication(step.direction, seen, Deadline::after(step_timeout));
        if (!now) {
            return problem("the victim published nothing");
        }
        seen = *now;
        return true;
    }

    bool carry_out(const Publish& step) {
        if (!tamper_) {
            return problem("no region mapped");
        }
        tamper_->publish(step.direction);
        return true;
    }

    transports::UdsSeqpacket::Connection connection_;
    transports::ServiceAddress address_;
    std::optional<transports::ShmRegion> region_; // a region this peer created
    std::optional<RegionTamper> tamper_;
    std::uint64_t request_seen_ = 0;
    std::uint64_t response_seen_ = 0;
    PeerLog log_;
};

transports::UdsSeqpacket::Listener listen_or_throw(const transports::ServiceAddress& address) {
    auto listener = transports::UdsSeqpacket::listen(address);
    if (!listener) {
        throw std::runtime_error("hostile server cannot listen: " + listener.error().message());
    }
    return std::move(*listener);
}

} // namespace

PeerLog run_script(transports::UdsSeqpacket::Connection connection,
                   const transports::ServiceAddress& address, const Script& script) {
    return Runner(std::move(connection), address).run(script);
}

HostileServer::HostileServer(transports::ServiceAddress address, std::vector<Script> scripts)
    : address_(std::move(address)),
      listener_(listen_or_throw(address_)),
      scripts_(std::move(scripts)) {
    thread_ = std::thread([this] {
        for (const Script& script : scripts_) {
            auto connection = listener_.accept(Deadline::after(step_timeout), nullptr);
            if (!connection) {
                PeerLog log;
                log.problems.emplace_back("no victim connected: " + connection.error().message());
                logs_.push_back(std::move(log));
                return;
            }
            logs_.push_back(run_script(std::move(*connection), address_, script));
        }
    });
}

HostileServer::~HostileServer() {
    (void)join();
}

std::vector<PeerLog> HostileServer::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
    return logs_;
}

HostileClient::HostileClient(transports::ServiceAddress address, Script script) {
    thread_ = std::thread([this, address = std::move(address), script = std::move(script)] {
        auto connection = transports::UdsSeqpacket::connect(address, Deadline::after(step_timeout));
        if (!connection) {
            log_.problems.emplace_back("cannot connect: " + connection.error().message());
            return;
        }
        log_ = run_script(std::move(*connection), address, script);
    });
}

HostileClient::~HostileClient() {
    (void)join();
}

PeerLog HostileClient::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
    return log_;
}

} // namespace netipc::testing::hostile
