// netipc: look at NetIPC endpoints the way curl looks at web services, and
// stand up fake providers. One subcommand per file; this file only parses
// and dispatches.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"

namespace {

using netipc::cli::Command;
using netipc::cli::ExitCode;
using netipc::cli::to_int;

// CLI11's --help and --version arrive as "errors" with status 0; real
// mistakes become one message naming the command, and status 2.
int parse_failed(CLI::App& program, const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
        return program.exit(error);
    }
    std::string command = "netipc";
    for (const auto* chosen : program.get_subcommands()) {
        command += " " + chosen->get_name();
    }
    fmt::print(stderr, "{}: {}\nRun '{} --help' for usage.\n", command, error.what(), command);
    return to_int(ExitCode::usage);
}

// `bazel run` starts programs in their runfiles tree; relative --run-dir
// and --data paths mean what the user typed only from where they typed it.
void enter_working_directory() {
    const char* directory = std::getenv("BUILD_WORKING_DIRECTORY"); // NOLINT(concurrency-mt-unsafe)
    if (directory == nullptr || *directory == '\0') {
        return;
    }
    std::error_code error;
    std::filesystem::current_path(directory, error);
    if (error) {
        (void)std::fprintf(stderr, "netipc: cannot enter %s; relative paths may not resolve\n",
                           directory);
    }
}

int run(int argc, char** argv) {
    enter_working_directory();
    CLI::App program{
        "netipc: talk to NetIPC endpoints (Netdata's plugin IPC) from the command line.\n"
        "Start with `netipc demo`; `netipc COMMAND --help` tells more.",
        "netipc"};
    program.set_version_flag("--version", "netipc 0.1.0");
    program.require_subcommand(1);
    program.footer(netipc::cli::exit_code_help());
    const std::vector<Command> commands{
        netipc::cli::add_demo_command(program),  netipc::cli::add_probe_command(program),
        netipc::cli::add_call_command(program),  netipc::cli::add_serve_command(program),
        netipc::cli::add_watch_command(program),
    };
    if (argc <= 1) {
        fmt::print(stderr, "{}", program.help());
        return to_int(ExitCode::usage);
    }
    try {
        program.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return parse_failed(program, error);
    }
    for (const auto& command : commands) {
        if (command.parser->parsed()) {
            return command.run();
        }
    }
    return to_int(ExitCode::usage);
}

} // namespace

int main(int argc, char** argv) {
    // Peers and files fail through results; what may still throw here is
    // the unexpected (memory exhaustion, a library's own failure).
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        (void)std::fprintf(stderr, "netipc: unexpected failure: %s\n", error.what());
    } catch (...) {
        (void)std::fprintf(stderr, "netipc: unexpected failure\n");
    }
    return to_int(ExitCode::failure);
}
