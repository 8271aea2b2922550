// The Service seam: what a Level 2 client and managed server need to know
// about one service kind, bound at compile time.
//
// A service definition is a small struct (one header per service):
//
//   struct IncrementService {
//       using Codec = codecs::Increment;                    // the method and its payloads
//       using DefaultTransport = transports::DefaultFastTransport;
//       static constexpr std::string_view default_name = "increment";
//       // Optional: lets a managed-server handler return a value instead
//       // of filling the builder itself.
//       static Result<void> respond(codecs::IncrementBuilder& out, std::uint64_t value);
//   };
//
// `default_name` is the endpoint name providers usually publish under; the
// caller may always pick another. The transport is a default, not a rule:
// Client<S, T> and ManagedServer<S, T> accept any Transport.
#pragma once

#include <concepts>
#include <string_view>

#include "netipc/concepts/codec.h"
#include "netipc/concepts/transport.h"

namespace netipc::services {

template <class S>
concept Service = Codec<typename S::Codec> && Transport<typename S::DefaultTransport> && requires {
    { S::default_name } -> std::convertible_to<std::string_view>;
};

// Whether a managed-server handler may return a `Value` for service `S`,
// which S::respond() then writes into the response builder.
template <class S, class Value>
concept RespondsWith = requires(typename S::Codec::ResponseBuilder& builder, Value&& value) {
    { S::respond(builder, std::forward<Value>(value)) } -> std::same_as<Result<void>>;
};

} // namespace netipc::services
