#!/usr/bin/env python3
"""The numpy side of geometry-bench/compare.sh: writes the shared inputs, times the numpy
equivalent of each workload, checks the k-NN neighbour sets and prints the table.

Called by compare.sh; each sub-command prints machine-readable lines
  RESULT workload=<w> side=numpy key=value ...
that compare.sh collects together with the Java side's lines.

Thread limits (OMP_NUM_THREADS / OPENBLAS_NUM_THREADS) are set by compare.sh before this
process starts, because OpenBLAS reads them only when it is loaded.
"""
import argparse
import json
import os
import signal
import statistics
import sys
import time
import zipfile

import numpy as np

SEED = 20240601
K = 20

# Full sizes are the issue's; --quick sizes finish the whole script in well under two minutes.
SIZES = {
    "full": dict(kernel=(8192, 8192, 2560), cov=(151936, 2560), pairwise=(20000, 2560),
                 knn_full=(151936, 2560), knn_rows=None),
    "quick": dict(kernel=(1024, 1024, 512), cov=(16384, 384), pairwise=(3000, 384),
                  knn_full=(8192, 384), knn_rows=4000),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def blas_info():
    """The BLAS numpy runs and the kernel it chose (threadpoolctl, when installed)."""
    try:
        import threadpoolctl
        infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
                         f"kernel, {i.get('num_threads')} threads" for i in infos) or "unknown"
    except ImportError:
        return "unknown (pip install threadpoolctl to see the kernel)"


def result(workload, **kv):
    fields = " ".join(f"{k}={v}" for k, v in kv.items())
    print(f"RESULT workload={workload} side=numpy {fields}", flush=True)


def timed(fn, reps, warmup=1):
    """Runs fn warmup times untimed, then reps times timed; returns (last value, times)."""
    value = None
    for _ in range(warmup):
        value = fn()
        value = None  # free before the timed runs, they need the memory
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return value, times


def timing_fields(times):
    return dict(best_s=f"{min(times):.4f}", median_s=f"{statistics.median(times):.4f}",
                reps=len(times))


# ---------------------------------------------------------------- inputs

def structured_matrix(rng, n, d, out=None):
    """An n x d float32 cloud shaped like an embedding matrix: a non-zero mean, a few dominant
    directions (rank-8 part) and a decaying spectrum, so the leading PCs are well separated as in
    real vocabularies (an isotropic Gaussian would make top-k eigensolvers look artificially slow
    or fast)."""
    w = rng.standard_normal((n, d), dtype=np.float32) if out is None else out
    scale = (1.0 / np.sqrt(1.0 + np.arange(d, dtype=np.float32))).astype(np.float32) * 0.05
    w *= scale
    basis = rng.standard_normal((8, d), dtype=np.float32) * np.float32(0.02)
    strength = np.array([8, 6, 4, 3, 2, 1.5, 1.2, 1.0], dtype=np.float32)
    chunk = 16384
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        z = rng.standard_normal((e - s, 8), dtype=np.float32) * strength
        w[s:e] += z @ basis
    w += rng.standard_normal(d, dtype=np.float32) * np.float32(0.01)
    return w


def to_bf16_bits(w):
    """float32 -> bf16 bit patterns, round to nearest even (NaN-free input)."""
    out = np.empty(w.shape, dtype=np.uint16)
    chunk = 8192
    for s in range(0, w.shape[0], chunk):
        u = w[s:s + chunk].view(np.uint32)
        out[s:s + chunk] = ((u + np.uint32(0x7FFF) + ((u >> np.uint32(16)) & np.uint32(1)))
                            >> np.uint32(16)).astype(np.uint16)
    return out


def write_safetensors(path, tensors):
    """A safetensors file (format: 8-byte little-endian header length, a JSON header padded with
    spaces to a multiple of 8, then the tensors' little-endian bytes in header order).
    tensors: {name: (dtype name, array)}; uint16 arrays are stored as BF16 bit patterns."""
    header, offset = {}, 0
    for name, (dtype, arr) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + int(arr.nbytes)]}
        offset += int(arr.nbytes)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(np.uint64(len(hb)).tobytes())
        f.write(hb)
        for _, arr in tensors.values():
            np.ascontiguousarray(arr).tofile(f)


