// A scriptable misbehaving peer for tests: the server side (HostileServer
// listens at a netipc endpoint and runs one script per connection it
// accepts) and the client side (HostileClient connects to a netipc server
// and runs one script). Each runs on its own thread; the test drives the
// victim on its own and reads the peer's log after join().
//
// A script is a list of steps, run in order on one UDS SEQPACKET connection
// with raw syscalls (so nothing the library would refuse to send is off
// limits):
//   Send{packet}          one packet, these exact bytes (hostile_packets.h)
//   Receive{}             one packet, recorded in the log (a problem if the
//                         victim closed instead)
//   ExpectClosed{}        the victim must close now (no packet before EOF)
//   Close{}               close the connection now; the script ends
//   Signal{event}         tell the test this point was reached
//   Await{event}          wait until the test says so
//   CreateRegion{...}     server: create the session's SHM region as a
//                         compliant server does (before its HELLO_ACK)
//   MapRegion{session}    client: map the server's region for tampering
//                         (session: the HELLO_ACK's when not given)
//   WriteRegion{o, bytes} write bytes at offset o of the region file
//   AwaitPublication{dir} wait until the victim publishes in `dir`
//   Publish{dir}          publish what the area and length field hold now
// Every wait is bounded by a generous deadline (an upper bound, never what
// a test asserts); a step that cannot be carried out ends the script with a
// problem in the log.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "tests/support/hostile_packets.h"
#include "transports/posix/endpoint.h"
#include "transports/posix/shm_region.h"
#include "transports/posix/uds_seqpacket.h"

namespace netipc::testing::hostile {

// A one-shot event between a script and its test.
class Event {
public:
    void raise() {
        {
            const std::lock_guard lock(mutex_);
            raised_ = true;
        }
        changed_.notify_all();
    }
    // False when `deadline` passed first.
    bool wait(Deadline deadline) {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline.when(), [this] { return raised_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool raised_ = false;
};

struct Send {
    Packet packet;
};
struct Receive {};
struct ExpectClosed {};
struct Close {};
struct Signal {
    std::shared_ptr<Event> event;
};
struct Await {
    std::shared_ptr<Event> event;
};
struct CreateRegion {
    std::uint32_t request_ceiling;
    std::uint32_t response_ceiling;
    std::uint64_t session_id;
};
struct MapRegion {
    // Empty: the session id of the HELLO_ACK this script received.
    std::optional<std::uint64_t> session_id;
};
struct WriteRegion {
    std::size_t offset;
    Packet bytes;
};
struct AwaitPublication {
    transports::ShmDirection direction;
};
struct Publish {
    transports::ShmDirection direction;
};

using Step = std::variant<Send, Receive, ExpectClosed, Close, Signal, Await, CreateRegion,
                          MapRegion, WriteRegion, AwaitPublication, Publish>;
using Script = std::vector<Step>;

// Appends the steps of `more` to `script`.
inline Script& operator+=(Script& script, const Script& more) {
    script.insert(script.end(), more.begin(), more.end());
    return script;
}
inline Script operator+(Script script, const Script& more) {
    script += more;
    return script;
}
// Steps that send each of `packets`, in order.
inline Script send_all(const std::vector<Packet>& packets) {
    Script script;
    for (const Packet& packet : packets) {
        script.push_back(Send{packet});
    }
    return script;
}

// What happened on one connection.
struct PeerLog {
    std::vector<Packet> received;      // by Receive steps, in order
    bool victim_closed = false;        // an ExpectClosed step saw EOF
    std::vector<std::string> problems; // steps that could not be carried out
    bool finished = false;             // every step ran
};

// The server side: listens at `address` when constructed (throws
// std::runtime_error if it cannot), then accepts one connection per script
// and runs it to its end before accepting the next.
class HostileServer {
public:
    HostileServer(transports::ServiceAddress address, std::vector<Script> scripts);
    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;
    ~HostileServer();

    // Waits until every script ran (or could not) and returns their logs.
    std::vector<PeerLog> join();

private:
    transports::ServiceAddress address_;
    transports::UdsSeqpacket::Listener listener_;
    std::vector<Script> scripts_;
    std::vector<PeerLog> logs_;
    std::thread thread_;
};

// The client side: connects to `address` and runs `script`.
class HostileClient {
public:
    HostileClient(transports::ServiceAddress address, Script script);
    HostileClient(const HostileClient&) = delete;
    HostileClient& operator=(const HostileClient&) = delete;
    ~HostileClient();

    PeerLog join();

private:
    PeerLog log_;
    std::thread thread_;
};

// Runs `script` on `connection` (exposed for tests that make their own).
PeerLog run_script(transports::UdsSeqpacket::Connection connection,
                   const transports::ServiceAddress& address, const Script& script);

} // namespace netipc::testing::hostile
