// End-to-end tests of the `netipc` program: the built binary, run as a
// person or a script would run it, with real providers in real run
// directories. Providers are waited for by their READY line, never by a
// sleep.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "codecs/simple_hash.h"
#include "netipc/posix/unique_fd.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "tests/support/runfiles.h"
#include "tests/support/temp_run_dir.h"
#include "tools/cli/child_process.h"

namespace {

using namespace std::chrono_literals;
using netipc::cli::ChildProcess;
using netipc::testing::TempRunDir;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr auto run_timeout = 20s;

// The value of `value`, failing the test case when there is none.
template <class T>
T required(std::optional<T> value) {
    REQUIRE(value.has_value());
    if (!value) {
        throw std::logic_error("REQUIRE did not stop the test"); // never reached
    }
    return std::move(*value);
}

std::string netipc_binary() {
    return netipc::testing::built_program("tools/netipc");
}

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `netipc ARGS...` to completion.
Outcome run(const std::vector<std::string>& arguments) {
    auto child = ChildProcess::spawn(netipc_binary(), arguments, true);
    REQUIRE(child);
    const auto exit = required(child->wait(run_timeout));
    REQUIRE(exit.signal == 0);
    return {exit.code, child->out(), child->err()};
}

// Options naming the service `service` in `dir`.
std::vector<std::string> at(const TempRunDir& dir, const std::string& service,
                            std::vector<std::string> more = {}) {
    std::vector<std::string> arguments{"--run-dir", dir.path(), "--service", service};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return arguments;
}

std::vector<std::string> operator+(std::vector<std::string> head,
                                   const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

// `netipc serve ...`, READY before the constructor returns; stopped with
// SIGTERM (and required to exit 0) by stop() or the destructor.
class Provider {
public:
    explicit Provider(const std::vector<std::string>& arguments) : child_(start(arguments)) {}
    Provider(const Provider&) = delete;
    Provider& operator=(const Provider&) = delete;
    Provider(Provider&&) = delete;
    Provider& operator=(Provider&&) = delete;
    ~Provider() {
        if (child_) {
            (void)child_->signal(SIGTERM);
            (void)child_->wait(run_timeout);
        }
    }

    ChildProcess::Exit stop(int signal_number = SIGTERM) {
        REQUIRE(child_.has_value());
        if (!child_) {
            return {};
        }
        REQUIRE(child_->signal(signal_number));
        const auto exit = required(child_->wait(run_timeout));
        child_.reset();
        return exit;
    }

private:
    static std::optional<ChildProcess> start(const std::vector<std::string>& arguments) {
        auto child = ChildProcess::spawn(netipc_binary(),
                                         std::vector<std::string>{"serve"} + arguments, true);
        REQUIRE(child);
        auto line = child->read_line(run_timeout);
        INFO("stderr: " << child->err());
        REQUIRE(line == std::optional<std::string>("READY"));
        return std::move(*child);
    }

    std::optional<ChildProcess> child_;
};

std::vector<std::string> entries(const TempRunDir& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        names.push_back(entry.path().filename().string());
    }
    return names;
}

// One line on stderr, ending in a newline, that mentions `cause`.
void check_one_line(const std::string& err, const std::string& cause) {
    INFO("stderr: " << err);
    REQUIRE_FALSE(err.empty());
    CHECK(err.back() == '\n');
    CHECK(err.find('\n') == err.size() - 1);
    CHECK(err.find(cause) != std::string::npos);
}

// A SEQPACKET endpoint that is not NetIPC: it answers whatever arrives
// first on a connection with bytes that are not a HELLO_ACK.
class RogueEndpoint {
public:
    explicit RogueEndpoint(const std::string& path) : path_(path) {
        listener_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
        REQUIRE(listener_);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof(address.sun_path));
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        REQUIRE(
            ::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address))
            == 0);
        REQUIRE(::listen(listener_.get(), 4) == 0);
        thread_ = std::thread([this] { answer_garbage(); });
    }
    RogueEndpoint(const RogueEndpoint&) = delete;
    RogueEndpoint& operator=(const RogueEndpoint&) = delete;
    RogueEndpoint(RogueEndpoint&&) = delete;
    RogueEndpoint& operator=(RogueEndpoint&&) = delete;
    ~RogueEndpoint() {
        stopping_ = true;
        thread_.join();
        ::unlink(path_.c_str());
    }

private:
    void answer_garbage() {
        while (!stopping_) {
            pollfd waiting{listener_.get(), POLLIN, 0};
            if (::poll(&waiting, 1, 20) != 1) {
                continue; // look at stopping_ again
            }
            const netipc::posix::UniqueFd connection(::accept(listener_.get(), nullptr, nullptr));
            if (!connection) {
                continue;
            }
            std::array<char, 4096> hello{};
            if (::recv(connection.get(), hello.data(), hello.size(), 0) <= 0) {
                continue;
            }
            std::array<char, 80> garbage{};
            garbage.fill('\x5a');
            (void)::send(connection.get(), garbage.data(), garbage.size(), MSG_NOSIGNAL);
        }
    }

    std::string path_;
    netipc::posix::UniqueFd listener_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace

