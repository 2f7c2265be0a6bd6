#!/usr/bin/env python3
"""The PyTorch peer of `cnn bench-train`: the same models, initialization
(He normal weights, zero biases), optimizer, batch size and per-epoch
shuffling over the same MNIST IDX files, timed the same way.

Prints one line of key=value pairs, the format `cnn bench-train` prints, so
that bench/vs_pytorch can put the two side by side. Benchmark only: never
part of the tests.
"""
import argparse
import os
import resource
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def make_model(name):
    if name == "lenet5":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
    if name == "simple":
        return nn.Sequential(
            nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 50), nn.ReLU(),
                             nn.Linear(50, 10))
    sys.exit(f"pytorch_mnist: unknown model {name!r}")


def he_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="lenet5")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--optimizer", default="adam", choices=["sgd", "momentum", "adam"])
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    train_x = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).copy())
    train_y = torch.from_numpy(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    test_x = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).copy())
    test_y = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))

    model = make_model(a.model)
    he_init(model)
    lr = a.lr if a.lr is not None else (0.001 if a.optimizer == "adam" else 0.01)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr,
                              momentum=0.9 if a.optimizer == "momentum" else 0.0)
    loss_fn = nn.CrossEntropyLoss()

    n = train_x.shape[0]
    epoch_seconds = []
    for _ in range(a.epochs):
        order = torch.from_numpy(rng.permutation(n))
        model.train()
        start = time.perf_counter()
        for first in range(0, n, a.batch):  # the last partial batch is used
            idx = order[first:first + a.batch]
            x = train_x[idx].unsqueeze(1).float().div_(255.0)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), train_y[idx])
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - start)

    model.eval()
    infer_batch = 1000
    infer_seconds = []
    correct = 0
    with torch.no_grad():
        for _ in range(3):
            start = time.perf_counter()
            correct = 0
            for first in range(0, test_x.shape[0], infer_batch):
                x = test_x[first:first + infer_batch].unsqueeze(1).float().div_(255.0)
                correct += (model(x).argmax(1) == test_y[first:first + infer_batch]).sum().item()
            infer_seconds.append(time.perf_counter() - start)

    median_epoch = statistics.median(epoch_seconds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"engine=pytorch-{torch.__version__} model={a.model} batch={a.batch} "
          f"threads={a.threads} optimizer={a.optimizer} epochs={a.epochs} "
          f"epoch_s={','.join(f'{s:.3f}' for s in epoch_seconds)} "
          f"median_epoch_s={median_epoch:.3f} train_img_s={n / median_epoch:.0f} "
          f"infer_img_s={test_x.shape[0] / statistics.median(infer_seconds):.0f} "
          f"test_acc={correct / test_x.shape[0]:.4f} peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
