"""C++ toolchain configuration for the mingw-w64 cross compiler (Windows x86_64).

Debian's g++-mingw-w64-x86-64-posix: GCC 12 with the POSIX thread model, so
std::thread, std::mutex and std::condition_variable work (the "win32"
flavour lacks them). Everything is linked statically (-static): libstdc++,
libgcc and winpthread end up inside each .exe, which then runs alone under
wine or on Windows without any DLL next to it.

The language level (-std=c++23) and warnings come from .bazelrc like for
every other configuration; this file only says what differs for the target.
"""

load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "artifact_name_pattern",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)
load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.cpp_module_codegen,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

_PREFIX = "/usr/bin/x86_64-w64-mingw32-"

def _flags_feature(name, actions, flags, enabled = False):
    return feature(
        name = name,
        enabled = enabled,
        flag_sets = [flag_set(actions = actions, flag_groups = [flag_group(flags = flags)])],
    )

def _impl(ctx):
    features = [
        _flags_feature(
            "default_compile_flags",
            _COMPILE_ACTIONS,
            [
                # Only the symlink directory of third_party_headers.bzl, never
                # /usr/include (glibc headers would shadow mingw's).
                "-isystem",
                ctx.attr.third_party_include_dir,
                # Keep the header paths in the .d files as found, so Bazel's
                # inclusion check matches them against the built-in
                # directories below (GCC would otherwise resolve the symlinks).
                "-no-canonical-prefixes",
                "-fno-canonical-system-headers",
            ],
            enabled = True,
        ),
        # -O1 even in the default (fastbuild) mode: at -O0 every inline
        # function is emitted out of line in its own COMDAT section (Catch2's
        # main alone has ~48,000 sections), and GNU ld's PE backend takes
        # ~17 s of CPU to link each test; at -O1 that is ~5,000 sections and
        # well under a second (measured on catch2_main alone).
        _flags_feature("fastbuild", _COMPILE_ACTIONS, ["-O1"]),
        _flags_feature("dbg", _COMPILE_ACTIONS, ["-g", "-O0"]),
        _flags_feature("opt", _COMPILE_ACTIONS, ["-O2", "-DNDEBUG"]),
        _flags_feature(
            "default_link_flags",
            _LINK_ACTIONS,
            [
                "-static",
                "-no-canonical-prefixes",
                # GCC 12 bug 110572: under -std=c++23 std::type_info::operator==
                # is constexpr, hence inline and emitted in every object that
                # uses it, while mingw's static libstdc++.a also defines it
                # out of line; both are the same function, so let the linker
                # keep one instead of failing on the duplicate.
                "-Wl,--allow-multiple-definition",
            ],
            enabled = True,
        ),
    ]
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        toolchain_identifier = "mingw-w64-x86_64",
        host_system_name = "x86_64-unknown-linux-gnu",
        target_system_name = "x86_64-w64-mingw32",
        target_cpu = "x64_windows",
        target_libc = "mingw-w64",
        compiler = "mingw-gcc",
        abi_version = "mingw-w64",
        abi_libc_version = "mingw-w64",
        features = features,
        cxx_builtin_include_directories = [
            "/usr/lib/gcc/x86_64-w64-mingw32/12-posix",
            "/usr/x86_64-w64-mingw32/include",
            "/usr/share/mingw-w64/include",
            ctx.attr.third_party_include_dir,
        ],
        # Windows programs and tests are .exe files.
        artifact_name_patterns = [
            artifact_name_pattern(
                category_name = "executable",
                prefix = "",
                extension = ".exe",
            ),
        ],
        tool_paths = [
            tool_path(name = "gcc", path = _PREFIX + "g++-posix"),
            tool_path(name = "cpp", path = _PREFIX + "cpp-posix"),
            tool_path(name = "ld", path = _PREFIX + "ld"),
            tool_path(name = "ar", path = _PREFIX + "ar"),
            tool_path(name = "nm", path = _PREFIX + "nm"),
            tool_path(name = "objcopy", path = _PREFIX + "objcopy"),
            tool_path(name = "objdump", path = _PREFIX + "objdump"),
            tool_path(name = "strip", path = _PREFIX + "strip"),
            tool_path(name = "gcov", path = _PREFIX + "gcov-posix"),
        ],
    )

mingw_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {
        "third_party_include_dir": attr.string(mandatory = True),
    },
    provides = [CcToolchainConfigInfo],
)
