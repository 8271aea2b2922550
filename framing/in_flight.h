// The client's set of request message_ids awaiting a response, for
// pipelining: responses may arrive in any order, but every one must answer a
// request that is still outstanding, exactly once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "netipc/error.h"

namespace netipc::framing {

// A flat set: pipelines are short, so a linear scan of a contiguous array
// beats hashing, and after reserve() adding never allocates. Not
// thread-safe: one owner per session.
class InFlightSet {
public:
    explicit InFlightSet(std::size_t expected_depth = 16) { ids_.reserve(expected_depth); }

    // Errc::protocol_violation when `message_id` is already outstanding.
    Result<void> add(std::uint64_t message_id) {
        if (contains(message_id)) {
            return fail(Errc::protocol_violation, "message_id is already in flight");
        }
        ids_.push_back(message_id);
        return {};
    }

    // Marks a response's message_id as answered. Errc::protocol_violation
    // for an id that is not outstanding (unknown, or answered twice).
    Result<void> complete(std::uint64_t message_id) {
        const auto found = std::ranges::find(ids_, message_id);
        if (found == ids_.end()) {
            return fail(Errc::protocol_violation, "response to a message_id that is not in flight");
        }
        *found = ids_.back();
        ids_.pop_back();
        return {};
    }

    [[nodiscard]] bool contains(std::uint64_t message_id) const noexcept {
        return std::ranges::find(ids_, message_id) != ids_.end();
    }
    [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
    [[nodiscard]] bool empty() const noexcept { return ids_.empty(); }
    // A broken session fails every outstanding request at once.
    void clear() noexcept { ids_.clear(); }

private:
    std::vector<std::uint64_t> ids_;
};

} // namespace netipc::framing
