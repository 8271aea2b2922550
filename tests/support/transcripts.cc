#include "tests/support/transcripts.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace netipc::testing {

namespace {

std::filesystem::path transcripts_file() {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    if (const char* runfiles = std::getenv("TEST_SRCDIR")) { // NOLINT(concurrency-mt-unsafe)
        candidates.emplace_back(fs::path(runfiles) / "protocol_transcripts" / "transcripts.md");
        candidates.emplace_back(fs::path(runfiles) / "netipc" / "external" / "protocol_transcripts"
                                / "transcripts.md");
    }
    candidates.emplace_back("../shared/protocol/transcripts.md");
    for (const auto& path : candidates) {
        std::error_code ignored;
        if (fs::exists(path, ignored)) {
            return path;
        }
    }
    throw std::runtime_error("shared/protocol/transcripts.md not found");
}

bool is_hex_byte(const std::string& word) {
    const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    return word.size() == 2 && hex(word[0]) && hex(word[1]);
}

} // namespace

std::vector<std::vector<std::byte>> transcript_dumps() {
    std::ifstream in(transcripts_file());
    if (!in) {
        throw std::runtime_error("cannot read transcripts.md");
    }
    std::vector<std::vector<std::byte>> dumps;
    bool in_block = false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("```")) {
            in_block = !in_block;
            if (in_block) {
                dumps.emplace_back();
            } else if (dumps.back().empty()) {
                dumps.pop_back(); // a code block without a byte dump
            }
            continue;
        }
        if (!in_block) {
            continue;
        }
        std::istringstream words(line);
        std::string word;
        while (words >> word && is_hex_byte(word)) {
            dumps.back().push_back(static_cast<std::byte>(std::stoul(word, nullptr, 16)));
        }
    }
    return dumps;
}

} // namespace netipc::testing
