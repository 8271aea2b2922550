// A first look at netipc with no set-up: builds a CGROUPS_SNAPSHOT response
// the way a provider would, shows the exact bytes that go on the wire, then
// decodes them the way a consumer would and prints every field.
//
// It stands in as the README's "main job" until the `netipc` command-line
// program exists.
#include <array>
#include <cstdio>
#include <cstdlib>

#include "codecs/cgroups_snapshot.h"
#include "codecs/simple_hash.h"
#include "netipc/wire/message_header.h"

namespace {

using namespace netipc;

void print_hex(wire::Bytes bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::printf("%02x%c", static_cast<unsigned>(bytes[i]), i % 16 == 15 ? '\n' : ' ');
    }
    if (bytes.size() % 16 != 0) {
        std::printf("\n");
    }
}

int die(const Error& error) {
    (void)std::fprintf(stderr, "snapshot_demo: %s\n", error.message().c_str());
    return EXIT_FAILURE;
}

} // namespace

int main() {
    struct Cgroup {
        const char* name;
        const char* path;
        std::uint32_t options;
    };
    constexpr std::array<Cgroup, 4> cgroups{{
        {"system.slice_docker.service", "/sys/fs/cgroup/system.slice/docker.service", 0x1},
        {"user.slice_user-1000.slice", "/sys/fs/cgroup/user.slice/user-1000.slice", 0x0},
        {"machine.slice_libvirt-qemu", "/sys/fs/cgroup/machine.slice/libvirt-qemu", 0x2},
        {"k8s_pod_1234", "/sys/fs/cgroup/kubepods/burstable/pod1234", 0x12},
    }};

    // Provider side: fill a builder by semantic fields only.
    std::array<std::byte, 4096> buffer{};
    codecs::CgroupsSnapshotBuilder builder(buffer);
    builder.set_systemd_enabled(1);
    builder.set_generation(7);
    for (const Cgroup& cgroup : cgroups) {
        const codecs::CgroupsItemView item{codecs::simple_hash(cgroup.name), cgroup.options, 1,
                                           cgroup.name, cgroup.path};
        if (auto added = builder.add(item); !added) {
            return die(added.error());
        }
    }
    auto payload_len = builder.finish();
    if (!payload_len) {
        return die(payload_len.error());
    }
    const wire::Bytes payload(buffer.data(), *payload_len);

    const auto header = wire::make_response_header(wire::MethodCode::cgroups_snapshot, 1,
                                                   static_cast<std::uint32_t>(payload.size()));
    std::array<std::byte, wire::message_header_size> header_bytes{};
    wire::encode_unchecked(header, header_bytes.data());

    std::printf("CGROUPS_SNAPSHOT response: 32-byte header + %zu-byte payload\n", payload.size());
    std::printf("-- message header --\n");
    print_hex(header_bytes);
    std::printf("-- payload --\n");
    print_hex(payload);

    // Consumer side: validate and read without copying.
    auto decoded_header = wire::decode_message_header(header_bytes);
    if (!decoded_header) {
        return die(decoded_header.error());
    }
    auto view = codecs::CgroupsSnapshot::decode_response(payload);
    if (!view) {
        return die(view.error());
    }
    std::printf("\ndecoded: message_id=%llu systemd_enabled=%u generation=%llu items=%u\n",
                static_cast<unsigned long long>(decoded_header->message_id),
                view->systemd_enabled(), static_cast<unsigned long long>(view->generation()),
                view->size());
    for (const codecs::CgroupsItemView item : *view) {
        std::printf("  hash=0x%08x options=0x%x enabled=%u name=%.*s path=%.*s\n", item.hash,
                    item.options, item.enabled, static_cast<int>(item.name.size()),
                    item.name.data(), static_cast<int>(item.path.size()), item.path.data());
    }

    // A malformed payload is rejected with a specific error, never a crash.
    std::array<std::byte, 4096> corrupt = buffer;
    corrupt[payload.size() - 1] = std::byte{'x'}; // overwrite the last path's NUL
    auto rejected =
        codecs::CgroupsSnapshot::decode_response(wire::Bytes(corrupt.data(), payload.size()));
    std::printf("\ncorrupted copy: %s\n",
                rejected ? "unexpectedly accepted" : rejected.error().message().c_str());
    return rejected ? EXIT_FAILURE : EXIT_SUCCESS;
}
