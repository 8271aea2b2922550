// The uniform batch directory (entry i = {i * stride, length}) written and
// recognized at both lane widths: the widths must agree with a one entry at
// a time model on every count around their vector and step sizes, and the
// check must notice a change to any byte.
#include "netipc/wire/uniform_directory.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/wire/batch.h"
#include "netipc/wire/packed_directory.h"

namespace {

using namespace netipc::wire;

using Writer = std::function<void(std::byte*, std::uint32_t, std::uint32_t, std::uint32_t)>;
using Checker = std::function<bool(const std::byte*, std::uint32_t, std::uint32_t, std::uint32_t)>;

struct Width {
    std::string name;
    Writer write;
    Checker check;
};

// Every width this CPU can run, and the dispatching pair.
std::vector<Width> widths() {
    std::vector<Width> all{
        {"sse2", write_uniform_entries_sse2, uniform_entries_sse2},
        {"dispatched", write_uniform_directory, is_uniform_directory},
    };
#if defined(__x86_64__)
    if (cpu_has_avx2()) {
        all.push_back({"avx2", write_uniform_entries_avx2, uniform_entries_avx2});
    }
#endif
    return all;
}

// The directory one entry at a time, as the wire defines it.
std::vector<std::byte> model(std::uint32_t count, std::uint32_t length, std::uint32_t stride) {
    std::vector<std::byte> bytes(std::size_t{count} * directory_entry_size);
    for (std::uint32_t i = 0; i < count; ++i) {
        encode_unchecked(DirectoryEntry{i * stride, length},
                         bytes.data() + (std::size_t{i} * directory_entry_size));
    }
    return bytes;
}

// Lengths with their strides: a multiple of 8, a length padded to 8, and
// wider items.
constexpr std::array<std::array<std::uint32_t, 2>, 4> shapes{{{8, 8}, {5, 8}, {16, 16}, {13, 16}}};

} // namespace

TEST_CASE("every lane width writes the uniform directory byte for byte", "[wire][batch]") {
    for (const Width& width : widths()) {
        for (const auto [length, stride] : shapes) {
            for (std::uint32_t count = 0; count <= 40; ++count) {
                INFO(width.name << " length " << length << " count " << count);
                const auto expected = model(count, length, stride);
                // A guard entry behind the directory: nothing is written past it.
                std::vector<std::byte> out(expected.size() + directory_entry_size, std::byte{0xEE});
                width.write(out.data(), count, length, stride);
                CHECK(std::equal(expected.begin(), expected.end(), out.begin()));
                CHECK(out.back() == std::byte{0xEE});
                CHECK(out[expected.size()] == std::byte{0xEE});
            }
        }
    }
}

TEST_CASE("every lane width recognizes the uniform directory and nothing else", "[wire][batch]") {
    for (const Width& width : widths()) {
        for (const auto [length, stride] : shapes) {
            for (std::uint32_t count = 1; count <= 40; ++count) {
                INFO(width.name << " length " << length << " count " << count);
                auto directory = model(count, length, stride);
                CHECK(width.check(directory.data(), count, length, stride));
                // Flip one bit in turn in every byte: each is part of some
                // entry, so each change must be seen.
                for (std::size_t at = 0; at < directory.size(); ++at) {
                    directory[at] ^= std::byte{0x10};
                    CHECK_FALSE(width.check(directory.data(), count, length, stride));
                    directory[at] ^= std::byte{0x10};
                }
                // Another length or stride throughout is another directory.
                CHECK_FALSE(width.check(directory.data(), count, length + 1, stride));
                if (count > 1) {
                    CHECK_FALSE(width.check(directory.data(), count, length, stride + 8));
                }
            }
        }
    }
}

TEST_CASE("a written uniform batch parses as uniform at every count", "[wire][batch]") {
    for (std::uint32_t count = 2; count <= 40; ++count) {
        INFO("count " << count);
        std::vector<std::byte> out(std::size_t{count} * 16);
        auto batch = UniformBatch<8>::lay_out(out, count);
        REQUIRE(batch.has_value());
        auto view = BatchView::parse(
            std::span<const std::byte>(out.data(), batch->payload_length()), count);
        REQUIRE(view.has_value());
        auto uniform = view->uniform<8>();
        REQUIRE(uniform.has_value());
        CHECK(uniform->size() == count);
    }
}
