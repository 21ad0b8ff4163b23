#!/usr/bin/env python3
"""Training throughput of the shapes-tiny network in plain PyTorch, for the DJL comparison.

The same layers as steps/src/main/resources/dev/kiln/steps/detector/cfg/shapes-tiny.cfg
(conv-BN-leaky(0.1) x4 with 2x2 max pools, 1x1, 3x3, linear 1x1 head with 24 filters), the same
batch and image size, Adam, an MSE loss against a fixed random target (the loss is not what is
measured). Its Java counterpart is dev.kiln.steps.detector.ThroughputBench; see
docs/benchmarks.md ("## detector") for the commands and the numbers.

usage: python3 bench/pytorch_shapes_tiny.py [--batch 16] [--size 128] [--steps 60] [--warmup 10]
                                            [--threads N]
"""
import argparse
import json
import os
import time

import torch
from torch import nn


def conv(cin, cout, k, bn=True, act=True):
    layers = [nn.Conv2d(cin, cout, k, 1, k // 2, bias=not bn)]
    if bn:
        # DJL's BatchNorm momentum 0.97 keeps 97% of the running mean: PyTorch's 0.03
        layers.append(nn.BatchNorm2d(cout, eps=1e-5, momentum=0.03))
    if act:
        layers.append(nn.LeakyReLU(0.1))
    return layers


def shapes_tiny(classes=3, anchors=3):
    return nn.Sequential(
        *conv(3, 16, 3), nn.MaxPool2d(2, 2),
        *conv(16, 32, 3), nn.MaxPool2d(2, 2),
        *conv(32, 64, 3), nn.MaxPool2d(2, 2),
        *conv(64, 128, 3),
        *conv(128, 64, 1),
        *conv(64, 128, 3),
        *conv(128, anchors * (5 + classes), 1, bn=False, act=False))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = shapes_tiny()
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 3, a.size, a.size)
    with torch.no_grad():
        target = torch.randn_like(net(x))
    loss_fn = nn.MSELoss()

    phase = [0.0, 0.0, 0.0]  # forward+loss, backward, optimiser (zero_grad included)

    def step():
        a = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), target)
        value = loss.item()
        b = time.perf_counter()
        loss.backward()
        c = time.perf_counter()
        opt.step()
        d = time.perf_counter()
        phase[0] += b - a
        phase[1] += c - b
        phase[2] += d - c
        return value

    for _ in range(a.warmup):
        step()
    phase[:] = [0.0, 0.0, 0.0]
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    secs = time.perf_counter() - t0
    print(json.dumps({
        "engine": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": a.batch, "size": a.size, "steps": a.steps,
        "seconds": round(secs, 3),
        "images_per_sec": round(a.batch * a.steps / secs, 2),
        "loss": round(loss, 4),
        "ms_per_step": {"forward": round(phase[0] * 1000 / a.steps, 2),
                        "backward": round(phase[1] * 1000 / a.steps, 2),
                        "optimizer": round(phase[2] * 1000 / a.steps, 2)},
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
