// Device kernels of the embedding-geometry CUDA backend.
//
// Compiled to PTX for the virtual architecture compute_75 by build-ptx.sh and shipped as a class-path
// resource; the driver JIT-compiles it for the GPU at hand (cuModuleLoadData), so one artifact runs on
// every GPU from Turing on and on every driver from CUDA 12.0 on.
//
// Layout conventions: all matrices are row-major float32 with an explicit leading dimension (ld, in
// elements). "Rows" are embedding rows (one token each), "dim" is d.
//
// Determinism: every reduction below runs in an order that depends only on the shape, never on the
// position of the output element, so bitwise-equal rows get bitwise-equal results (docs/definitions.md, exactness contract, rule 5).

#include <cuda_runtime.h>
#include <math_constants.h>
#include <stdint.h>

// ---------------------------------------------------------------------------------------------
// Squared row norms, accumulated in double (one warp per row), rounded once to float.
// ---------------------------------------------------------------------------------------------

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Also writes 1/|row| (0 for a zero row) for the cosine epilogue; both as the CPU backend's Operand.
extern "C" __global__ void row_sq_norms(const float* __restrict__ x, int rows, int dim, int ld,
                                        float* __restrict__ sq, float* __restrict__ inv) {
  int warp = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  int lane = threadIdx.x & 31;
  if (warp >= rows) return;
  const float* r = x + (size_t)warp * ld;
  double s = 0.0;
  for (int c = lane; c < dim; c += 32) {
    double v = r[c];
    s = fma(v, v, s);
  }
  s = warp_sum(s);
  if (lane == 0) {
    sq[warp] = (float)s;
    inv[warp] = s == 0.0 ? 0.f : (float)(1.0 / sqrt(s));
  }
}

// ---------------------------------------------------------------------------------------------
// C = A * B^T for row-major A (m x k) and B (n x k): the shape of a Gram block between two row sets.
// Shared-memory tiled (128 x 128 x 8), register-blocked 8 x 8 per thread, 256 threads, double-buffered
// shared memory with the next tile prefetched into registers. Every C element is the same ordered FMA
// chain over k = 0..K-1, independent of its tile, which keeps duplicates' Gram values identical.
// ---------------------------------------------------------------------------------------------

#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8

// Loads the four k-consecutive values a thread owns of a BM x BK (or BN x BK) tile.
template <bool VEC>
__device__ __forceinline__ float4 load_quad(const float* __restrict__ x, int rows, int k, int ld,
                                            int row0, int k0, int tid) {
  int r = row0 + (tid >> 1);
  int c = k0 + ((tid & 1) << 2);
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (r >= rows) return v;
  const float* p = x + (size_t)r * ld + c;
  if (VEC) {
    // VEC: k % 4 == 0, ld % 4 == 0 and 16-byte aligned base, checked by the host.
    if (c < k) v = *reinterpret_cast<const float4*>(p);
  } else {
    if (c < k) v.x = p[0];
    if (c + 1 < k) v.y = p[1];
    if (c + 2 < k) v.z = p[2];
    if (c + 3 < k) v.w = p[3];
  }
  return v;
}

__device__ __forceinline__ void store_quad(float (*s)[BM], float4 v, int tid) {
  int r = tid >> 1;
  int c = (tid & 1) << 2;
  s[c + 0][r] = v.x;
  s[c + 1][r] = v.y;
  s[c + 2][r] = v.z;
  s[c + 3][r] = v.w;
}

