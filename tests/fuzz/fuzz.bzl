"""netipc_fuzz_target: the Bazel targets of one libFuzzer target.

For a target NAME with source NAME_fuzz.cc it declares:
  NAME_fuzz_replay  cc_test, tag fuzz_replay. Links replay_main.cc: replays the
                    vector seeds, their truncations and bit flips, random
                    buffers, regressions/NAME/* and the campaign corpus
                    corpus/NAME/*. Runs in every config.
  NAME_fuzzer       cc_binary. Under //:fuzzing (--config=fuzz) a real libFuzzer
                    binary (-fsanitize=fuzzer); otherwise the same replay program,
                    so `bazel build //...` builds it in every config.
  NAME_fuzz_smoke   sh_test, tags fuzz_smoke + manual: a few seconds of fuzzing
                    from the vector seeds, regressions/NAME/* and corpus/NAME/*
                    (run-tests runs it with --config=fuzz, so they also get
                    ASan/UBSan).
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")

def netipc_fuzz_target(name, deps, replay_size = "small"):
    """Declares NAME_fuzz_replay, NAME_fuzzer and NAME_fuzz_smoke.

    Args:
      name: the target's name; its source is NAME_fuzz.cc.
      deps: what the source needs.
      replay_size: the replay test's Bazel size; "medium" for a target whose
        every input does real I/O (tens of seconds under ASan on a busy machine).
    """
    src = name + "_fuzz.cc"
    regressions_dir = native.package_name() + "/regressions/" + name
    target_deps = deps + [":fuzz_support"]
    regressions = native.glob(["regressions/%s/**" % name])
    corpus_dir = native.package_name() + "/corpus/" + name
    corpus = native.glob(["corpus/%s/**" % name])

    cc_test(
        name = name + "_fuzz_replay",
        size = replay_size,
        srcs = [src, "replay_main.cc"],
        # The test runs from the runfiles root, where this path exists only
        # when the glob matched something; replay_main skips it otherwise.
        args = [
            "--regressions=" + regressions_dir,
            "--regressions=" + corpus_dir,
        ],
        data = regressions + corpus,
        tags = ["fuzz_replay"],
        deps = target_deps + [":seeds"],
    )

    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        srcs = [src] + select({
            "//:fuzzing": [],
            "//conditions:default": ["replay_main.cc"],
        }),
        linkopts = select({
            "//:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = target_deps + select({
            "//:fuzzing": [],
            "//conditions:default": [":seeds"],
        }),
    )

    native.sh_test(
        name = name + "_fuzz_smoke",
        size = "small",
        srcs = ["fuzz_smoke.sh"],
        args = [
            "$(rootpath :%s_fuzzer)" % name,
            "$(rootpath :hex_seed_tool)",
            regressions_dir,
            corpus_dir,
        ],
        data = [
            ":%s_fuzzer" % name,
            ":hex_seed_tool",
        ] + regressions + corpus,
        tags = [
            "fuzz_smoke",
            "manual",
        ],
    )