TEST_CASE("serve and call answer every kind over both transports", "[cli][e2e]") {
    const std::string transport = GENERATE("baseline", "shm");
    CAPTURE(transport);
    TempRunDir dir;
    const std::vector<std::string> over{"--transport", transport};

    SECTION("increment") {
        Provider provider(std::vector<std::string>{"increment"} + at(dir, "inc", over));
        auto one = run(std::vector<std::string>{"call", "increment", "--value", "41"}
                       + at(dir, "inc", over));
        CHECK(one.status == 0);
        CHECK(one.out == "42\n");
        CHECK(one.err.empty());

        auto hex = run(std::vector<std::string>{"call", "increment", "--value", "0xff", "--json"}
                       + at(dir, "inc", over));
        CHECK(hex.status == 0);
        CHECK(json::parse(hex.out) == json{{"value", 256}});

        auto batch =
            run(std::vector<std::string>{"call", "increment", "--value", "10", "--batch", "3"}
                + at(dir, "inc", over));
        CHECK(batch.status == 0);
        CHECK(batch.out == "11\n12\n13\n");

        auto batch_json = run(std::vector<std::string>{"call", "increment", "--value", "10",
                                                       "--batch", "300", "--json"}
                              + at(dir, "inc", over));
        CHECK(batch_json.status == 0);
        const auto values = json::parse(batch_json.out).at("values");
        REQUIRE(values.size() == 300);
        CHECK(values.front() == 11);
        CHECK(values.back() == 310);
    }
    SECTION("string-reverse") {
        Provider provider(std::vector<std::string>{"string-reverse"} + at(dir, "rev", over));
        auto one =
            run(std::vector<std::string>{"call", "string-reverse", "--string", "hello netipc"}
                + at(dir, "rev", over));
        CHECK(one.status == 0);
        CHECK(one.out == "cpiten olleh\n");

        auto batch = run(std::vector<std::string>{"call", "string-reverse", "--string", "abc",
                                                  "--batch", "2", "--json"}
                         + at(dir, "rev", over));
        CHECK(batch.status == 0);
        CHECK(json::parse(batch.out) == json{{"strings", {"cba", "cba"}}});

        // Longer than the first request ceiling the client proposes (1024 B)
        // and than the response default (65536 B): the client grows its
        // ceiling, and the provider grants responses as large as requests.
        // (One argument may not exceed 128 KiB.)
        const std::string long_text(100000, 'x');
        auto big = run(std::vector<std::string>{"call", "string-reverse", "--string", long_text}
                       + at(dir, "rev", over));
        CHECK(big.status == 0);
        CHECK(big.out == long_text + "\n");
    }
    SECTION("cgroups-snapshot, with the built-in sample") {
        Provider provider(std::vector<std::string>{"cgroups-snapshot"} + at(dir, "cg", over));
        auto answer =
            run(std::vector<std::string>{"call", "cgroups-snapshot"} + at(dir, "cg", over));
        CHECK(answer.status == 0);
        const auto snapshot = json::parse(answer.out);
        CHECK(snapshot.at("generation") == 1);
        CHECK(snapshot.at("systemd_enabled") == 1);
        REQUIRE(snapshot.at("items").size() == 8);
        for (const auto& item : snapshot.at("items")) {
            CHECK(item.size() == 5); // hash, options, enabled, name, path
            CHECK(item.at("hash")
                  == netipc::codecs::simple_hash(item.at("name").get<std::string>()));
        }
    }
    SECTION("the service name defaults to the kind") {
        Provider provider(std::vector<std::string>{"increment", "--run-dir", dir.path()} + over);
        auto one = run(
            std::vector<std::string>{"call", "increment", "--value", "1", "--run-dir", dir.path()}
            + over);
        CHECK(one.status == 0);
        CHECK(one.out == "2\n");
        CHECK(fs::exists(dir.path() + "/increment.sock"));
    }
}

