# Loads a safetensors export into torchvision's resnet18 in strict mode and prints the class
# probabilities of the images in a file of 32x32 CHW uint8 records, normalised with the mean and std
# of the file's metadata. Reads safetensors with the standard library and numpy (Debian has no
# python3-safetensors): an 8-byte length, a JSON header, the tensors' bytes.
import json
import struct
import sys

import numpy as np
import torch
import torchvision


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__")
    base = 8 + length
    dtypes = {"F32": np.float32, "I64": np.int64}
    state = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        array = np.frombuffer(data[base + start:base + end], dtype=dtypes[entry["dtype"]])
        state[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return state, metadata


state, metadata = load(sys.argv[1])
model = torchvision.models.resnet18(num_classes=int(metadata["num_classes"]))
if metadata["architecture"] == "resnet18-cifar":
    model.conv1 = torch.nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = torch.nn.Identity()
model.load_state_dict(state, strict=True)
model.eval()
pixels = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(-1, 3, 32, 32).astype(np.float32) / 255
mean = np.array(json.loads(metadata["mean"]), dtype=np.float32).reshape(1, 3, 1, 1)
std = np.array(json.loads(metadata["std"]), dtype=np.float32).reshape(1, 3, 1, 1)
with torch.no_grad():
    probabilities = torch.softmax(model(torch.from_numpy((pixels - mean) / std)), dim=1)
print(json.dumps({"keys": len(state), "classes": json.loads(metadata["classes"]),
                  "probabilities": probabilities.tolist()}))
