"""Tests of bench/run-matrix's report arithmetic: how a comparison's ratio is
formed from the passes (each pass's netipc row against the baseline row of
the same pass), so a change there cannot quietly turn the published ratios
back into ratios of medians or pair rows from different passes; and how it
reads a server's CPU time."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import time
import unittest


def load_run_matrix():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "run-matrix")
    loader = importlib.machinery.SourceFileLoader("run_matrix", path)
    spec = importlib.util.spec_from_loader("run_matrix", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


run_matrix = load_run_matrix()


def fields(throughput, total_cpu_pct=50.0):
    values = {field: 0.0 for field in run_matrix.NUMERIC_FIELDS}
    values["throughput"] = throughput
    values["total_cpu_pct"] = total_cpu_pct
    return values


def result(name, client, passes, target_rps=0):
    runs = [(values, 0) for values in passes]
    return run_matrix.median_result(name, client, client, target_rps, runs)


class PairedRatios(unittest.TestCase):
    def test_each_pass_is_compared_with_the_same_pass(self):
        # The machine swings between passes: the same-pass ratios are 0.9,
        # 0.8 and 0.5, while the ratio of the two medians would say 0.6.
        ours = result("uds-ping-pong", "cpp", [fields(9000), fields(4000), fields(6000)])
        theirs = result("raw-uds-ping-pong", "raw",
                        [fields(10000), fields(5000), fields(12000)])
        ratios = run_matrix.paired_ratios(ours, theirs, lambda v: v["throughput"])
        self.assertEqual([round(r, 6) for r in ratios], [0.9, 0.8, 0.5])
        self.assertEqual(ours.values["throughput"] / theirs.values["throughput"], 0.6)

    def test_cpu_per_item_pairs_by_pass_too(self):
        ours = result("shm-ping-pong", "cpp", [fields(1000, 10.0), fields(1000, 30.0)])
        theirs = result("raw-shm-ping-pong", "raw", [fields(1000, 5.0), fields(1000, 10.0)])
        ratios = run_matrix.paired_ratios(ours, theirs, run_matrix.cpu_us_per_item)
        self.assertEqual([round(r, 6) for r in ratios], [2.0, 3.0])

    def test_a_baseline_that_measured_nothing_is_left_out(self):
        ours = result("uds-ping-pong", "cpp", [fields(10), fields(10)])
        theirs = result("raw-uds-ping-pong", "raw", [fields(0), fields(20)])
        self.assertEqual(run_matrix.paired_ratios(ours, theirs, lambda v: v["throughput"]),
                         [0.5])

    def test_unequal_pass_counts_are_refused(self):
        ours = result("uds-ping-pong", "cpp", [fields(10), fields(10)])
        theirs = result("raw-uds-ping-pong", "raw", [fields(10)])
        with self.assertRaises(ValueError):
            run_matrix.paired_ratios(ours, theirs, lambda v: v["throughput"])


class RatioCell(unittest.TestCase):
    def test_median_and_range(self):
        self.assertEqual(run_matrix.ratio_cell([0.8, 1.1, 0.95]), "0.95 (0.80-1.10)")

    def test_one_pass_has_no_range(self):
        self.assertEqual(run_matrix.ratio_cell([0.87]), "0.87")

    def test_no_pass(self):
        self.assertEqual(run_matrix.ratio_cell([]), "n/a")


class RatioLines(unittest.TestCase):
    def test_the_table_shows_the_paired_median(self):
        results = [
            result("uds-ping-pong", "cpp", [fields(9000), fields(4000), fields(6000)]),
            result("raw-uds-ping-pong", "raw", [fields(10000), fields(5000), fields(12000)]),
        ]
        lines = run_matrix.ratio_lines(results)
        rows = [line for line in lines if line.startswith("| UDS ping-pong / raw SEQPACKET |")]
        self.assertEqual(len(rows), 1)
        cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
        self.assertEqual(cells[3], "6,000/s")
        self.assertEqual(cells[4], "10,000/s")
        self.assertEqual(cells[5], "0.80 (0.50-0.90)")
        # Same CPU percent on both sides: CPU per request is the inverse.
        self.assertEqual(cells[6], "1.25 (1.11-2.00)")


class ServerCpu(unittest.TestCase):
    """The CPU time the runner reads for a server it did not build (a client
    of another implementation leaves the server column to it)."""

    def test_another_process_is_read_to_the_nanosecond(self):
        # A child that burns 3 ms of CPU, prints its own CPU time, and waits
        # for stdin to close (using next to nothing more).
        child = subprocess.Popen(
            [sys.executable, "-c",
             "import sys, time\n"
             "start = time.process_time()\n"
             "while time.process_time() - start < 0.003: pass\n"
             "print(time.process_time(), flush=True)\n"
             "sys.stdin.read()\n"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            printed = float(child.stdout.readline())
            seconds = run_matrix.cpu_seconds_reader(child.pid)()
            # /proc's ticks would read at most `printed`, rounded down to
            # 10 ms: below the window.
            self.assertGreaterEqual(seconds, printed)
            self.assertLess(seconds, printed + 0.005)
        finally:
            child.stdin.close()
            child.wait()

    def test_own_cpu_advances_below_a_tick(self):
        read = run_matrix.cpu_seconds_reader(os.getpid())
        before = read()
        start = time.process_time()
        while time.process_time() - start < 0.002:
            pass
        spent = read() - before
        # Ticks would read 0 or 10 ms here.
        self.assertGreaterEqual(spent, 0.002)
        self.assertLess(spent, 0.009)

    def test_without_the_clock_every_reading_comes_from_proc(self):
        clock = run_matrix.cpu_clock_seconds
        run_matrix.cpu_clock_seconds = lambda pid: None
        try:
            read = run_matrix.cpu_seconds_reader(os.getpid())
        finally:
            run_matrix.cpu_clock_seconds = clock
        # Chosen once: the clock being back does not change the source.
        seconds = read()
        ticks = seconds * os.sysconf("SC_CLK_TCK")
        self.assertAlmostEqual(ticks, round(ticks), places=6)

    def test_pids_the_kernel_cannot_have_are_not_read(self):
        for pid in (0, -1, 1 << 22, 0x7FFFFFFF):
            self.assertIsNone(run_matrix.cpu_clock_seconds(pid))


if __name__ == "__main__":
    sys.exit(unittest.main())
