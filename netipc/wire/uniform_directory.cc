#include "netipc/wire/uniform_directory.h"

namespace netipc::wire {

void write_uniform_entries_sse2(std::byte* directory, std::uint32_t count, std::uint32_t length,
                                std::uint32_t stride) noexcept {
    write_uniform_entries<U32x4>(directory, count, length, stride);
}

bool uniform_entries_sse2(const std::byte* entries, std::uint32_t count, std::uint32_t length,
                          std::uint32_t stride) noexcept {
    return uniform_entries<U32x4>(entries, count, length, stride);
}

#if defined(__x86_64__)
// The same templates compiled for AVX2: U32x8 is then one register, and the
// code runs only where cpu_has_avx2() said so.
[[gnu::target("avx2")]] void write_uniform_entries_avx2(std::byte* directory, std::uint32_t count,
                                                        std::uint32_t length,
                                                        std::uint32_t stride) noexcept {
    write_uniform_entries<U32x8>(directory, count, length, stride);
}

[[gnu::target("avx2")]] bool uniform_entries_avx2(const std::byte* entries, std::uint32_t count,
                                                  std::uint32_t length,
                                                  std::uint32_t stride) noexcept {
    return uniform_entries<U32x8>(entries, count, length, stride);
}
#endif

bool cpu_has_avx2() noexcept {
#if defined(__x86_64__)
    static const bool has_avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return has_avx2;
#else
    return false;
#endif
}

void write_uniform_directory(std::byte* directory, std::uint32_t count, std::uint32_t length,
                             std::uint32_t stride) noexcept {
#if defined(__x86_64__)
    if (cpu_has_avx2()) {
        write_uniform_entries_avx2(directory, count, length, stride);
        return;
    }
#endif
    write_uniform_entries_sse2(directory, count, length, stride);
}

bool is_uniform_directory(const std::byte* entries, std::uint32_t count, std::uint32_t length,
                          std::uint32_t stride) noexcept {
#if defined(__x86_64__)
    if (cpu_has_avx2()) {
        return uniform_entries_avx2(entries, count, length, stride);
    }
#endif
    return uniform_entries_sse2(entries, count, length, stride);
}

} // namespace netipc::wire
