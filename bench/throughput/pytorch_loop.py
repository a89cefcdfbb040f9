#!/usr/bin/env python3
"""The training step of `ensemble train`, in PyTorch-Python, for bench/throughput/run.sh.

Same per-step work as Ensemble's Trainer: the whole training set as one float32 tensor (pixels / 255, standardized
with Fashion-MNIST's mean 0.2860 and std 0.3530), a fresh randperm per epoch, index_select of each batch, forward,
cross-entropy, zero_grad, backward, SGD step (momentum 0.9, weight decay 5e-4), loss.item() per step. Prints one
JSON object per epoch: {"epoch", "samples_per_second", "seconds", "loss"}.
"""
import argparse, gzip, json, os, time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"{directory}: no {stem}[.gz]")


def model_for(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 1200), nn.ReLU(), nn.Dropout(0.2),
                             nn.Linear(1200, 1200), nn.ReLU(), nn.Dropout(0.2), nn.Linear(1200, 10))
    blocks = []
    channels = 1
    for out in (32, 64):
        blocks += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
        channels = out
    return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = read_idx(find(a.data, "train-images-idx3-ubyte")).astype(np.float32) / 255
    labels = read_idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.int64)
    x = torch.from_numpy((images - 0.2860) / 0.3530).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels)
    model = model_for(a.model)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=5e-4)
    n = x.shape[0]
    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        total, steps = 0.0, 0
        permutation = torch.randperm(n)
        for begin in range(0, n, a.batch_size):
            index = permutation[begin:begin + a.batch_size]
            loss = nn.functional.cross_entropy(model(x.index_select(0, index)), y.index_select(0, index))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            steps += 1
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "samples_per_second": n / seconds, "seconds": seconds, "loss": total / steps}), flush=True)


if __name__ == "__main__":
    main()