def save_f32(path, arr):
    write_safetensors(path, {"x": ("F32", arr.astype("<f4", copy=False))})


def load_f32(path):
    """Reads tensor "x" of a file written by save_f32 into memory."""
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(8), dtype="<u8")[0])
        info = json.loads(f.read(n))["x"]
    start, end = info["data_offsets"]
    mm = np.memmap(path, dtype="<f4", mode="r", offset=8 + n + start, shape=tuple(info["shape"]))
    return np.array(mm)


def read_varint(b, p):
    r = s = 0
    while True:
        c = b[p]
        p += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, p


def proto_fields(b, start, end):
    """Protobuf wire format: yields (field, wire type, value or (start, end) for bytes)."""
    p = start
    while p < end:
        key, p = read_varint(b, p)
        f, w = key >> 3, key & 7
        if w == 0:
            v, p = read_varint(b, p)
            yield f, w, v
        elif w == 1:
            yield f, w, None
            p += 8
        elif w == 5:
            yield f, w, None
            p += 4
        elif w == 2:
            n, p = read_varint(b, p)
            yield f, w, (p, p + n)
            p += n
        else:
            raise ValueError(f"unsupported protobuf wire type {w} at byte {p}")


def onnx_initializer(onnx_bytes, wanted):
    """Reads one float32 initializer (raw_data) from an ONNX ModelProto: model.graph (7) ->
    initializer (5) -> TensorProto dims (1), data_type (2), name (8), raw_data (9)."""
    b = memoryview(onnx_bytes)
    for f, _, v in proto_fields(b, 0, len(b)):
        if f != 7:
            continue
        for g, _, t in proto_fields(b, *v):
            if g != 5:
                continue
            dims, dtype, name, raw = [], None, None, None
            for h, w, x in proto_fields(b, *t):
                if h == 1 and w == 0:
                    dims.append(x)
                elif h == 1 and w == 2:  # packed dims
                    p, e = x
                    while p < e:
                        d, p = read_varint(b, p)
                        dims.append(d)
                elif h == 2:
                    dtype = x
                elif h == 8:
                    name = bytes(b[x[0]:x[1]]).decode()
                elif h == 9:
                    raw = x
            if name == wanted:
                if dtype != 1 or raw is None:
                    raise ValueError(f"{wanted}: expected float32 raw_data, data_type={dtype}")
                return np.frombuffer(b[raw[0]:raw[1]], dtype="<f4").reshape(dims).copy()
    raise KeyError(f"no initializer {wanted} in the ONNX model")