TEST_CASE("probe prints the negotiated profile, limits, packet size and session id",
          "[cli][e2e][probe]") {
    TempRunDir dir;
    Provider provider(std::vector<std::string>{"increment"} + at(dir, "inc"));

    auto text = run(std::vector<std::string>{"probe"} + at(dir, "inc"));
    CHECK(text.status == 0);
    for (const std::string& field :
         {"endpoint     " + dir.path() + "/inc.sock\n",
          std::string("profile      shm-hybrid (0x02)\n"), std::string("session id   1\n"),
          std::string("packet size  "),
          std::string("requests     up to 1024 bytes, 1 item per batch\n"),
          std::string("responses    up to 65536 bytes, 1 item per batch\n"),
          std::string("handshake    ")}) {
        INFO(text.out);
        CHECK(text.out.find(field) != std::string::npos);
    }

    auto baseline = run(std::vector<std::string>{"probe", "--json", "--transport", "baseline"}
                        + at(dir, "inc"));
    CHECK(baseline.status == 0);
    const auto report = json::parse(baseline.out);
    CHECK(report.at("endpoint") == dir.path() + "/inc.sock");
    CHECK(report.at("profile") == "baseline");
    CHECK(report.at("profile_bits") == 1);
    CHECK(report.at("session_id") == 2); // the server counts sessions
    CHECK(report.at("packet_size").get<std::uint32_t>() > 32);
    CHECK(report.at("requests") == json{{"max_payload_bytes", 1024}, {"max_batch_items", 1}});
    CHECK(report.at("responses") == json{{"max_payload_bytes", 65536}, {"max_batch_items", 1}});
    CHECK(report.at("handshake_us").is_number_unsigned());

    auto proposed = run(std::vector<std::string>{"probe", "--json", "--request-bytes", "4096",
                                                 "--batch-items", "16"}
                        + at(dir, "inc"));
    CHECK(proposed.status == 0);
    const auto grown = json::parse(proposed.out);
    CHECK(grown.at("profile") == "shm-hybrid");
    CHECK(grown.at("requests") == json{{"max_payload_bytes", 4096}, {"max_batch_items", 16}});
    CHECK(grown.at("responses").at("max_batch_items") == 16);
}

TEST_CASE("a server on the baseline only is reached by a client offering SHM",
          "[cli][e2e][probe]") {
    TempRunDir dir;
    Provider provider(std::vector<std::string>{"increment", "--transport", "baseline"}
                      + at(dir, "inc"));
    auto report =
        run(std::vector<std::string>{"probe", "--json", "--transport", "shm"} + at(dir, "inc"));
    CHECK(report.status == 0);
    CHECK(json::parse(report.out).at("profile") == "baseline");
}

TEST_CASE("a snapshot round-trips: serve --data FILE, call --json, same items",
          "[cli][e2e][json]") {
    TempRunDir dir;
    const std::string data_file = dir.path() + "/snapshot.json";
    const json data = json::parse(R"({
        "systemd_enabled": 0,
        "generation": 18446744073709551615,
        "items": [
            {"name": "system.slice_cron.service", "path": "/sys/fs/cgroup/system.slice/cron.service",
             "options": 1, "enabled": 1},
            {"name": "docker_redis", "path": "/sys/fs/cgroup/system.slice/docker-abc.scope",
             "options": 4294967295, "enabled": 0, "hash": 12345},
            {"name": "caf\u00e9 \"quoted\"", "path": "/p with spaces", "options": 0, "enabled": 1}
        ]})");
    {
        std::ofstream out(data_file);
        out << data.dump(2);
    }
    Provider provider(std::vector<std::string>{"cgroups-snapshot", "--data", data_file}
                      + at(dir, "cg"));
    ::unlink(data_file.c_str()); // read at start; the run dir must end empty

    json expected = data;
    for (auto& item : expected["items"]) {
        if (!item.contains("hash")) {
            item["hash"] = netipc::codecs::simple_hash(item["name"].get<std::string>());
        }
    }
    auto compact =
        run(std::vector<std::string>{"call", "cgroups-snapshot", "--json"} + at(dir, "cg"));
    CHECK(compact.status == 0);
    CHECK(std::count(compact.out.begin(), compact.out.end(), '\n') == 1); // one line
    CHECK(json::parse(compact.out) == expected);

    auto pretty = run(std::vector<std::string>{"call", "cgroups-snapshot"} + at(dir, "cg"));
    CHECK(pretty.status == 0);
    CHECK(json::parse(pretty.out) == expected);

    provider.stop();
    CHECK(entries(dir).empty());
}

