#!/usr/bin/env python3
"""The seed recipe's training step, evaluation and batch-64 forward in plain PyTorch: the
reference that TrainingBenchmark (mvn -Pbenchmark verify) runs beside the service's own loop.

torchvision's resnet18(num_classes=10), Adam(lr=0.01, weight_decay=1e-4), cross entropy,
batch 256 on 32x32 inputs already in memory (no data pipeline, like the benchmark's bare loop).
Prints one JSON object. Usage: seed_step.py [threads] [steps] [contiguous|channels_last] [fp32|bf16]
(channels_last: inputs laid out NHWC in memory, as the service lays out its CPU batches; bf16:
forwards under torch.autocast("cpu", dtype=torch.bfloat16), the way PyTorch trains in bf16 on a
CPU: convolutions and matrix products in bf16, weights, Adam's state and the loss in fp32).
"""
import contextlib
import json
import sys
import time

import torch
import torchvision

threads = int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads()
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
layout = torch.channels_last if len(sys.argv) > 3 and sys.argv[3] == "channels_last" else torch.contiguous_format
bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
torch.set_num_threads(threads)
torch.manual_seed(0)

model = torchvision.models.resnet18(num_classes=10)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.randn(256, 3, 32, 32).contiguous(memory_format=layout)
y = torch.randint(0, 10, (256,))


def precision():
    return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()


def train_step():
    t0 = time.perf_counter()
    optimizer.zero_grad(set_to_none=True)
    with precision():
        loss = loss_fn(model(x), y)
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    optimizer.step()
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


model.train()
for _ in range(2):  # warm-up
    train_step()
times = [train_step() for _ in range(steps)]
forward, backward, step = (sum(t[i] for t in times) / steps for i in range(3))


def images_per_second(batch, repeats):
    inputs = torch.randn(batch, 3, 32, 32).contiguous(memory_format=layout)
    with torch.no_grad(), precision():
        model(inputs)
        start = time.perf_counter()
        for _ in range(repeats):
            model(inputs).argmax(1)
        return batch * repeats / (time.perf_counter() - start)


model.eval()
print(json.dumps({
    "torch": torch.__version__, "threads": threads, "layout": str(layout), "precision": "bf16" if bf16 else "fp32",
    "forwardMs": 1000 * forward, "backwardMs": 1000 * backward, "optimizerMs": 1000 * step,
    "trainImagesPerSecond": 256 / (forward + backward + step),
    "evalImagesPerSecond": images_per_second(512, 6),
    "forward64ImagesPerSecond": images_per_second(64, 30),
}))
