// Four u32 lanes in the vector extension g++ and clang share: plain SSE2 on
// any x86-64 (wider generic vectors are split badly without AVX). A lane
// pair {offset, length} is one directory entry as it sits in memory on a
// little-endian host, which is every host netipc builds for (the wire is
// little-endian), so the per-item loops over batch directories take two
// entries per instruction instead of one field at a time.
#pragma once

#include <cstdint>

namespace netipc::wire {

using U32x4 = std::uint32_t __attribute__((vector_size(16)));
// Eight lanes, for code compiled for AVX2 only (uniform_directory.h): in
// plain x86-64 code g++ splits it into pairs of U32x4 operations.
using U32x8 = std::uint32_t __attribute__((vector_size(32)));

} // namespace netipc::wire
