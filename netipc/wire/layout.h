// The generic wire-layout engine.
//
// A wire layout is a plain struct declared once with BOOST_HANA_DEFINE_STRUCT.
// Its members, in declaration order, are the fields on the wire, packed with
// no implicit padding. This header walks those members to compute sizes and
// offsets at compile time, and to encode and decode the struct to and from
// bytes. Layout headers then `static_assert` the computed offsets against the
// specification tables, so a mistyped field shows up as a compile error.
//
// Field types a layout may use:
//   - unsigned integers and enums whose underlying type is unsigned;
//   - Reserved<N>: N bytes that encode as zero and must decode as zero;
//   - Fixed<T, V, E>: a T that always encodes as V; any other value decodes
//     as error E (magic numbers, versions, fixed offsets).
// Reserved and Fixed fields are empty types, so user code never sets them.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana.hpp>

#include "netipc/error.h"
#include "netipc/force_inline.h"
#include "netipc/wire/bytes.h"

namespace netipc::wire {

namespace hana = boost::hana;

// N reserved or padding bytes. Always zero on the wire.
template <std::size_t N>
struct Reserved {
    friend constexpr bool operator==(Reserved, Reserved) noexcept { return true; }
};

// A field whose only legal value is `Value`; decoding anything else fails
// with `Mismatch` (e.g. Errc::bad_magic for a magic number).
template <class T, T Value, Errc Mismatch>
struct Fixed {
    static constexpr T value = Value;
    friend constexpr bool operator==(Fixed, Fixed) noexcept { return true; }
};

namespace detail {

template <class F>
struct FieldTraits; // only the field kinds listed above are allowed

template <class T>
    requires(std::is_unsigned_v<T> && std::is_integral_v<T>)
struct FieldTraits<T> {
    static constexpr std::size_t size = sizeof(T);
    static void encode(std::byte* dst, T value) noexcept { store<T>(dst, value); }
    static Result<T> decode(const std::byte* src) noexcept { return load<T>(src); }
};

template <class T>
    requires(std::is_enum_v<T> && std::is_unsigned_v<std::underlying_type_t<T>>)
struct FieldTraits<T> {
    using Underlying = std::underlying_type_t<T>;
    static constexpr std::size_t size = sizeof(Underlying);
    static void encode(std::byte* dst, T value) noexcept {
        store<Underlying>(dst, static_cast<Underlying>(value));
    }
    static Result<T> decode(const std::byte* src) noexcept {
        return static_cast<T>(load<Underlying>(src));
    }
};

template <std::size_t N>
struct FieldTraits<Reserved<N>> {
    static constexpr std::size_t size = N;
    static void encode(std::byte* dst, Reserved<N>) noexcept { std::memset(dst, 0, N); }
    static Result<Reserved<N>> decode(const std::byte* src) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (src[i] != std::byte{0}) {
                return fail(Errc::reserved_not_zero, "reserved or padding bytes are not zero");
            }
        }
        return Reserved<N>{};
    }
};

template <class T, T Value, Errc Mismatch>
struct FieldTraits<Fixed<T, Value, Mismatch>> {
    static constexpr std::size_t size = sizeof(T);
    static void encode(std::byte* dst, Fixed<T, Value, Mismatch>) noexcept { store<T>(dst, Value); }
    static Result<Fixed<T, Value, Mismatch>> decode(const std::byte* src) noexcept {
        if (load<T>(src) != Value) {
            return fail(Mismatch, "fixed-value field holds an unexpected value");
        }
        return Fixed<T, Value, Mismatch>{};
    }
};

template <class Accessor, class S>
using member_type_t =
    std::remove_cvref_t<decltype(hana::second(std::declval<Accessor>())(std::declval<S&>()))>;

} // namespace detail

template <class S>
concept WireLayout = hana::Struct<S>::value;

// Total encoded size of layout S, in bytes.
template <WireLayout S>
inline constexpr std::size_t wire_size =
    hana::fold_left(hana::accessors<S>(), std::size_t{0}, [](std::size_t total, auto accessor) {
        using Field = detail::member_type_t<decltype(accessor), S>;
        return total + detail::FieldTraits<Field>::size;
    });

