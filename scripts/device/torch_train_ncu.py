import torch, torchvision, torch.nn.functional as F
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = False
dev = torch.device("cuda")
torch.manual_seed(0)
model = torchvision.models.resnet50().to(dev).train()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
inp = torch.randn(64, 3, 224, 224, device=dev)
tgt = torch.randint(0, 1000, (64,), device=dev)
def step():
    opt.zero_grad()
    F.cross_entropy(model(inp), tgt).backward()
    opt.step()
for _ in range(3):
    step()
torch.cuda.synchronize()
torch.cuda.profiler.start()
step()
torch.cuda.synchronize()
torch.cuda.profiler.stop()
