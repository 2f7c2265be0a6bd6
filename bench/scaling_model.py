#!/usr/bin/env python3
"""The latency-bandwidth model of docs/SCALING.md, from dist_bench lines.

usage: bench/scaling_model.py ONE_RANK.txt TWO_RANKS.txt
  ONE_RANK.txt:  mpirun -np 1 build/bench/dist_bench --threads 2   (a node's compute)
  TWO_RANKS.txt: mpirun -np 2 build/bench/dist_bench --threads 1   (loopback collectives)
Prints markdown: the loopback fit, then per model and network the epoch time
and parallel efficiency for R = 1..256 nodes, each node computing as the
ONE_RANK run did (one rank per node, its threads over the node's cores).

A step on R nodes (global batch B, M = ceil(B / micro_batch) micro-batches):
  compute(R) = mb_phase * rounds(R) / rounds(1) + combine + update
    mb_phase = step - combine - update of the one-rank run: the micro-batch
    phase and the loading, split over the nodes by whole micro-batches
    (rounds(R) = ceil(ceil(M / R) / threads)); combine (the fc gradients and
    slot sums) and update (the optimizer) run whole on every node.
  comm(R) = sum over the step's K collectives of the ring model:
    allgather of b bytes: (R-1)/R * b / bandwidth + (R-1) * latency
    allreduce of b bytes: 2(R-1)/R * b / bandwidth + 2(R-1) * latency
    K: 4 allgathers by micro-batch (statuses, losses, counts, slots), 2 per fc
    layer (inputs, output gradients), and the allreduce of cnn train's stop
    flag; the bytes of the gather are dist_bench's gather_floats * 4.
"""
import math
import sys

NETWORKS = [  # stated figures (not measured): latency (s), bandwidth (bytes/s)
    ("10 GbE (TCP)", 30e-6, 1.25e9 * 0.9),
    ("100 GbE (RoCE)", 5e-6, 12.5e9 * 0.9),
    ("InfiniBand HDR 200 Gb/s", 1.5e-6, 25e9 * 0.9),
]
NODES = [1, 2, 4, 8, 16, 32, 64, 128, 256]
IMAGES = 60000


def read(path):
    rows = {}
    for line in open(path):
        if line.startswith("model="):
            fields = dict(kv.split("=", 1) for kv in line.split())
            rows[fields["model"]] = {
                k: (float(v.rstrip("%")) if k != "model" else v) for k, v in fields.items()}
    return rows


def fit(points, latency):
    """The inverse bandwidth b of t = x1 * latency + x2 * b over (x1, x2, t), by
    least squares weighted by 1/t^2 (relative errors: the small collectives
    count as much as the large)."""
    num = sum((p[2] - p[0] * latency) * p[1] / (p[2] * p[2]) for p in points)
    den = sum(p[1] * p[1] / (p[2] * p[2]) for p in points)
    return num / den


def comm(m, R, latency, bandwidth, batch=None):
    if R == 1:
        return 0.0
    B = batch or m["batch"]
    M = math.ceil(B / m["micro_batch"])
    slot = m["grad_floats"] - m["fc_grad_floats"]
    rows = (m["gather_floats"] - math.ceil(m["batch"] / m["micro_batch"]) * slot) / m["batch"]
    gather = 4 * (M * slot + B * rows)
    fc_layers = m["fc_layers"]
    gathers = 4 + 2 * fc_layers
    t = (R - 1) / R * gather / bandwidth + gathers * (R - 1) * latency
    return t + 2 * (R - 1) * latency  # the stop flag's allreduce


def compute(m, R, batch=None):
    B = batch or m["batch"]
    scale = B / m["batch"]
    M = math.ceil(B / m["micro_batch"])
    threads = m["threads"]
    rounds = lambda r: math.ceil(math.ceil(M / r) / threads)
    mb_phase = (m["step_ms"] - m["combine_ms"] - m["update_ms"]) * 1e-3 * scale
    return mb_phase * rounds(R) / rounds(1) + (m["combine_ms"] * scale + m["update_ms"]) * 1e-3


