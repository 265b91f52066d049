"""CIFAR-10 binary batches as uint8 tensors, and the seed recipe's normalisation: shared by the
PyTorch cross-check scripts (seed_recipe.py, fast_recipe.py)."""
import numpy as np, torch

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2023, 0.1994, 0.2010]).view(1, 3, 1, 1)


def load(folder, train_count, test_count):
    """(train images, train labels, test images, test labels): the first records of each split."""
    def read(files, n):
        raw = np.concatenate([np.fromfile(f'{folder}/{f}', dtype=np.uint8).reshape(-1, 3073) for f in files])[:n]
        return torch.tensor(raw[:, 1:].reshape(-1, 3, 32, 32)), torch.tensor(raw[:, 0].astype(np.int64))
    return (*read([f'data_batch_{i}.bin' for i in range(1, 6)], train_count), *read(['test_batch.bin'], test_count))


def norm(x):
    return (x.float() / 255 - MEAN) / STD