// Byte offset of the member named `name` (a hana string) in layout S.
// Used by layout headers: static_assert(wire_offset<Hello>("packet_size"_s) == 40).
template <WireLayout S, class Name>
constexpr std::size_t wire_offset(Name name) {
    std::size_t offset = 0;
    bool found = false;
    hana::for_each(hana::accessors<S>(), [&](auto accessor) {
        using Field = detail::member_type_t<decltype(accessor), S>;
        if (found) {
            return;
        }
        if constexpr (decltype(hana::first(accessor) == name)::value) {
            found = true;
        } else {
            offset += detail::FieldTraits<Field>::size;
        }
    });
    return found ? offset : static_cast<std::size_t>(-1);
}

// Writes `value` at the start of `out`. Fails with Errc::overflow when `out`
// is shorter than wire_size<S>.
//
// encode() and decode() are forced inline: a codec calls them once per batch
// item, and left to itself g++ keeps them out of line, where the call and
// the Result returned through memory cost more than the fields' own loads
// and stores.
namespace detail {
// Calls visit(accessor) for every field of S, in wire order. Forced inline
// all the way down to each field, where hana::for_each is not: in a large
// caller (a batch loop with the whole round trip inlined) g++ left
// hana's per-field helper out of line, a call per field of every item.
template <class S, class Visit>
NETIPC_FORCE_INLINE inline void for_each_field(const Visit& visit) {
    constexpr auto accessors = hana::accessors<S>();
    constexpr std::size_t count = decltype(hana::length(accessors))::value;
    [&]<std::size_t... I>(std::index_sequence<I...>) NETIPC_FORCE_INLINE_LAMBDA {
        (visit(hana::at_c<I>(accessors)), ...);
    }(std::make_index_sequence<count>{});
}
} // namespace detail

template <WireLayout S>
NETIPC_FORCE_INLINE inline Result<std::size_t> encode(const S& value, MutableBytes out) noexcept {
    if (out.size() < wire_size<S>) {
        return fail(Errc::overflow, "buffer too small for the fixed layout");
    }
    std::byte* cursor = out.data();
    detail::for_each_field<S>([&](auto accessor) NETIPC_FORCE_INLINE_LAMBDA {
        using Field = detail::member_type_t<decltype(accessor), S>;
        detail::FieldTraits<Field>::encode(cursor, hana::second(accessor)(value));
        cursor += detail::FieldTraits<Field>::size;
    });
    return wire_size<S>;
}

// Encodes into a buffer the caller knows is large enough (compile-time sized).
template <WireLayout S>
NETIPC_FORCE_INLINE inline void encode_unchecked(const S& value, std::byte* out) noexcept {
    detail::for_each_field<S>([&](auto accessor) NETIPC_FORCE_INLINE_LAMBDA {
        using Field = detail::member_type_t<decltype(accessor), S>;
        detail::FieldTraits<Field>::encode(out, hana::second(accessor)(value));
        out += detail::FieldTraits<Field>::size;
    });
}

// Reads layout S from the start of `in`. Fields are checked in wire order,
// so the first offending field decides the error. Trailing bytes are ignored:
// the layouts here are fixed prefixes of larger payloads.
template <WireLayout S>
NETIPC_FORCE_INLINE inline Result<S> decode(Bytes in) noexcept {
    if (in.size() < wire_size<S>) {
        return fail(Errc::truncated, "input shorter than the fixed layout");
    }
    S value{};
    const std::byte* cursor = in.data();
    Error first_error{};
    bool ok = true;
    detail::for_each_field<S>([&](auto accessor) NETIPC_FORCE_INLINE_LAMBDA {
        using Field = detail::member_type_t<decltype(accessor), S>;
        if (ok) {
            auto field = detail::FieldTraits<Field>::decode(cursor);
            if (field) {
                hana::second(accessor)(value) = *field;
            } else {
                first_error = field.error();
                ok = false;
            }
        }
        cursor += detail::FieldTraits<Field>::size;
    });
    if (!ok) {
        return std::unexpected(first_error);
    }
    return value;
}

} // namespace netipc::wire