def main():
    one, two = read(sys.argv[1]), read(sys.argv[2])
    fc_layers = {"lenet5": 3, "simple": 2, "tf_mnist": 2}
    for name in one:
        one[name]["fc_layers"] = fc_layers[name]
    # Loopback fit at R = 2: allgather (1/2 b/bw + lat), allreduce (b/bw + 2 lat).
    points = []
    for name, m in two.items():
        points.append((1, 0.5 * 4 * m["gather_floats"], m["allgather_us"] * 1e-6))
        points.append((1, 0.5 * 4 * m["fc_grad_floats"], m["fc_allgather_us"] * 1e-6))
        points.append((2, 4 * m["grad_floats"], m["allreduce_us"] * 1e-6))
    # The latency: an allgather of one value per rank (its (R-1)/R b/bw is nil).
    lat = sorted(m["tiny_allgather_us"] for m in two.values())[len(two) // 2] * 1e-6
    inv_bw = fit(points, lat)
    print("Loopback fit (R = 2): latency %.1f us (median allgather of one value per rank), "
          "bandwidth %.2f GB/s (weighted least squares over %d collectives)\n"
          % (lat * 1e6, 1e-9 / inv_bw, len(points)))
    print("| collective | bytes | measured us | model us |")
    print("|---|---|---|---|")
    for x1, x2, t in points:
        kind = "allreduce" if x1 == 2 else "allgather"
        size = x2 if x1 == 2 else 2 * x2
        print("| %s | %d | %.1f | %.1f |" % (kind, size, t * 1e6, (x1 * lat + x2 * inv_bw) * 1e6))
    print()
    for name, m in two.items():
        model = dict(one[name])
        predicted = comm(model, 2, lat, 1 / inv_bw)
        print("%s at R = 2 on loopback: exchange measured %.3f ms per step, model %.3f ms"
              % (name, m["comm_ms"], predicted * 1e3))
    print()
    # Sharing the fc weight gradients by columns among the ranks (not done):
    # each rank would compute 1/R of the combine phase and allgather the rest,
    # saving (R-1)/R * combine and paying (R-1)/R * fc bytes / bandwidth
    # + (R-1) * latency per fc layer and step.
    print("| model | combine ms (duplicated on every rank) | fc gradient MB | "
          + " | ".join("allgather of them, %s: ms" % n for n, _, _ in NETWORKS) + " |")
    print("|---|---|---|" + "---|" * len(NETWORKS))
    for name, m in one.items():
        fc_bytes = 4 * m["fc_grad_floats"]
        print("| %s | %.2f | %.1f | %s |" % (name, m["combine_ms"], fc_bytes / 1e6, " | ".join(
            "%.2f" % (1e3 * (fc_bytes / bw + m["fc_layers"] * lat)) for _, lat, bw in NETWORKS)))
    print()
    for batch in (None, 1024):
        for name, m in one.items():
            B = int(batch or m["batch"])
            steps = math.ceil(IMAGES / B)
            base = steps * compute(m, 1, batch)
            print("### %s, global batch %d (%d micro-batches of %d), %d steps per epoch\n"
                  % (name, B, math.ceil(B / m["micro_batch"]), m["micro_batch"], steps))
            print("| nodes | " + " | ".join("%s: epoch s, efficiency" % n for n, _, _ in NETWORKS)
                  + " |")
            print("|---|" + "---|" * len(NETWORKS))
            dominate = {}
            for R in NODES:
                cells = []
                for net, latency, bandwidth in NETWORKS:
                    c, k = compute(m, R, batch), comm(m, R, latency, bandwidth, batch)
                    if k > c and net not in dominate:
                        dominate[net] = R
                    epoch = steps * (c + k)
                    cells.append("%.2f s, %3.0f%%" % (epoch, 100 * base / (R * epoch)))
                print("| %d | %s |" % (R, " | ".join(cells)))
            print("\nCommunication exceeds compute from: " + ", ".join(
                "%s R = %s" % (n, dominate.get(n, "(not within 256)")) for n, _, _ in NETWORKS)
                + ".\n")


main()