TEST_CASE("lookups: serve --data, call with many keys, text and --json with every field",
          "[cli][e2e][lookup]") {
    const std::string transport = GENERATE("baseline", "shm");
    CAPTURE(transport);
    TempRunDir dir;
    const std::vector<std::string> over{"--transport", transport};
    const std::string data_file = dir.path() + "/table.json";

    SECTION("cgroups-lookup") {
        const json table = json::parse(R"({
            "generation": 9,
            "items": [
                {"path": "/docker/abc", "status": "KNOWN", "orchestrator": "DOCKER",
                 "name": "web", "labels": [{"key": "image", "value": "nginx"},
                                           {"key": "empty", "value": ""}]},
                {"path": "/pending", "status": "UNKNOWN_RETRY_LATER"},
                {"path": "/odd", "orchestrator": 4660}
            ]})");
        std::ofstream(data_file) << table.dump();
        Provider provider(std::vector<std::string>{"cgroups-lookup", "--data", data_file}
                          + at(dir, "cgl", over));
        ::unlink(data_file.c_str()); // read at start; the run dir must end empty

        const std::vector<std::string> keys{"--path", "/odd",        "--path", "/nowhere",
                                            "--path", "/docker/abc", "--path", "/pending"};
        auto answer = run(std::vector<std::string>{"call", "cgroups-lookup", "--json"} + keys
                          + at(dir, "cgl", over));
        CHECK(answer.status == 0);
        const json expected = json::parse(R"({
            "generation": 9,
            "items": [
                {"path": "/odd", "status": "KNOWN", "orchestrator": 4660, "name": "",
                 "labels": []},
                {"path": "/nowhere", "status": "UNKNOWN_PERMANENT", "orchestrator": "UNKNOWN",
                 "name": "", "labels": []},
                {"path": "/docker/abc", "status": "KNOWN", "orchestrator": "DOCKER",
                 "name": "web", "labels": [{"key": "image", "value": "nginx"},
                                           {"key": "empty", "value": ""}]},
                {"path": "/pending", "status": "UNKNOWN_RETRY_LATER", "orchestrator": "UNKNOWN",
                 "name": "", "labels": []}
            ]})");
        CHECK(json::parse(answer.out) == expected);

        auto text =
            run(std::vector<std::string>{"call", "cgroups-lookup"} + keys + at(dir, "cgl", over));
        CHECK(text.status == 0);
        CHECK(text.out.starts_with("generation 9, 4 items\n/odd\tKNOWN\torchestrator=4660"));
        CHECK(text.out.find("/docker/abc\tKNOWN\torchestrator=\"DOCKER\"\tname=web\t"
                            "labels=image=nginx,empty=\n")
              != std::string::npos);

        // probe works on a lookup provider like on any other.
        auto probe = run(std::vector<std::string>{"probe", "--json"} + at(dir, "cgl", over));
        CHECK(probe.status == 0);
        provider.stop();
        CHECK(entries(dir).empty());
    }
    SECTION("apps-lookup") {
        const json table = json::parse(R"({
            "generation": 4,
            "items": [
                {"pid": 1234, "ppid": 1, "uid": 1000, "starttime": 5521, "comm": "nginx",
                 "cgroup_path": "/docker/abc", "cgroup_name": "web", "orchestrator": "DOCKER",
                 "labels": [{"key": "image", "value": "nginx"}]},
                {"pid": 812, "ppid": 1, "uid": 0, "comm": "sshd", "cgroup_status": "HOST_ROOT"}
            ]})");
        std::ofstream(data_file) << table.dump();
        Provider provider(std::vector<std::string>{"apps-lookup", "--data", data_file}
                          + at(dir, "apl", over));
        ::unlink(data_file.c_str());

        auto answer = run(std::vector<std::string>{"call", "apps-lookup", "--json", "--pid", "812",
                                                   "--pid", "7", "--pid", "1234"}
                          + at(dir, "apl", over));
        CHECK(answer.status == 0);
        const json expected = json::parse(R"({
            "generation": 4,
            "items": [
                {"pid": 812, "status": "KNOWN", "ppid": 1, "uid": 0, "starttime": 0,
                 "comm": "sshd", "cgroup_status": "HOST_ROOT", "cgroup_path": "",
                 "cgroup_name": "", "orchestrator": "UNKNOWN", "labels": []},
                {"pid": 7, "status": "UNKNOWN", "ppid": 0, "uid": 4294967295, "starttime": 0,
                 "comm": "", "cgroup_status": "KNOWN", "cgroup_path": "", "cgroup_name": "",
                 "orchestrator": "UNKNOWN", "labels": []},
                {"pid": 1234, "status": "KNOWN", "ppid": 1, "uid": 1000, "starttime": 5521,
                 "comm": "nginx", "cgroup_status": "KNOWN", "cgroup_path": "/docker/abc",
                 "cgroup_name": "web", "orchestrator": "DOCKER",
                 "labels": [{"key": "image", "value": "nginx"}]}
            ]})");
        CHECK(json::parse(answer.out) == expected);

        auto text = run(std::vector<std::string>{"call", "apps-lookup", "--pid", "1234"}
                        + at(dir, "apl", over));
        CHECK(text.status == 0);
        CHECK(text.out
              == "generation 4, 1 items\n1234\tKNOWN\tcomm=nginx\tppid=1\tuid=1000\t"
                 "starttime=5521\tcgroup=KNOWN /docker/abc\tname=web\t"
                 "orchestrator=\"DOCKER\"\tlabels=image=nginx\n");
    }
    SECTION("the built-in samples, and many keys over a small response ceiling") {
        Provider provider(std::vector<std::string>{"cgroups-lookup", "--max-response-bytes", "512"}
                          + at(dir, "cgl", over));
        std::vector<std::string> arguments{"call", "cgroups-lookup", "--json"};
        for (int i = 0; i < 40; ++i) {
            arguments.insert(arguments.end(),
                             {"--path", i % 2 == 0 ? "/system.slice/docker-4f2a9c.scope"
                                                   : "/unknown/" + std::to_string(i)});
        }
        auto answer = run(arguments + at(dir, "cgl", over));
        INFO(answer.err);
        CHECK(answer.status == 0);
        const auto items = json::parse(answer.out).at("items");
        REQUIRE(items.size() == 40);
        CHECK(items[0].at("name") == "docker_nginx");
        CHECK(items[1].at("status") == "UNKNOWN_PERMANENT");
        CHECK(items[39].at("path") == "/unknown/39");

        Provider apps(std::vector<std::string>{"apps-lookup"} + at(dir, "apl", over));
        auto pids = run(std::vector<std::string>{"call", "apps-lookup", "--json", "--pid", "1234"}
                        + at(dir, "apl", over));
        CHECK(pids.status == 0);
        CHECK(json::parse(pids.out).at("items")[0].at("comm") == "nginx");
    }
}