def gen(args):
    os.makedirs(args.data, exist_ok=True)
    size = SIZES[args.size]
    want = set(args.workloads)

    def path(name):
        return os.path.join(args.data, name)

    def need(name):
        if os.path.exists(path(name)):
            log(f"  {name}: exists, kept")
            return False
        log(f"  {name}: writing")
        return True

    if "kernel" in want and need("kernel_a.safetensors"):
        m, n, k = size["kernel"]
        rng = np.random.default_rng(SEED)
        save_f32(path("kernel_a.safetensors"), rng.standard_normal((m, k), dtype=np.float32))
        save_f32(path("kernel_b.safetensors"), rng.standard_normal((n, k), dtype=np.float32))
    if "knn" in want and need("minilm.safetensors"):
        with zipfile.ZipFile(args.jar) as z:
            x = onnx_initializer(z.read("all-minilm-l6-v2.onnx"), "embeddings.word_embeddings.weight")
        if size["knn_rows"]:
            x = x[: size["knn_rows"]].copy()
        save_f32(path("minilm.safetensors"), x)
    if want & {"cov", "pca"} and need("cov_w.safetensors"):
        n, d = size["cov"]
        save_f32(path("cov_w.safetensors"), structured_matrix(np.random.default_rng(SEED + 1), n, d))
    if "pairwise" in want and need("pairwise_x.safetensors"):
        n, d = size["pairwise"]
        rng = np.random.default_rng(SEED + 2)
        x = structured_matrix(rng, n, d)
        # Plant exact duplicates, as in notebook 1.4b (651,034 zero pairs among 20,373 tokens):
        # 10 groups of n/200 bitwise-identical rows.
        g = max(2, n // 200)
        for c in range(10):
            rows = rng.choice(n, size=g, replace=False)
            x[rows] = x[rows[0]]
        save_f32(path("pairwise_x.safetensors"), x)
    if "knn-full" in want and need("stream_w.safetensors"):
        n, d = size["knn_full"]
        w = structured_matrix(np.random.default_rng(SEED + 3), n, d)
        write_safetensors(path("stream_w.safetensors"), {"W": ("BF16", to_bf16_bits(w))})


# ---------------------------------------------------------------- workloads

def sq_distances_gemm(x, y):
    """The notebooks' GEMM trick, materialised: ||x||^2 + ||y||^2 - 2 x.y, clamped at 0, sqrt.

    For x is y, numpy's `x @ x.T` calls OpenBLAS's SYRK, and OpenBLAS 0.3.31 (numpy 2.4's wheel)
    segfaults in SYRK for N >= ~28,000 rows on AMD Zen 5. So the product is always a GEMM, on a
    contiguous copy of the transpose: the fastest form that does not crash (BENCHMARKS.md)."""
    d = x @ np.ascontiguousarray(y.T)
    d *= -2
    d += np.einsum("ij,ij->i", x, x)[:, None]
    d += np.einsum("ij,ij->i", y, y)[None, :]
    np.maximum(d, 0, out=d)
    np.sqrt(d, out=d)
    return d


def run_kernel(args):
    a = load_f32(os.path.join(args.data, "kernel_a.safetensors"))
    b = load_f32(os.path.join(args.data, "kernel_b.safetensors"))
    _, times = timed(lambda: a @ b.T, args.reps)
    flop = 2.0 * a.shape[0] * b.shape[0] * a.shape[1]
    result("kernel", shape=f"{a.shape[0]}x{b.shape[0]}x{a.shape[1]}",
           gflops=f"{flop / min(times) / 1e9:.2f}", **timing_fields(times))


def knn_numpy(x, k):
    """Materialise all N x N distances, then np.argpartition per row block (as the notebooks
    do); neighbours sorted by (distance, index). Self is excluded by index."""
    d = sq_distances_gemm(x, x)
    np.fill_diagonal(d, np.inf)
    n = x.shape[0]
    ids = np.empty((n, k), dtype=np.int32)
    block = 1024
    for s in range(0, n, block):
        e = min(n, s + block)
        part = np.argpartition(d[s:e], k - 1, axis=1)[:, :k]
        dist = np.take_along_axis(d[s:e], part, axis=1)
        order = np.lexsort((part, dist), axis=1)
        ids[s:e] = np.take_along_axis(part, order, axis=1)
    return ids


def run_knn(args):
    x = load_f32(os.path.join(args.data, "minilm.safetensors"))
    ids, times = timed(lambda: knn_numpy(x, K), args.reps)
    np.save(os.path.join(args.data, "knn_numpy_ids.npy"), ids)
    result("knn", shape=f"{x.shape[0]}x{x.shape[1]}", k=K, **timing_fields(times))


def cov_numpy(w):
    mu = w.mean(axis=0, dtype=np.float64).astype(np.float32)
    wc = w - mu
    c = wc.T @ wc
    c /= w.shape[0]
    return c


def run_cov(args):
    w = load_f32(os.path.join(args.data, "cov_w.safetensors"))
    _, times = timed(lambda: cov_numpy(w), args.reps)
    n, d = w.shape
    result("cov", shape=f"{n}x{d}", gflops=f"{n * d * d / min(times) / 1e9:.2f}",
           **timing_fields(times))


def pca_numpy(w):
    # eigh on the float32 covariance, as the notebooks do (torch.linalg.eigh on float32 cov).
    lam, vec = np.linalg.eigh(cov_numpy(w))
    lam, vec = lam[::-1], vec[:, ::-1]
    pr = lam.sum(dtype=np.float64) ** 2 / np.square(lam, dtype=np.float64).sum()
    return lam, vec, pr


def run_pca(args):
    w = load_f32(os.path.join(args.data, "cov_w.safetensors"))
    (lam, _, pr), times = timed(lambda: pca_numpy(w), args.reps)
    result("pca", shape=f"{w.shape[0]}x{w.shape[1]}", pr=f"{pr:.6f}",
           lambda1=f"{lam[0]:.8g}", lambda2=f"{lam[1]:.8g}", lambda3=f"{lam[2]:.8g}",
           **timing_fields(times))
    del w
    run_eigh(args)


def run_eigh(args):
    """np.linalg.eigh (LAPACK dsyevd) on the float64 covariance the Java side wrote, and our
    leading eigenpairs against LAPACK's: eigenvalues relative to themselves, eigenvectors as
    1 - |cos| of the angle (ours are unit length, so are LAPACK's)."""
    cov_path = os.path.join(args.data, "eigh_cov.f64")
    if not os.path.exists(cov_path):
        log("  eigh: no eigh_cov.f64 from the Java side, skipped")
        return
    c = np.fromfile(cov_path, dtype="<f8")
    d = int(round(np.sqrt(c.size)))
    c = c.reshape(d, d)
    (lam, vec), times = timed(lambda: np.linalg.eigh(c), args.reps)
    result("eigh", shape=f"{d}x{d}", **timing_fields(times))
    top_path = os.path.join(args.data, "eigh_java_top.f64")
    if os.path.exists(top_path):
        java = np.fromfile(top_path, dtype="<f8")
        k = java.size // (d + 1)
        jl, jv = java[:k], java[k:].reshape(d, k)
        ll, lv = lam[::-1][:k], vec[:, ::-1][:, :k]
        gaps = np.abs(np.diff(lam[::-1][:k + 1]))
        result("eigh-check", top=k,
               max_rel_value=f"{np.max(np.abs(jl - ll) / np.abs(ll)):.2e}",
               max_value_vs_lambda1=f"{np.max(np.abs(jl - ll)) / abs(ll[0]):.2e}",
               max_1mcos=f"{np.max(1 - np.abs(np.sum(jv * lv, axis=0))):.2e}",
               min_rel_gap=f"{np.min(gaps) / abs(ll[0]):.2e}")


def pairwise_numpy(x):
    d = sq_distances_gemm(x, x)
    n = x.shape[0]
    vals = np.empty(n * (n - 1) // 2, dtype=np.float32)
    o = 0
    for i in range(n - 1):
        vals[o:o + n - 1 - i] = d[i, i + 1:]
        o += n - 1 - i
    del d
    stats = dict(count=vals.size, min=float(vals.min()), max=float(vals.max()),
                 mean=float(vals.sum(dtype=np.float64) / vals.size),
                 zeros=int(vals.size - np.count_nonzero(vals)))
    stats["median"] = float(np.median(vals, overwrite_input=True))
    return stats


def run_pairwise(args):
    x = load_f32(os.path.join(args.data, "pairwise_x.safetensors"))
    s, times = timed(lambda: pairwise_numpy(x), args.reps)
    # Untimed ground truth for the zero count: pairs of bitwise-identical rows.
    _, counts = np.unique(x.view(np.uint32), axis=0, return_counts=True)
    true_zeros = int((counts.astype(np.int64) * (counts - 1) // 2).sum())
    result("pairwise", shape=f"{x.shape[0]}x{x.shape[1]}", count=s["count"],
           min=f"{s['min']:.6g}", median=f"{s['median']:.7g}", mean=f"{s['mean']:.7g}",
           max=f"{s['max']:.7g}", zeros=s["zeros"], identical_pairs=true_zeros,
           **timing_fields(times))


def check_knn(args):
    """Compares the Java neighbour ids (raw little-endian int32, N x K) with numpy's, as sets per
    row. A differing row is a near-tie when the float64 distances of the ids in the symmetric
    difference lie within float32 rounding (1e-5 relative) of the k-th neighbour's distance."""
    x = load_f32(os.path.join(args.data, "minilm.safetensors"))
    n = x.shape[0]
    ours = np.fromfile(os.path.join(args.data, "knn_java_ids.i32"), dtype="<i4").reshape(n, K)
    theirs = np.load(os.path.join(args.data, "knn_numpy_ids.npy"))
    same = np.all(np.sort(ours, axis=1) == np.sort(theirs, axis=1), axis=1)
    differ = np.flatnonzero(~same)
    near_ties = 0
    x64 = x.astype(np.float64)
    for i in differ:
        union = np.union1d(ours[i], theirs[i])
        dist = np.sqrt(((x64[union] - x64[i]) ** 2).sum(axis=1))
        kth = np.sort(dist)[K - 1]
        sym = np.setxor1d(ours[i], theirs[i])
        dsym = np.sqrt(((x64[sym] - x64[i]) ** 2).sum(axis=1))
        if np.all(np.abs(dsym - kth) <= 1e-5 * max(kth, 1e-30)):
            near_ties += 1
    result("knn-check", rows=n, identical_rows=int(same.sum()), differing_rows=differ.size,
           differing_near_ties=near_ties, identical="yes" if differ.size == 0 else "no")


# ---------------------------------------------------------------- table

TARGETS = {
    # workload: (how the ratio is formed, target text, pass test on ratio); the targets of BENCHMARKS.md
    "kernel": ("ours/numpy GFLOP/s", ">= 0.95", lambda r: r >= 0.95),
    "knn": ("numpy/ours time", ">= 8", lambda r: r >= 8),
    "cov": ("ours/numpy time", "<= 1.0", lambda r: r <= 1.0),
    "pca-top3": ("ours/numpy time", "<= 1.0", lambda r: r <= 1.0),
    "pca-full": ("ours/numpy time", "<= 1.3", lambda r: r <= 1.3),
    "eigh": ("ours/numpy time", "<= 1.5", lambda r: r <= 1.5),
    "pairwise": ("ours/numpy time", "<= 0.5", lambda r: r <= 0.5),
}


def side_text(row):
    """'crashed (signal 11)' / 'failed (exit 1)' for a side that died, else None."""
    if row is None or "status" not in row:
        return None
    if row["status"] == "crashed":
        return f"crashed (signal {row.get('signal', '?')})"
    return f"failed (exit {row.get('exit', '?')})"


def table(args):
    rows = {}
    calibration = []
    for line in open(args.results):
        if line.startswith("CALIBRATION "):
            calibration.append("    " + line[len("CALIBRATION "):].rstrip())
        if not line.startswith("RESULT "):
            continue
        kv = dict(p.split("=", 1) for p in line.split()[1:])
        rows[(kv["workload"], kv["side"])] = kv
    out = ["| workload | size | ours (s) | numpy (s) | ratio | target | met |",
           "| --- | --- | ---: | ---: | --- | --- | --- |"]
    for w in ["kernel", "knn", "cov", "pca-top3", "pca-full", "eigh", "pairwise", "knn-full"]:
        ours = rows.get((w, "java"))
        np_key = "pca" if w.startswith("pca") else w
        theirs = rows.get((np_key, "numpy"))
        if w.startswith("pca") and ours is None and rows.get(("pca", "java")):
            ours = rows.get(("pca", "java"))  # our side died before it printed either PCA row
        if ours is None and theirs is None:
            continue
        dead_ours, dead_np = side_text(ours), side_text(theirs)
        t_ours = float(ours["best_s"]) if ours and not dead_ours else None
        t_np = float(theirs["best_s"]) if theirs and not dead_np else None
        size = (ours or {}).get("shape") or (theirs or {}).get("shape", "")
        ratio_txt, target, met = "", "", ""
        if w in TARGETS:
            how, target, ok = TARGETS[w]
            if t_ours and t_np:
                if w == "kernel":
                    r = float(ours["gflops"]) / float(theirs["gflops"])
                elif how.startswith("numpy/ours"):
                    r = t_np / t_ours
                else:
                    r = t_ours / t_np
                ratio_txt = f"{r:.2f} ({how})"
                met = "yes" if ok(r) else "NO"
            else:
                met = "not measured"
        elif w == "knn-full" and t_ours:
            whole = ours.get("queries") == size.split("x")[0]
            r = float(ours["overhead"])
            ratio_txt = (f"{r:.3f} (k-NN / bare GEMM: {ours['bare_gemm_s']} s of "
                         f"{float(ours['gemm_tflop']):.1f} TFLOP at the kernel's measured "
                         f"{ours['kernel_gflops']} GFLOP/s); {ours['gflops']} GFLOP/s effective; "
                         f"bf16 load {ours.get('load_s', '?')} s")
            if not whole:
                ratio_txt += (f"; only {ours['queries']} query rows (general path, no symmetric "
                              "saving; nothing extrapolated)")
            target = "<= 1.15"
            met = "yes" if r <= 1.15 else "NO"
        extra = ""
        if w == "kernel" and t_ours and t_np:
            extra = f" [{ours['gflops']} vs {theirs['gflops']} GFLOP/s]"
        if w in ("knn", "pairwise") and t_ours and "overhead" in ours:
            extra += (f" [ours / bare GEMM {ours['overhead']}: {ours['bare_gemm_s']} s at the "
                      f"kernel's {ours['kernel_gflops']} GFLOP/s; target <= 1.15]")
        fmt = lambda t, dead: dead if dead else (f"{t:.3f}" if t is not None else "-")
        out.append(f"| {w} | {size} | {fmt(t_ours, dead_ours)} | {fmt(t_np, dead_np)} | "
                   f"{ratio_txt}{extra} | {target} | {met} |")
    chk = rows.get(("knn-check", "numpy"))
    if chk and not side_text(chk):
        out.append("")
        out.append(f"k-NN neighbour sets: {chk['identical_rows']}/{chk['rows']} rows identical; "
                   f"{chk['differing_rows']} differ, of which {chk['differing_near_ties']} are "
                   "near-ties within float32 rounding.")
    pcas = [(name, rows.get(key)) for name, key in
            (("ours top-3", ("pca-top3", "java")), ("ours full", ("pca-full", "java")),
             ("numpy", ("pca", "numpy")))]
    if any(r for _, r in pcas):
        out.append("")
        out.append("PCA check: " + "; ".join(
            f"{name}: PR {r['pr']}, lambda1-3 {r['lambda1']} {r['lambda2']} {r['lambda3']}"
            for name, r in pcas if r and not side_text(r)))
    chk = rows.get(("eigh-check", "numpy"))
    if chk:
        out.append("")
        out.append(f"eigh check (ours vs LAPACK dsyevd, same float64 matrix, top {chk['top']}): "
                   f"eigenvalues max relative difference {chk['max_rel_value']} "
                   f"({chk['max_value_vs_lambda1']} of lambda1), eigenvectors max 1 - |cos| "
                   f"{chk['max_1mcos']} (smallest gap {chk['min_rel_gap']} of lambda1).")
    for w in ("pairwise",):
        a, b = rows.get((w, "java")), rows.get((w, "numpy"))
        if a and b and not side_text(a) and not side_text(b):
            out.append("")
            out.append("pairwise statistics (ours | numpy): " + ", ".join(
                f"{k} {a.get(k, '?')} | {b.get(k, '?')}"
                for k in ("count", "min", "median", "mean", "max", "zeros"))
                + f"; pairs of bitwise-identical rows: {b.get('identical_pairs', '?')}")
    if calibration:
        out.append("")
        out.append("Our CPU kernel, as calibrated in the benchmark's JVM settings:")
        out.extend(calibration)
    print("\n".join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--data", required=True)
    g.add_argument("--size", choices=SIZES, default="full")
    g.add_argument("--jar", required=True, help="benchmarks.jar (holds the MiniLM ONNX model)")
    g.add_argument("workloads", nargs="+")
    for name in ("kernel", "knn", "cov", "pca", "pairwise"):
        r = sub.add_parser(name)
        r.add_argument("--data", required=True)
        r.add_argument("--reps", type=int, default=3)
    c = sub.add_parser("check-knn")
    c.add_argument("--data", required=True)
    t = sub.add_parser("table")
    t.add_argument("results")
    args = p.parse_args()
    if os.environ.get("COMPARE_PY_CRASH"):
        # compare.sh's COMPARE_CRASH test hook: die the way OpenBLAS's SYRK does on Zen 5.
        os.kill(os.getpid(), signal.SIGSEGV)
    if args.cmd in ("kernel", "knn", "cov", "pca", "pairwise"):
        print(f"# numpy side: numpy {np.__version__}, BLAS {blas_info()}", flush=True)
    {"gen": gen, "kernel": run_kernel, "knn": run_knn, "cov": run_cov, "pca": run_pca,
     "pairwise": run_pairwise, "check-knn": check_knn, "table": table}[args.cmd](args)


if __name__ == "__main__":
    main()
