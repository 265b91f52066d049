#!/usr/bin/env python3
"""The seed recipe in plain PyTorch, as a cross-check of the service's (README, "Recipes"):
torchvision resnet18(num_classes=10), Adam(lr=0.01, weight_decay=1e-4), batch 256, shuffled,
no augmentation, evaluated in eval mode after every epoch.
Usage: seed_recipe.py <cifar10-binary folder> <train images> <test images> <epochs> <seed>
Prints: the seed and the test accuracy (%) after each epoch.
"""
import sys, numpy as np, torch, torch.nn.functional as F, torchvision
torch.set_num_threads(2)
D=sys.argv[1]; NTR=int(sys.argv[2]); NTE=int(sys.argv[3]); E=int(sys.argv[4]); seed=int(sys.argv[5])
torch.manual_seed(seed)
def load(files, n):
    raw=np.concatenate([np.fromfile(f'{D}/{f}',dtype=np.uint8).reshape(-1,3073) for f in files])[:n]
    return torch.tensor(raw[:,1:].reshape(-1,3,32,32)), torch.tensor(raw[:,0].astype(np.int64))
xtr,ytr=load([f'data_batch_{i}.bin' for i in range(1,6)],NTR); xte,yte=load(['test_batch.bin'],NTE)
mean=torch.tensor([0.4914,0.4822,0.4465]).view(1,3,1,1); std=torch.tensor([0.2023,0.1994,0.2010]).view(1,3,1,1)
norm=lambda x:(x.float()/255-mean)/std
m=torchvision.models.resnet18(num_classes=10)
opt=torch.optim.Adam(m.parameters(),lr=0.01,weight_decay=1e-4)
accs=[]
for e in range(E):
    m.train(); perm=torch.randperm(NTR)
    for b in range(0,NTR,256):
        idx=perm[b:b+256]; loss=F.cross_entropy(m(norm(xtr[idx])),ytr[idx]); opt.zero_grad(); loss.backward(); opt.step()
    m.eval()
    with torch.no_grad(): accs.append(round(100*float((m(norm(xte)).argmax(1)==yte).float().mean()),1))
print("seed", seed, accs)