TEST_CASE("lookup usage errors and bad tables are refused", "[cli][e2e][lookup][usage]") {
    TempRunDir dir;
    auto pid_for_paths =
        run(std::vector<std::string>{"call", "cgroups-lookup", "--pid", "1"} + at(dir, "x"));
    CHECK(pid_for_paths.status == 2);
    check_one_line(pid_for_paths.err, "cgroups-lookup takes --path");
    auto not_a_pid =
        run(std::vector<std::string>{"call", "apps-lookup", "--pid", "-3"} + at(dir, "x"));
    CHECK(not_a_pid.status == 2);
    auto path_for_increment =
        run(std::vector<std::string>{"call", "increment", "--value", "1", "--path", "/a"}
            + at(dir, "x"));
    CHECK(path_for_increment.status == 2);

    const std::string data_file = dir.path() + "/bad.json";
    std::ofstream(data_file)
        << R"({"items": [{"path": "/a"}, {"path": "/b", "status": "UNKNOWN_PERMANENT", "name": "n"}]})";
    auto rejected = run(std::vector<std::string>{"serve", "cgroups-lookup", "--data", data_file}
                        + at(dir, "cgl"));
    CHECK(rejected.status == 2);
    check_one_line(rejected.err, "items[1]");
    std::ofstream(data_file) << R"({"items": [{"pid": 1, "status": "GONE"}]})";
    auto bad_status =
        run(std::vector<std::string>{"serve", "apps-lookup", "--data", data_file} + at(dir, "apl"));
    CHECK(bad_status.status == 2);
    check_one_line(bad_status.err, "items[0].status must be one of KNOWN");
    CHECK_FALSE(fs::exists(dir.path() + "/cgl.sock"));
}

TEST_CASE("each failure has its own exit status and one line on stderr", "[cli][e2e][exit]") {
    TempRunDir dir;
    const auto call_increment = [&](const std::string& service,
                                    std::vector<std::string> more = {}) {
        return run(std::vector<std::string>{"call", "increment", "--value", "1"}
                   + at(dir, service, std::move(more)));
    };

    SECTION("3: nothing listens") {
        auto outcome = call_increment("nobody");
        CHECK(outcome.status == 3);
        check_one_line(outcome.err, "not found");
        CHECK(outcome.out.empty());
        CHECK(run(std::vector<std::string>{"probe"} + at(dir, "nobody")).status == 3);
    }
    SECTION("4: wrong auth token") {
        Provider provider(std::vector<std::string>{"increment", "--auth", "0xfeed"}
                          + at(dir, "inc"));
        auto outcome = call_increment("inc", {"--auth", "65261"}); // 0xfeed is 65261
        CHECK(outcome.status == 0);
        auto refused = call_increment("inc", {"--auth", "65262"});
        CHECK(refused.status == 4);
        check_one_line(refused.err, "authentication failed");
        CHECK(run(std::vector<std::string>{"probe"} + at(dir, "inc")).status == 4);
    }
    SECTION("5: limits that cannot be agreed") {
        Provider provider(std::vector<std::string>{"increment", "--max-request-bytes", "512"}
                          + at(dir, "inc"));
        auto outcome = call_increment("inc"); // the client proposes 1024
        CHECK(outcome.status == 5);
        check_one_line(outcome.err, "limit exceeded");
        auto smaller =
            run(std::vector<std::string>{"probe", "--request-bytes", "512"} + at(dir, "inc"));
        CHECK(smaller.status == 0);
    }
    SECTION("6: no answer before --timeout") {
        Provider provider(std::vector<std::string>{"increment", "--delay", "60000"}
                          + at(dir, "inc"));
        const auto started = std::chrono::steady_clock::now();
        auto outcome = call_increment("inc", {"--timeout", "200"});
        CHECK(outcome.status == 6);
        check_one_line(outcome.err, "timeout");
        CHECK(std::chrono::steady_clock::now() - started < 10s);
        // A delayed answer does not hold the shutdown back.
        const auto stopping = std::chrono::steady_clock::now();
        CHECK(provider.stop().exited_with(0));
        CHECK(std::chrono::steady_clock::now() - stopping < 10s);
    }
    SECTION("7: the peer breaks the protocol") {
        const RogueEndpoint rogue(dir.path() + "/rogue.sock");
        auto outcome = call_increment("rogue");
        CHECK(outcome.status == 7);
        check_one_line(outcome.err, "bad magic");
        CHECK(run(std::vector<std::string>{"probe"} + at(dir, "rogue")).status == 7);
    }
    SECTION("8: the provider's handler fails") {
        Provider provider(std::vector<std::string>{"increment", "--fail"} + at(dir, "inc"));
        auto outcome = call_increment("inc");
        CHECK(outcome.status == 8);
        check_one_line(outcome.err, "handler failed");
    }
    SECTION("9: a live server already owns the endpoint") {
        Provider provider(std::vector<std::string>{"increment"} + at(dir, "inc"));
        auto second = run(std::vector<std::string>{"serve", "increment"} + at(dir, "inc"));
        CHECK(second.status == 9);
        check_one_line(second.err, "address in use");
        CHECK(second.out.empty());                // never READY
        CHECK(call_increment("inc").status == 0); // the first one is untouched
    }
    SECTION("5: a provider of another kind answers UNSUPPORTED") {
        Provider provider(std::vector<std::string>{"string-reverse"} + at(dir, "rev"));
        auto outcome = call_increment("rev");
        CHECK(outcome.status == 5);
        check_one_line(outcome.err, "method not supported");
    }
    SECTION("1: an OS error, e.g. a run directory that is a file") {
        const std::string file = dir.path() + "/plain-file";
        std::ofstream(file) << "not a directory";
        auto outcome = run({"call", "increment", "--value", "1", "--run-dir", file});
        CHECK(outcome.status == 1);
        check_one_line(outcome.err, "Not a directory");
    }
}

