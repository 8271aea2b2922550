"""The third-party header directories the mingw-w64 cross toolchain may see.

The libraries netipc uses (Boost, Catch2, CLI11, nlohmann/json, fmt) are
header-only Debian packages under /usr/include, and sources include them as
<boost/hana.hpp>, <catch2/catch.hpp>, ... The Linux toolchain finds them
through /usr/include, one of its built-in directories. The mingw toolchain
must never search /usr/include itself: glibc's <stdio.h>, <limits.h>, ...
would shadow mingw's own C library headers and the build would mix two C
libraries. So this repository rule makes a directory that holds nothing but
one symlink per library directory (include/boost -> /usr/include/boost, ...)
and hands its absolute path to the toolchain, which puts it on the system
include path (-isystem) and lists it as a built-in include directory, so
Bazel's header inclusion check accepts the files found through it.
"""

# Library directories under /usr/include that mingw builds may include.
_LIBRARY_DIRECTORIES = [
    "boost",  # libboost1.81-dev: Hana, Interprocess (and their Boost deps)
    "catch2",  # catch2 2.13: the single header <catch2/catch.hpp>
    "CLI",  # libcli11-dev
    "nlohmann",  # nlohmann-json3-dev
    "fmt",  # libfmt-dev, used header-only (FMT_HEADER_ONLY) under mingw
]

def _mingw_third_party_headers_impl(repository_ctx):
    for directory in _LIBRARY_DIRECTORIES:
        repository_ctx.symlink("/usr/include/" + directory, "include/" + directory)
    include_dir = str(repository_ctx.path("include"))
    repository_ctx.file("BUILD.bazel", "")
    repository_ctx.file(
        "defs.bzl",
        "THIRD_PARTY_INCLUDE_DIR = {}\n".format(repr(include_dir)),
    )

mingw_third_party_headers = repository_rule(
    implementation = _mingw_third_party_headers_impl,
    local = True,
)
