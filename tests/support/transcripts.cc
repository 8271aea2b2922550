#include "tests/support/transcripts.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/protocol_data.h"

namespace netipc::testing {

namespace {

std::filesystem::path transcripts_file() {
    for (const auto& path : protocol_data_candidates("transcripts.md")) {
        std::error_code ignored;
        if (std::filesystem::exists(path, ignored)) {
            return path;
        }
    }
    throw std::runtime_error(
        "tests/data/protocol/transcripts.md not found (run from the repository root)");
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