TEST_CASE("bad arguments are usage errors (status 2), never crashes", "[cli][e2e][usage]") {
    TempRunDir dir;
    const std::vector<std::vector<std::string>> mistakes{
        {},
        {"frobnicate"},
        {"call"},
        {"call", "increment", "--value", "1"},                          // no --run-dir
        {"call", "decrement", "--value", "1", "--run-dir", dir.path()}, // unknown kind
        {"call", "increment", "--run-dir", dir.path()},                 // no --value
        {"call", "increment", "--value", "-1", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1x", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1", "--string", "a", "--run-dir", dir.path()},
        {"call", "string-reverse", "--value", "1", "--run-dir", dir.path()},
        {"call", "cgroups-snapshot", "--batch", "2", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1", "--batch", "0", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1", "--auth", "0xZZ", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1", "--auth", "18446744073709551616", "--run-dir",
         dir.path()},
        {"call", "increment", "--value", "1", "--transport", "carrier-pigeon", "--run-dir",
         dir.path()},
        {"call", "increment", "--value", "1", "--service", "../escape", "--run-dir", dir.path()},
        {"call", "increment", "--value", "1", "--timeout", "soon", "--run-dir", dir.path()},
        {"probe", "--run-dir", dir.path()}, // probe needs --service
        {"serve", "increment", "--data", "x.json", "--run-dir", dir.path()},
        {"serve", "cgroups-snapshot", "--data", dir.path() + "/missing.json", "--run-dir",
         dir.path()},
        {"serve", "increment", "--max-sessions", "0", "--run-dir", dir.path()},
        {"watch", "increment", "--run-dir", dir.path()},
        {"demo", "--unexpected"},
        {"call", "increment", "--value", "1", "--run-dir", dir.path(), "extra"},
    };
    for (const auto& arguments : mistakes) {
        std::string line;
        for (const auto& argument : arguments) {
            line += argument + " ";
        }
        INFO("netipc " << line);
        const auto outcome = run(arguments);
        CHECK(outcome.status == 2);
        CHECK_FALSE(outcome.err.empty());
    }
    CHECK(entries(dir).empty()); // no serve got as far as listening
}

TEST_CASE("a bad --data file is refused before anything listens", "[cli][e2e][usage]") {
    TempRunDir dir;
    const std::string data_file = dir.path() + "/bad.json";
    SECTION("not JSON") {
        std::ofstream(data_file) << "{ items: ";
        auto outcome =
            run(std::vector<std::string>{"serve", "cgroups-snapshot", "--data", data_file}
                + at(dir, "cg"));
        CHECK(outcome.status == 2);
        check_one_line(outcome.err, "not valid JSON");
    }
    SECTION("a misspelt field") {
        std::ofstream(data_file) << R"({"items": [{"name": "a", "path": "/a", "enabld": 1}]})";
        auto outcome =
            run(std::vector<std::string>{"serve", "cgroups-snapshot", "--data", data_file}
                + at(dir, "cg"));
        CHECK(outcome.status == 2);
        check_one_line(outcome.err, "unknown field items[0].enabld");
    }
    CHECK_FALSE(fs::exists(dir.path() + "/cg.sock"));
}

TEST_CASE("every command has --help", "[cli][e2e][usage]") {
    for (const std::vector<std::string>& arguments : {std::vector<std::string>{"--help"},
                                                      {"demo", "--help"},
                                                      {"serve", "--help"},
                                                      {"call", "--help"},
                                                      {"probe", "--help"},
                                                      {"watch", "--help"}}) {
        INFO(arguments.front());
        const auto outcome = run(arguments);
        CHECK(outcome.status == 0);
        CHECK(outcome.out.find("Usage: ") != std::string::npos);
        CHECK(outcome.out.find("Exit status:") != std::string::npos);
    }
    const auto version = run({"--version"});
    CHECK(version.status == 0);
    CHECK(version.out.find("netipc ") == 0);
}