template <bool VEC>
__device__ __forceinline__ void sgemm_abt_body(int m, int n, int k, const float* __restrict__ a,
                                               int lda, const float* __restrict__ b, int ldb,
                                               float* __restrict__ c, int ldc) {
  __shared__ __align__(16) float as[2][BK][BM];
  __shared__ __align__(16) float bs[2][BK][BN];
  const int tid = threadIdx.x;
  const int m0 = blockIdx.y * BM;
  const int n0 = blockIdx.x * BN;
  const int tr = (tid >> 4) * TM;
  const int tc = (tid & 15) * TN;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  float4 ra = load_quad<VEC>(a, m, k, lda, m0, 0, tid);
  float4 rb = load_quad<VEC>(b, n, k, ldb, n0, 0, tid);
  store_quad(as[0], ra, tid);
  store_quad(bs[0], rb, tid);
  __syncthreads();

  int buf = 0;
  for (int k0 = 0; k0 < k; k0 += BK) {
    const bool more = k0 + BK < k;
    if (more) {
      ra = load_quad<VEC>(a, m, k, lda, m0, k0 + BK, tid);
      rb = load_quad<VEC>(b, n, k, ldb, n0, k0 + BK, tid);
    }
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float av[TM], bv[TN];
      float4 a0 = *reinterpret_cast<const float4*>(&as[buf][kk][tr]);
      float4 a1 = *reinterpret_cast<const float4*>(&as[buf][kk][tr + 4]);
      float4 b0 = *reinterpret_cast<const float4*>(&bs[buf][kk][tc]);
      float4 b1 = *reinterpret_cast<const float4*>(&bs[buf][kk][tc + 4]);
      av[0] = a0.x; av[1] = a0.y; av[2] = a0.z; av[3] = a0.w;
      av[4] = a1.x; av[5] = a1.y; av[6] = a1.z; av[7] = a1.w;
      bv[0] = b0.x; bv[1] = b0.y; bv[2] = b0.z; bv[3] = b0.w;
      bv[4] = b1.x; bv[5] = b1.y; bv[6] = b1.z; bv[7] = b1.w;
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    if (more) {
      // The other buffer was last read before the previous barrier, so it is free to overwrite.
      store_quad(as[buf ^ 1], ra, tid);
      store_quad(bs[buf ^ 1], rb, tid);
    }
    __syncthreads();
    buf ^= 1;
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    int r = m0 + tr + i;
    if (r >= m) break;
    float* crow = c + (size_t)r * ldc;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      int col = n0 + tc + j;
      if (col < n) crow[col] = acc[i][j];
    }
  }
}

