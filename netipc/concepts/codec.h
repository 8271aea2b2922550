// The Codec seam: pure bytes <-> typed values for one method. No I/O.
//
// A codec is a stateless type with static members. It names its method
// code, says whether the method may travel in Level 1 batches, and provides:
//
//   Request            what a caller passes to encode a request (may borrow,
//                      e.g. std::string_view, so encoding never allocates)
//   RequestView        a decoded request borrowing the payload bytes
//   OwnedRequest       a self-contained copy of a RequestView
//   ResponseView       a decoded response borrowing the payload bytes
//   OwnedResponse      a self-contained copy of a ResponseView
//   ResponseBuilder    constructed over a caller-owned byte buffer; the
//                      handler fills it by semantic fields and finish()
//                      returns the payload length (no offsets, padding or
//                      NULs for the caller to compute)
//
//   request_size(req)           exact encoded size of a request
//   encode_request(req, out)    -> Result<size_t>
//   decode_request(bytes)       -> Result<RequestView>
//   decode_response(bytes)      -> Result<ResponseView>
//   to_owned(view)              for both view types
//
// Views are named ...View and are valid only while the bytes they were
// decoded from stay alive and unchanged; copy with to_owned() to keep them.
//
// Optional capability, used by Session when modelled:
//
// FixedSizePayloads<C>: every request encodes to exactly
//   C::fixed_request_size bytes, and every response a ResponseBuilder
//   finishes is exactly C::fixed_response_size bytes (both constant
//   expressions). A batch of such a method is laid out in one pass (the
//   whole directory, then the items at a fixed stride) instead of item by
//   item; the bytes on the wire are the same. Decoders still accept
//   whatever sizes the peer sends, as before.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/constants.h"

namespace netipc {

template <class C>
concept Codec = requires {
    { C::method } -> std::convertible_to<wire::MethodCode>;
    { C::batchable } -> std::convertible_to<bool>;
    typename C::Request;
    typename C::RequestView;
    typename C::OwnedRequest;
    typename C::ResponseView;
    typename C::OwnedResponse;
    typename C::ResponseBuilder;
} && requires(const typename C::Request& request, const typename C::RequestView& request_view, const typename C::ResponseView& response_view, wire::MutableBytes out, wire::Bytes in, typename C::ResponseBuilder& builder) {
    { C::request_size(request) } -> std::same_as<std::size_t>;
    { C::encode_request(request, out) } -> std::same_as<Result<std::size_t>>;
    { C::decode_request(in) } -> std::same_as<Result<typename C::RequestView>>;
    { C::decode_response(in) } -> std::same_as<Result<typename C::ResponseView>>;
    { C::to_owned(request_view) } -> std::same_as<typename C::OwnedRequest>;
    { C::to_owned(response_view) } -> std::same_as<typename C::OwnedResponse>;
    { builder.finish() } -> std::same_as<Result<std::size_t>>;
} && std::constructible_from<typename C::ResponseBuilder, wire::MutableBytes>;

template <class C>
concept FixedSizePayloads = Codec<C> && requires {
    // Constant expressions: the batch layout is chosen at compile time.
    typename std::integral_constant<std::size_t, C::fixed_request_size>;
    typename std::integral_constant<std::size_t, C::fixed_response_size>;
};

} // namespace netipc
