#!/usr/bin/env python3
"""The fast recipe in plain PyTorch, as a cross-check of the service's own (docs/recipes.md):
CIFAR-stem torchvision resnet18, SGD Nesterov momentum 0.9, weight decay 5e-4, one-cycle with a
linear warm-up, per-image crop (padding 4) + flip, label smoothing 0.1, flip TTA.
Usage: fast_recipe.py <cifar10-binary folder> <train images> <test images> <peak lr> <batch> <epochs> <warm-up epochs>
Prints: epoch, mean train loss, test accuracy.
"""
import sys, torch, torch.nn as nn, torch.nn.functional as F, torchvision
from cifar_binary import load, norm
torch.set_num_threads(2); torch.manual_seed(0)
D=sys.argv[1]; NTR=int(sys.argv[2]); NTE=int(sys.argv[3])
xtr,ytr,xte,yte=load(D,NTR,NTE)
m=torchvision.models.resnet18(num_classes=10); m.conv1=nn.Conv2d(3,64,3,1,1,bias=False); m.maxpool=nn.Identity()
lr, bs, E, W = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
opt=torch.optim.SGD(m.parameters(),lr=lr,momentum=0.9,nesterov=True,weight_decay=5e-4)
spe=(NTR+bs-1)//bs; T=E*spe; Ws=round(W*spe)
def sched(s): return lr*(s+1)/Ws if s<Ws else lr*(1-min(1,(s-Ws)/max(1,T-Ws)))
g=torch.Generator().manual_seed(0); step=0
for e in range(E):
    m.train(); perm=torch.randperm(NTR,generator=g); tot=0
    for b in range(spe):
        idx=perm[b*bs:(b+1)*bs]; x=F.pad(xtr[idx],(4,4,4,4)); n=len(idx)
        dx=torch.randint(0,9,(n,),generator=g); dy=torch.randint(0,9,(n,),generator=g); fl=torch.rand(n,generator=g)<0.5
        x=torch.stack([x[i,:,dy[i]:dy[i]+32,dx[i]:dx[i]+32] for i in range(n)]); x[fl]=x[fl].flip(3)
        for gr in opt.param_groups: gr['lr']=sched(step)
        loss=F.cross_entropy(m(norm(x)),ytr[idx],label_smoothing=0.1); opt.zero_grad(); loss.backward(); opt.step(); step+=1; tot+=loss.item()
    m.eval()
    with torch.no_grad():
        p=(F.softmax(m(norm(xte)),1)+F.softmax(m(norm(xte).flip(3)),1))/2
    print(e+1, round(tot/spe,3), float((p.argmax(1)==yte).float().mean()), flush=True)