extern "C" __global__ void __launch_bounds__(256) sgemm_abt(int m, int n, int k, const float* a,
                                                            int lda, const float* b, int ldb,
                                                            float* c, int ldc) {
  sgemm_abt_body<false>(m, n, k, a, lda, b, ldb, c, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_abt_vec4(int m, int n, int k,
                                                                 const float* a, int lda,
                                                                 const float* b, int ldb, float* c,
                                                                 int ldc) {
  sgemm_abt_body<true>(m, n, k, a, lda, b, ldb, c, ldc);
}

// ---------------------------------------------------------------------------------------------
// Distance epilogue: turns a Gram block G (rows x cols, in place) into distances with the rule of
// the CPU backend (geometry-core internal/cpu/DistanceEngine), so both backends refine the same pairs:
//   euclidean: v = (|q|^2 + |b|^2) - 2 g; if !(v > refine |q|^2 + refine |b|^2) the distance is
//              sqrt(sum (q_i - b_i)^2) recomputed directly in double (exactly 0 for bitwise-equal
//              rows, NaN from overflow also lands here), else sqrt(v).
//   cosine:    d = 1 - clamp(g * (1/|q| * 1/|b|), -1, 1); if !(d > refine) recomputed in double:
//              1 for a zero row, exactly 0 for bitwise-equal rows, else 1 - clamp(cos).
// The __f*_rn intrinsics keep nvcc from contracting the float steps into FMAs, which would round
// differently from the CPU's separate multiply and add.
// Self pairs (equal vocabulary id, only when ids are given) become +inf so top-k skips them.
// ---------------------------------------------------------------------------------------------

__device__ __forceinline__ double direct_sq(const float* __restrict__ p, const float* __restrict__ q,
                                            int dim) {
  double s = 0.0;
  for (int i = 0; i < dim; ++i) {
    double t = (double)p[i] - (double)q[i];
    s = __dadd_rn(s, __dmul_rn(t, t));
  }
  return s;
}

__device__ __forceinline__ float direct_cosine(const float* __restrict__ p,
                                               const float* __restrict__ q, int dim) {
  double dot = 0.0, np = 0.0, nq = 0.0;
  bool equal = true;
  for (int i = 0; i < dim; ++i) {
    float a = p[i];
    float b = q[i];
    equal &= __float_as_int(a) == __float_as_int(b);
    dot = __dadd_rn(dot, __dmul_rn((double)a, (double)b));
    np = __dadd_rn(np, __dmul_rn((double)a, (double)a));
    nq = __dadd_rn(nq, __dmul_rn((double)b, (double)b));
  }
  if (np == 0.0 || nq == 0.0) return 1.f;
  if (equal) return 0.f;
  double sim = dot / (sqrt(np) * sqrt(nq));
  sim = fmin(1.0, fmax(-1.0, sim));
  return (float)(1.0 - sim);
}

__device__ __forceinline__ float pair_distance(float g, float na, float nb, float ia, float ib,
                                               const float* __restrict__ qr,
                                               const float* __restrict__ br, int dim, int cosine,
                                               float refine) {
  if (cosine) {
    float sim = __fmul_rn(g, __fmul_rn(ia, ib));
    float d = __fsub_rn(1.f, fminf(1.f, fmaxf(-1.f, sim)));
    if (!(d > refine)) d = direct_cosine(qr, br, dim);
    return d;
  }
  float v = __fsub_rn(__fadd_rn(na, nb), __fmul_rn(2.f, g));
  if (!(v > __fadd_rn(__fmul_rn(refine, na), __fmul_rn(refine, nb)))) {
    return (float)sqrt(direct_sq(qr, br, dim));
  }
  return sqrtf(v);
}

extern "C" __global__ void dist_epilogue(float* __restrict__ g, int rows, int cols, int ldg,
                                         const float* __restrict__ qsq,
                                         const float* __restrict__ qinv,
                                         const float* __restrict__ bsq,
                                         const float* __restrict__ binv,
                                         const float* __restrict__ q, int ldq,
                                         const float* __restrict__ b, int ldb, int dim,
                                         const int* __restrict__ qid,
                                         const int* __restrict__ bid, int cosine, float refine) {
  int col = blockIdx.x * blockDim.x + threadIdx.x;
  if (col >= cols) return;
  for (int row = blockIdx.y; row < rows; row += gridDim.y) {
    float* gp = g + (size_t)row * ldg + col;
    float d;
    if (qid != nullptr && qid[row] == bid[col]) {
      d = CUDART_INF_F;
    } else {
      d = pair_distance(*gp, qsq[row], bsq[col], qinv[row], binv[col], q + (size_t)row * ldq,
                        b + (size_t)col * ldb, dim, cosine, refine);
    }
    *gp = d;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-row top-k of a distance block, merged into a running list (values ascending, ties by lower
// index). One block of TOPK_THREADS threads per row; each thread keeps a sorted private list of its
// strided share, then k rounds of a block-wide arg-min pop the global order. k <= TOPK_MAX.
// Empty slots hold (+inf, -1).
// ---------------------------------------------------------------------------------------------

#define TOPK_MAX 128
#define TOPK_THREADS 128

__device__ __forceinline__ bool before(float v, int i, float w, int j) {
  // -1 marks an empty slot: it sorts after every real entry.
  if (v != w) return v < w;
  if (i < 0) return false;
  if (j < 0) return true;
  return i < j;
}

__device__ __forceinline__ void push(float* lv, int* li, int& cnt, int k, float v, int i) {
  if (cnt == k && !before(v, i, lv[k - 1], li[k - 1])) return;
  int p = cnt < k ? cnt++ : k - 1;
  while (p > 0 && before(v, i, lv[p - 1], li[p - 1])) {
    lv[p] = lv[p - 1];
    li[p] = li[p - 1];
    --p;
  }
  lv[p] = v;
  li[p] = i;
}

extern "C" __global__ void __launch_bounds__(TOPK_THREADS)
    topk_merge(const float* __restrict__ d, int rows, int cols, int ldd, int colOffset, int k,
               float* __restrict__ bestVal, int* __restrict__ bestIdx, int merge) {
  int row = blockIdx.x;
  if (row >= rows) return;
  int tid = threadIdx.x;
  float lv[TOPK_MAX];
  int li[TOPK_MAX];
  int cnt = 0;
  float* bv = bestVal + (size_t)row * k;
  int* bi = bestIdx + (size_t)row * k;
  if (merge) {
    for (int j = tid; j < k; j += TOPK_THREADS) {
      if (bi[j] >= 0) push(lv, li, cnt, k, bv[j], bi[j]);
    }
  }
  const float* dr = d + (size_t)row * ldd;
  for (int j = tid; j < cols; j += TOPK_THREADS) push(lv, li, cnt, k, dr[j], colOffset + j);

  __shared__ float sv[TOPK_THREADS / 32];
  __shared__ int si[TOPK_THREADS / 32];
  __shared__ int st[TOPK_THREADS / 32];
  __shared__ int winner;
  int head = 0;
  int lane = tid & 31;
  int w = tid >> 5;
  __syncthreads();  // everyone has read the old list before it is overwritten
  for (int r = 0; r < k; ++r) {
    float v = head < cnt ? lv[head] : CUDART_INF_F;
    int i = head < cnt ? li[head] : -1;
    int t = tid;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      float v2 = __shfl_xor_sync(0xffffffffu, v, o);
      int i2 = __shfl_xor_sync(0xffffffffu, i, o);
      int t2 = __shfl_xor_sync(0xffffffffu, t, o);
      if (before(v2, i2, v, i) || (v2 == v && i2 == i && t2 < t)) {
        v = v2;
        i = i2;
        t = t2;
      }
    }
    if (lane == 0) {
      sv[w] = v;
      si[w] = i;
      st[w] = t;
    }
    __syncthreads();
    if (tid == 0) {
      float bvv = sv[0];
      int bii = si[0];
      int btt = st[0];
      for (int x = 1; x < TOPK_THREADS / 32; ++x) {
        if (before(sv[x], si[x], bvv, bii)) {
          bvv = sv[x];
          bii = si[x];
          btt = st[x];
        }
      }
      bv[r] = bvv;
      bi[r] = bii;
      winner = bii < 0 ? -1 : btt;
    }
    __syncthreads();
    if (tid == winner) ++head;
    __syncthreads();
  }
}

// ---------------------------------------------------------------------------------------------
// Direct recomputation of candidate distances (tensor-core mode, where the Gram values carry TF32
// rounding): one thread per (query, candidate) pair, the same double-precision direct formulas as
// the epilogue's refinement. Empty slots (index -1) and excluded self pairs (+inf) are kept.
// ---------------------------------------------------------------------------------------------

extern "C" __global__ void refine_candidates(const float* __restrict__ q, int ldq,
                                             const float* __restrict__ b, int ldb, int dim,
                                             int rows, const int* __restrict__ cand, int kc,
                                             float* __restrict__ val, int cosine) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= rows * kc) return;
  int row = t / kc;
  int c = cand[t];
  if (c < 0 || isinf(val[t])) return;
  const float* qr = q + (size_t)row * ldq;
  const float* br = b + (size_t)c * ldb;
  val[t] = cosine ? direct_cosine(qr, br, dim) : (float)sqrt(direct_sq(qr, br, dim));
}

// ---------------------------------------------------------------------------------------------
// Covariance support: out (dim x rows, row-major) = (X - mean)^T, centred in double and rounded once,
// so that out * out^T (one sgemm_abt) is the chunk's scatter matrix.
// ---------------------------------------------------------------------------------------------

extern "C" __global__ void center_transpose(const float* __restrict__ x, int rows, int dim, int ld,
                                            const double* __restrict__ mean,
                                            float* __restrict__ out) {
  __shared__ float tile[32][33];
  int c0 = blockIdx.x * 32;
  int r0 = blockIdx.y * 32;
  int tx = threadIdx.x;
  for (int ty = threadIdx.y; ty < 32; ty += blockDim.y) {
    int r = r0 + ty;
    int c = c0 + tx;
    tile[ty][tx] = (r < rows && c < dim) ? (float)((double)x[(size_t)r * ld + c] - mean[c]) : 0.f;
  }
  __syncthreads();
  for (int ty = threadIdx.y; ty < 32; ty += blockDim.y) {
    int c = c0 + ty;
    int r = r0 + tx;
    if (c < dim && r < rows) out[(size_t)c * rows + r] = tile[tx][ty];
  }
}

// ---------------------------------------------------------------------------------------------
// Causal row map: out[r][j] = (float)scalbn(sum_{i >= j} x[r][i] * l[i][j], exponent) for a lower-
// triangular l (row-major dim x dim, double; entries above the diagonal are not read). Each sum
// runs over i in ascending order with fused multiply-adds in double from 0, the order of the CPU
// backend's CausalMap (whose products with the zeros above the diagonal add nothing), so the two
// agree bit for bit where the CPU's micro-kernel fuses too, and within one float32 rounding
// elsewhere. One thread per output; 16 x 16 tiles of x and l pass through shared memory.
// ---------------------------------------------------------------------------------------------

#define MAP_TILE 16

extern "C" __global__ void causal_map(const float* __restrict__ x, int rows, int dim, int ldx,
                                      const double* __restrict__ l, int exponent,
                                      float* __restrict__ out, int ldo) {
  __shared__ double xs[MAP_TILE][MAP_TILE + 1];
  __shared__ double ls[MAP_TILE][MAP_TILE + 1];
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int j0 = blockIdx.x * MAP_TILE;
  int j = j0 + tx;
  int r = blockIdx.y * MAP_TILE + ty;
  double acc = 0.0;
  // Depths below the tile's first column meet only zeros of l.
  for (int i0 = j0; i0 < dim; i0 += MAP_TILE) {
    int xi = i0 + tx;
    xs[ty][tx] = (r < rows && xi < dim) ? (double)x[(size_t)r * ldx + xi] : 0.0;
    int li = i0 + ty;
    ls[ty][tx] = (li < dim && j < dim && j <= li) ? l[(size_t)li * dim + j] : 0.0;
    __syncthreads();
    for (int t = 0; t < MAP_TILE; t++) {
      if (i0 + t >= j && i0 + t < dim) acc = fma(xs[ty][t], ls[t][tx], acc);
    }
    __syncthreads();
  }
  if (r < rows && j < dim) out[(size_t)r * ldo + j] = (float)scalbn(acc, exponent);
}
