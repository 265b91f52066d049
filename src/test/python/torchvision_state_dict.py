# Makes a torchvision resnet18 (seed fixed, random BatchNorm statistics so that folding them is
# exercised), saves its state_dict as safetensors without metadata (as a user's own script would,
# with numpy in place of the safetensors package Debian lacks), and prints its class probabilities
# for a file of 32x32 CHW uint8 records normalised with CIFAR-10's statistics.
# Usage: torchvision_state_dict.py <out.safetensors> <images.bin> <classes> <resnet18|resnet18-cifar>
import json
import struct
import sys

import numpy as np
import torch
import torchvision

out, images, classes, architecture = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
torch.manual_seed(7)
model = torchvision.models.resnet18(num_classes=classes)
if architecture == "resnet18-cifar":
    model.conv1 = torch.nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = torch.nn.Identity()
with torch.no_grad():
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.weight.uniform_(0.5, 1.5)
            module.bias.uniform_(-0.2, 0.2)
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 2.0)
            module.num_batches_tracked.fill_(123)
model.eval()

state = model.state_dict()
header, blobs, offset = {}, [], 0
dtypes = {torch.float32: "F32", torch.int64: "I64"}
for name, tensor in state.items():
    blob = tensor.contiguous().numpy().tobytes()
    header[name] = {"dtype": dtypes[tensor.dtype], "shape": list(tensor.shape),
                    "data_offsets": [offset, offset + len(blob)]}
    blobs.append(blob)
    offset += len(blob)
encoded = json.dumps(header).encode()
encoded += b" " * (-len(encoded) % 8)
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))

pixels = np.fromfile(images, dtype=np.uint8).reshape(-1, 3, 32, 32).astype(np.float32) / 255
mean = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32).reshape(1, 3, 1, 1)
std = np.array([0.2023, 0.1994, 0.2010], dtype=np.float32).reshape(1, 3, 1, 1)
with torch.no_grad():
    probabilities = torch.softmax(model(torch.from_numpy((pixels - mean) / std)), dim=1)
print(json.dumps({"probabilities": probabilities.tolist()}))
