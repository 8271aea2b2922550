// A reader/writer mutex on which a waiting writer blocks new readers.
//
// Why not std::shared_mutex: on glibc it prefers readers, so a steady stream
// of overlapping readers (hot-path cache lookups on several threads) can
// keep a writer (a cache refresh waiting to publish) out forever. Here, once
// a writer waits, new readers queue behind it: the writer gets in as soon as
// the readers already inside let go. Satisfies SharedMutex, so
// std::shared_lock and std::unique_lock work with it.
//
// Not recursive: a thread holding a shared lock must not take another one
// (it would deadlock behind a waiting writer).
#pragma once

#include <pthread.h>

namespace netipc::os {

class WriterPreferringMutex {
public:
    WriterPreferringMutex() noexcept {
        pthread_rwlockattr_t attributes;
        pthread_rwlockattr_init(&attributes);
        pthread_rwlockattr_setkind_np(&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        pthread_rwlock_init(&lock_, &attributes);
        pthread_rwlockattr_destroy(&attributes);
    }
    WriterPreferringMutex(const WriterPreferringMutex&) = delete;
    WriterPreferringMutex& operator=(const WriterPreferringMutex&) = delete;
    WriterPreferringMutex(WriterPreferringMutex&&) = delete;
    WriterPreferringMutex& operator=(WriterPreferringMutex&&) = delete;
    ~WriterPreferringMutex() { pthread_rwlock_destroy(&lock_); }

    void lock() noexcept { pthread_rwlock_wrlock(&lock_); }
    bool try_lock() noexcept { return pthread_rwlock_trywrlock(&lock_) == 0; }
    void unlock() noexcept { pthread_rwlock_unlock(&lock_); }

    void lock_shared() noexcept { pthread_rwlock_rdlock(&lock_); }
    bool try_lock_shared() noexcept { return pthread_rwlock_tryrdlock(&lock_) == 0; }
    void unlock_shared() noexcept { pthread_rwlock_unlock(&lock_); }

private:
    pthread_rwlock_t lock_{};
};

} // namespace netipc::os
