// Tells whether an action raised SIGPIPE, without letting it end the test.
//
// A send to a peer that went away raises SIGPIPE in the sending thread unless
// the send asks otherwise (MSG_NOSIGNAL); its default action kills the whole
// process, the host application included. The probe puts SIGPIPE at its
// default disposition, blocks it in the calling thread, runs the action and
// then looks whether one is pending: a raised SIGPIPE waits there instead of
// killing the process, is reported, and is consumed. The disposition and the
// signal mask are restored afterwards.
#pragma once

#include <pthread.h>

#include <csignal>
#include <ctime>

namespace netipc::testing {

template <class Action>
bool raises_sigpipe(Action action) {
    struct sigaction default_action{};
    default_action.sa_handler = SIG_DFL;
    struct sigaction previous_action{};
    (void)::sigaction(SIGPIPE, &default_action, &previous_action);
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t previous_mask;
    (void)::pthread_sigmask(SIG_BLOCK, &pipe_only, &previous_mask);

    action();

    sigset_t pending;
    sigemptyset(&pending);
    (void)::sigpending(&pending);
    const bool raised = sigismember(&pending, SIGPIPE) == 1;
    if (raised) {
        const timespec no_wait{};
        (void)::sigtimedwait(&pipe_only, nullptr, &no_wait);
    }
    (void)::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    (void)::sigaction(SIGPIPE, &previous_action, nullptr);
    return raised;
}

} // namespace netipc::testing
