// Micro-benchmarks of the codecs: the per-message cost Level 2 adds on top of
// the transport. Run with `./bazelw run --config=opt //bench:codec_bench`.
#include <array>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/simple_hash.h"
#include "codecs/string_reverse.h"
#include "netipc/wire/batch.h"

namespace {

using namespace netipc;

codecs::CgroupsSnapshotData make_snapshot(std::size_t items) {
    codecs::CgroupsSnapshotData snapshot{1, 42, {}};
    for (std::size_t i = 0; i < items; ++i) {
        std::string name = "system.slice_service-" + std::to_string(i) + ".service";
        std::string path = "/sys/fs/cgroup/system.slice/service-" + std::to_string(i) + ".service";
        snapshot.items.push_back({codecs::simple_hash(name), 0, 1, name, path});
    }
    return snapshot;
}

void increment_round_trip(benchmark::State& state) {
    std::array<std::byte, 8> buffer{};
    std::uint64_t value = 0;
    for (auto _ : state) {
        (void)codecs::Increment::encode_request(value, buffer);
        value = codecs::Increment::decode_request(buffer)->value + 1;
        benchmark::DoNotOptimize(value);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(increment_round_trip);

void string_reverse_round_trip(benchmark::State& state) {
    const std::string text(static_cast<std::size_t>(state.range(0)), 'x');
    std::vector<std::byte> buffer(codecs::StringReverse::request_size(text));
    for (auto _ : state) {
        (void)codecs::StringReverse::encode_request(text, buffer);
        auto view = codecs::StringReverse::decode_request(buffer);
        benchmark::DoNotOptimize(view->text.data());
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(string_reverse_round_trip)->Arg(16)->Arg(1024)->Arg(65536);

void snapshot_build(benchmark::State& state) {
    const auto snapshot = make_snapshot(static_cast<std::size_t>(state.range(0)));
    std::vector<std::byte> buffer(codecs::CgroupsSnapshot::encoded_size(snapshot));
    for (auto _ : state) {
        auto length = codecs::CgroupsSnapshot::encode_response(snapshot, buffer);
        benchmark::DoNotOptimize(length);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(snapshot_build)->Arg(16)->Arg(1024);

void snapshot_decode_and_walk(benchmark::State& state) {
    const auto snapshot = make_snapshot(static_cast<std::size_t>(state.range(0)));
    std::vector<std::byte> buffer(codecs::CgroupsSnapshot::encoded_size(snapshot));
    const auto length = *codecs::CgroupsSnapshot::encode_response(snapshot, buffer);
    const wire::Bytes payload(buffer.data(), length);
    for (auto _ : state) {
        auto view = codecs::CgroupsSnapshot::decode_response(payload);
        std::uint32_t hashes = 0;
        for (const auto item : *view) {
            hashes ^= item.hash;
        }
        benchmark::DoNotOptimize(hashes);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(snapshot_decode_and_walk)->Arg(16)->Arg(1024);

void batch_build_and_parse(benchmark::State& state) {
    const auto items = static_cast<std::uint32_t>(state.range(0));
    std::vector<std::byte> buffer(std::size_t{items} * 16 + 64);
    std::array<std::byte, 8> item{};
    for (auto _ : state) {
        wire::BatchBuilder builder(buffer);
        for (std::uint32_t i = 0; i < items; ++i) {
            (void)builder.add(item);
        }
        const auto length = *builder.finish();
        auto view = wire::BatchView::parse(wire::Bytes(buffer.data(), length), items);
        benchmark::DoNotOptimize(view->size());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(batch_build_and_parse)->Arg(16)->Arg(1000);

} // namespace
