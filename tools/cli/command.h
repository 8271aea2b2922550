// One `netipc` subcommand: its CLI11 parser, registered on the program,
// and what runs when the user chose it. Each command lives in its own
// file (serve_command.cc, call_command.cc, ...) and keeps its options to
// itself.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace netipc::cli {

struct Command {
    CLI::App* parser = nullptr;
    // Runs the command with the parsed options; returns the exit status.
    std::function<int()> run;
};

Command add_demo_command(CLI::App& program);
Command add_serve_command(CLI::App& program);
Command add_call_command(CLI::App& program);
Command add_probe_command(CLI::App& program);
Command add_watch_command(CLI::App& program);

} // namespace netipc::cli
