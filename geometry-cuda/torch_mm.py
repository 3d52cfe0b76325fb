#!/usr/bin/env python3
"""Times torch.mm in FP32 (TF32 off) for the distance-block shape, on the same GPU as gpu-check.sh.

Prints torch_mm_seconds=<best of 3 after warm-up> for one (m x k) @ (k x n) product, the work of one
distance block 16,384 x 151,936 x 2,560 by default. Usage: torch_mm.py [m n k]
"""
import sys

import torch

m, n, k = (int(a) for a in sys.argv[1:4]) if len(sys.argv) >= 4 else (16384, 151936, 2560)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
g = torch.Generator(device="cuda").manual_seed(7)
b = torch.randn(n, k, device="cuda", generator=g, dtype=torch.float32) * 0.02
a = b[:m]
out = torch.empty(m, n, device="cuda", dtype=torch.float32)
best = float("inf")
for rep in range(4):
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    start.record()
    torch.mm(a, b.t(), out=out)
    end.record()
    torch.cuda.synchronize()
    if rep > 0:
        best = min(best, start.elapsed_time(end) / 1000.0)
print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}, {m} x {n} x {k}")
print(f"torch_mm_seconds={best:.6f}")
print(f"torch_mm_tflops={2.0 * m * n * k / best / 1e12:.2f}")