TEST_CASE("SIGTERM and SIGINT stop serve cleanly and leave no files behind",
          "[cli][e2e][shutdown]") {
    const int signal_number = GENERATE(SIGTERM, SIGINT);
    CAPTURE(signal_number);
    TempRunDir dir;
    Provider provider(std::vector<std::string>{"increment"} + at(dir, "inc"));

    // A consumer holding an SHM session: its region file is in the run dir.
    netipc::services::ClientConfig config;
    auto client = netipc::services::Client<netipc::services::IncrementService>::create(
        dir.address("inc"), config);
    REQUIRE(client);
    REQUIRE(client->refresh());
    REQUIRE(required(client->status().session).selected_profile
            == netipc::wire::profile::shm_hybrid);
    REQUIRE(client->call(1)->value == 2);
    const auto during = entries(dir);
    CHECK(std::ranges::find(during, "inc.sock") != during.end());
    CHECK(std::ranges::any_of(during,
                              [](const std::string& name) { return name.ends_with(".ipcshm"); }));

    const auto exit = provider.stop(signal_number);
    CHECK(exit.exited_with(0));
    CHECK(entries(dir).empty());
    CHECK_FALSE(client->call(1)); // the session is gone with the provider
}

TEST_CASE("watch keeps the cache through a provider restart", "[cli][e2e][watch]") {
    TempRunDir dir;
    const std::string data_file = dir.path() + "/generation-5.json";
    std::ofstream(data_file) << R"({"generation": 5, "items": [
        {"name": "docker_nginx", "path": "/new/nginx"}]})";

    std::optional<Provider> provider;
    provider.emplace(std::vector<std::string>{"cgroups-snapshot"} + at(dir, "cg"));
    auto watch = ChildProcess::spawn(
        netipc_binary(),
        std::vector<std::string>{"watch", "cgroups-snapshot", "--interval", "20", "--json",
                                 "--lookup", "docker_nginx", "--lookup", "nothing"}
            + at(dir, "cg"),
        true);
    REQUIRE(watch);
    // The next line for which `wanted` holds (lines that do not are the
    // watcher's other refreshes).
    const auto next_line_where = [&](auto wanted) {
        const auto deadline = std::chrono::steady_clock::now() + run_timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto parsed = json::parse(required(watch->read_line(run_timeout)));
            if (wanted(parsed)) {
                return parsed;
            }
        }
        FAIL("no such line before the deadline");
        return json();
    };

    auto first = next_line_where([](const json& line) { return line.at("refresh") == "ok"; });
    CHECK(first.at("state") == "READY");
    CHECK(first.at("generation") == 1);
    CHECK(first.at("items") == 8);
    CHECK(first.at("error").is_null());
    CHECK(first.at("lookups").at("docker_nginx").at("path")
          == "/sys/fs/cgroup/system.slice/docker-4a1c2f7e9b3d.scope");
    CHECK(first.at("lookups").at("nothing").is_null());

    CHECK(provider->stop().exited_with(0));
    provider.reset();
    // Refreshes made while the provider was shutting down may fail in other
    // ways; once it is gone, they find nothing.
    auto away = next_line_where([](const json& line) {
        return line.at("refresh") == "failed" && line.at("state") == "NOT_FOUND";
    });
    CHECK(away.at("generation") == 1);
    CHECK(away.at("items") == 8); // the cache outlives the provider
    CHECK(away.at("lookups").at("docker_nginx").at("path")
          == "/sys/fs/cgroup/system.slice/docker-4a1c2f7e9b3d.scope");
    CHECK(away.at("error").get<std::string>().find("not found") != std::string::npos);

    provider.emplace(std::vector<std::string>{"cgroups-snapshot", "--data", data_file}
                     + at(dir, "cg"));
    auto back = next_line_where([](const json& line) { return line.at("generation") == 5; });
    CHECK(back.at("state") == "READY");
    CHECK(back.at("items") == 1);
    CHECK(back.at("refreshes_failed").get<int>() >= 1);
    CHECK(back.at("lookups").at("docker_nginx").at("path") == "/new/nginx");

    REQUIRE(watch->signal(SIGTERM));
    CHECK(required(watch->wait(run_timeout)).exited_with(0));
}

TEST_CASE("watch --count ends with the last refresh's status", "[cli][e2e][watch]") {
    TempRunDir dir;
    auto nobody =
        run(std::vector<std::string>{"watch", "cgroups-snapshot", "--count", "2", "--interval", "1"}
            + at(dir, "cg"));
    CHECK(nobody.status == 3);
    CHECK(std::count(nobody.out.begin(), nobody.out.end(), '\n') == 2);
    CHECK(nobody.out.find("state=NOT_FOUND refresh=failed generation=0 items=0")
          != std::string::npos);

    Provider provider(std::vector<std::string>{"cgroups-snapshot"} + at(dir, "cg"));
    auto once = run(std::vector<std::string>{"watch", "cgroups-snapshot", "--count", "1",
                                             "--lookup", "docker_postgres"}
                    + at(dir, "cg"));
    CHECK(once.status == 0);
    CHECK(once.out.find(" state=READY refresh=ok generation=1 items=8 refreshes_ok=1 "
                        "refreshes_failed=0 "
                        "lookup[docker_postgres]=\"/sys/fs/cgroup/system.slice/"
                        "docker-9e8d7c6b5a41.scope\"\n")
          != std::string::npos);
}

