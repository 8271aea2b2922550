// Optional capabilities of a framing's receiver and of what it receives.
// Session uses them when the framing models them and does the work itself
// (or goes without) when it does not.
//
// ReportsFailedHeader<Receiver>: after a receive() that failed once the
//   message's header had decoded (over the limits, malformed, cut short),
//   failed_header() returns that header, so a server can still answer its
//   message_id with a terminal status (LIMIT_EXCEEDED, BAD_ENVELOPE)
//   instead of hanging up silently. Without it such requests get no answer.
//
// CarriesBatchView<Received>: a received batch of more than one item comes
//   with its directory already validated, as `batch`
//   (std::optional<wire::BatchView> borrowing the payload), so nobody parses
//   it twice. Without it Session parses the directory itself.
#pragma once

#include <concepts>
#include <optional>
#include <type_traits>

#include "netipc/wire/batch.h"
#include "netipc/wire/message_header.h"

namespace netipc {

template <class R>
concept ReportsFailedHeader = requires(const R& receiver) {
    requires std::same_as<std::remove_cvref_t<decltype(receiver.failed_header())>,
                          std::optional<wire::MessageHeader>>;
};

template <class M>
concept CarriesBatchView = requires(const M& message) {
    requires std::same_as<std::remove_cvref_t<decltype(message.batch)>,
                          std::optional<wire::BatchView>>;
};

} // namespace netipc
