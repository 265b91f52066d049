#!/usr/bin/env python3
"""The seed recipe in plain PyTorch, as a cross-check of the service's (docs/recipes.md):
torchvision resnet18(num_classes=10), Adam(lr=0.01, weight_decay=1e-4), batch 256, shuffled,
no augmentation, evaluated in eval mode after every epoch.
Usage: seed_recipe.py <cifar10-binary folder> <train images> <test images> <epochs> <seed>
Prints: the seed and the test accuracy (%) after each epoch.
"""
import sys, torch, torch.nn.functional as F, torchvision
from cifar_binary import load, norm
torch.set_num_threads(2)
D=sys.argv[1]; NTR=int(sys.argv[2]); NTE=int(sys.argv[3]); E=int(sys.argv[4]); seed=int(sys.argv[5])
torch.manual_seed(seed)
xtr,ytr,xte,yte=load(D,NTR,NTE)
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