TEST_CASE("demo completes and shows what it promises", "[cli][e2e][demo]") {
    const auto outcome = run({"demo"});
    INFO(outcome.out << outcome.err);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    for (const char* promised : {
             "[1/7] start four providers",
             "READY",
             "[2/7] handshake over the baseline",
             "profile      baseline (0x01)",
             "[3/7] handshake over shared memory",
             "profile      shm-hybrid (0x02)",
             "INCREMENT 41 -> 42",
             "[4/7] CGROUPS_SNAPSHOT",
             "generation 1, systemd_enabled 1, 8 items",
             "[5/7] CGROUPS_LOOKUP and APPS_LOOKUP",
             "cgroups-lookup: generation 1, 3 keys asked, 3 answers in order",
             "    /system.slice/docker-4f2a9c.scope\tKNOWN\torchestrator=\"DOCKER\"",
             "    /no/such/cgroup\tUNKNOWN_PERMANENT",
             "apps-lookup: generation 1, 3 keys asked, 3 answers in order",
             "    1234\tKNOWN\tcomm=nginx",
             "    99999\tUNKNOWN",
             "[6/7] Level 3 cache",
             "lookup docker_nginx     -> /sys/fs/cgroup/system.slice/docker-4a1c2f7e9b3d.scope",
             "lookup no-such-cgroup   -> absent",
             "the cache still holds generation 1, 8 items",
             "refresh: ok, generation 2, 7 items",
             "[7/7] throughput",
             "demo complete",
         }) {
        CHECK(outcome.out.find(promised) != std::string::npos);
    }
    // A rate for each transport.
    for (const char* transport : {"\n  baseline ", "\n  shm "}) {
        const auto at_line = outcome.out.find(transport) + 1;
        REQUIRE(at_line != 0); // found
        CHECK(outcome.out.find(" calls/s", at_line) < outcome.out.find('\n', at_line));
    }
    // The private run directory is gone.
    const std::string marker = "run directory: ";
    const auto start = outcome.out.find(marker);
    REQUIRE(start != std::string::npos);
    const auto end = outcome.out.find('\n', start);
    const std::string run_dir =
        outcome.out.substr(start + marker.size(), end - start - marker.size());
    CHECK_FALSE(fs::exists(run_dir));
}

TEST_CASE(
    "serve --allow-uid/--allow-gid admit by credentials; probe shows both sides and names "
    "the causes of a refusal",
    "[cli][e2e][probe][access]") {
    TempRunDir dir;
    const auto uid = std::to_string(::geteuid());
    const auto gid = std::to_string(::getegid());
    const auto someone_else = std::to_string(::geteuid() + 1);

    SECTION("admitted") {
        Provider provider(
            std::vector<std::string>{"increment", "--allow-uid", someone_else, "--allow-uid", uid}
            + at(dir, "inc"));
        auto text = run(std::vector<std::string>{"probe"} + at(dir, "inc"));
        CHECK(text.status == 0);
        INFO(text.out);
        CHECK(text.out.find("provider     uid " + uid + ", gid " + gid + ", pid ")
              != std::string::npos);
        CHECK(text.out.find("client       uid " + uid + ", gid " + gid + ", pid ")
              != std::string::npos);
        auto report =
            json::parse(run(std::vector<std::string>{"probe", "--json"} + at(dir, "inc")).out);
        CHECK(report.at("provider").at("uid") == ::geteuid());
        CHECK(report.at("client").at("gid") == ::getegid());
        CHECK(report.at("provider").at("pid") != report.at("client").at("pid"));
    }
    SECTION("admitted by group") {
        Provider provider(
            std::vector<std::string>{"increment", "--allow-uid", someone_else, "--allow-gid", gid}
            + at(dir, "inc"));
        CHECK(run(std::vector<std::string>{"probe"} + at(dir, "inc")).status == 0);
    }
    SECTION("refused") {
        Provider provider(std::vector<std::string>{"increment", "--allow-uid", someone_else}
                          + at(dir, "inc"));
        auto refused = run(std::vector<std::string>{"probe"} + at(dir, "inc"));
        CHECK(refused.status == 4);
        check_one_line(refused.err, "peer-credential check admits neither uid " + uid);
        CHECK(refused.err.find("--auth") != std::string::npos);
        auto call =
            run(std::vector<std::string>{"call", "increment", "--value", "1"} + at(dir, "inc"));
        CHECK(call.status == 4);
    }
}
