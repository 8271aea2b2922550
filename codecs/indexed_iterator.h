// A forward iterator over any read-only view that has size() and an
// operator[] returning items by value (the decoded views of snapshots,
// lookups and label tables): one definition instead of one per view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>

namespace netipc::codecs {

template <class View>
class IndexedIterator {
public:
    using value_type = decltype(std::declval<const View&>()[0U]);
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::forward_iterator_tag;

    IndexedIterator() = default;
    IndexedIterator(const View* view, std::uint32_t index) noexcept : view_(view), index_(index) {}

    value_type operator*() const noexcept { return (*view_)[index_]; }
    IndexedIterator& operator++() noexcept {
        ++index_;
        return *this;
    }
    IndexedIterator operator++(int) noexcept {
        IndexedIterator before = *this;
        ++index_;
        return before;
    }
    friend bool operator==(const IndexedIterator& a, const IndexedIterator& b) noexcept {
        return a.index_ == b.index_;
    }

private:
    const View* view_ = nullptr;
    std::uint32_t index_ = 0;
};

} // namespace netipc::codecs
