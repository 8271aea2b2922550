#include "tests/support/hex_vectors.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "tests/support/protocol_data.h"

namespace netipc::testing {

std::vector<std::byte> HexVector::bytes() const {
    std::vector<std::byte> all;
    for (const auto& packet : packets) {
        all.insert(all.end(), packet.begin(), packet.end());
    }
    return all;
}

HexVector parse_hex_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open vector " + path.string());
    }
    HexVector vector;
    vector.name = path.stem().string();
    std::string line;
    bool packet_open = false;
    while (std::getline(in, line)) {
        if (line.starts_with("## packet")) {
            vector.packets.emplace_back();
            packet_open = true;
            continue;
        }
        if (!line.empty() && line[0] == '#') {
            vector.comments.push_back(line.substr(1));
            continue;
        }
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            const auto is_hex = [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) != 0;
            };
            if (word.size() != 2 || !is_hex(word[0]) || !is_hex(word[1])) {
                throw std::runtime_error("bad hex byte '" + word + "' in " + path.string());
            }
            if (!packet_open) {
                vector.packets.emplace_back();
                packet_open = true;
            }
            vector.packets.back().push_back(static_cast<std::byte>(std::stoul(word, nullptr, 16)));
        }
    }
    if (vector.packets.empty()) {
        vector.packets.emplace_back(); // an image may legitimately be empty
    }
    return vector;
}

std::filesystem::path vectors_dir() {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    // Read once at start-up by single-threaded test code.
    if (const char* override_dir =
            std::getenv("NETIPC_VECTORS_DIR")) { // NOLINT(concurrency-mt-unsafe)
        candidates.emplace_back(override_dir);
    }
    for (auto& dir : protocol_data_candidates("vectors")) {
        candidates.push_back(std::move(dir));
    }
    for (const auto& dir : candidates) {
        std::error_code ignored;
        if (fs::exists(dir / "hello.hex", ignored)) {
            return dir;
        }
    }
    throw std::runtime_error(
        "tests/data/protocol/vectors not found (run from the repository root or set "
        "NETIPC_VECTORS_DIR)");
}

std::filesystem::path lookup_vectors_dir() {
    for (const auto& dir : protocol_data_candidates("lookup-vectors")) {
        std::error_code ignored;
        if (std::filesystem::exists(dir / "cgroups_lookup_request_empty.hex", ignored)) {
            return dir;
        }
    }
    throw std::runtime_error(
        "tests/data/protocol/lookup-vectors not found (run from the repository root)");
}

HexVector load_lookup_vector(const std::string& name) {
    return parse_hex_file(lookup_vectors_dir() / (name + ".hex"));
}

HexVector load_vector(const std::string& name) {
    return parse_hex_file(vectors_dir() / (name + ".hex"));
}

namespace {

std::vector<HexVector> load_all_in(const std::filesystem::path& dir) {
    std::vector<HexVector> all;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".hex") {
            all.push_back(parse_hex_file(entry.path()));
        }
    }
    std::ranges::sort(all, {}, &HexVector::name);
    return all;
}

} // namespace

std::vector<HexVector> load_all_vectors() {
    return load_all_in(vectors_dir());
}

std::vector<HexVector> load_all_lookup_vectors() {
    return load_all_in(lookup_vectors_dir());
}

} // namespace netipc::testing
