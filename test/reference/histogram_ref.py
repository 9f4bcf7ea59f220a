"""An independent reference of PyTorch's current HistogramObserver.

torch 1.13 (Debian's python3-torch) ships the *old* histogram algorithm
(upsample 128, downsample-and-shift combine). qprep implements the mid-2024
rewrite (pytorch#129387) with the later combine fix (pytorch#156457,
pytorch/ao#2418). This module re-implements that algorithm in Python on
torch 1.13 tensor ops, from the description in shared/research/anchors.md
part B, so tests and benchmarks have something to compare qprep with:

forward(x):
  skip empty x; drop +-inf elements (skip if nothing is left);
  first batch: min/max = aminmax(x), hist = histc(x, bins, min, max);
  later: new range = (min(cur_min, x_min), max(cur_max, x_max)),
         upd = histc(x, bins, new range);
         range unchanged: hist += upd;
         old range a single point: hist = histc(old_min, bins, new range)
                                          * sum(old hist) + upd;
         else: hist = upd + upscale(old hist) where the old histogram is
               split 16 ways, its sub-bin mid points bucketized into the new
               bins (right=True, minus one, clamped) and bincount-ed.
calculate_qparams: (1, 0) before data; else _calculate_qparams on the L2
  search (_non_linear_param_search) result.

NaN: PyTorch raises (histc of a NaN range); qprep skips NaN elements. This
reference skips them too (like +-inf), so the two can be compared on such data.
"""
import math

import torch

UPSAMPLE = 16


class HistogramRef:
    def __init__(self, bins=2048, dst_nbins=256):
        self.bins = bins
        self.dst_nbins = dst_nbins
        self.min_val = torch.tensor(float("inf"))
        self.max_val = torch.tensor(float("-inf"))
        self.histogram = torch.zeros(bins)

    # -- forward -------------------------------------------------------------
    def _upscale(self, hist, old_lo, old_hi, new_lo, new_hi):
        n_fine = self.bins * UPSAMPLE
        fine = torch.repeat_interleave(hist, UPSAMPLE) / UPSAMPLE
        step = (old_hi - old_lo) / n_fine
        mids = torch.linspace(float(old_lo), float(old_hi), n_fine + 1)[:-1] + 0.5 * step
        edges = torch.linspace(float(new_lo), float(new_hi), self.bins + 1)
        where = torch.bucketize(mids, edges, right=True) - 1
        where = where.clamp(0, self.bins - 1)
        return torch.bincount(where, weights=fine, minlength=self.bins)

    def forward(self, x):
        x = x.detach().reshape(-1)
        x = x[torch.isfinite(x)]
        if x.numel() == 0:
            return
        lo, hi = torch.aminmax(x)
        if self.min_val == float("inf") or self.max_val == float("-inf"):
            self.min_val, self.max_val = lo.clone(), hi.clone()
            self.histogram = torch.histc(x, self.bins, min=float(lo), max=float(hi))
            return
        old_lo, old_hi = self.min_val, self.max_val
        new_lo, new_hi = torch.min(old_lo, lo), torch.max(old_hi, hi)
        upd = torch.histc(x, self.bins, min=float(new_lo), max=float(new_hi))
        if new_lo == old_lo and new_hi == old_hi:
            self.histogram = self.histogram + upd
            return
        if old_lo == old_hi:
            moved = torch.histc(old_lo.reshape(1), self.bins, min=float(new_lo),
                                max=float(new_hi)) * torch.sum(self.histogram)
            self.histogram = moved + upd
        else:
            self.histogram = upd + self._upscale(self.histogram, old_lo, old_hi, new_lo, new_hi)
        self.min_val, self.max_val = new_lo.clone(), new_hi.clone()

    # -- search ----------------------------------------------------------------
    @staticmethod
    def _norm(begin, end, density):
        return density * ((end * end * end - begin * begin * begin) / 3)

    def _l2_error(self, first, last):
        width = (self.max_val.item() - self.min_val.item()) / self.bins
        dst_width = width * (last - first + 1) / self.dst_nbins
        if dst_width == 0.0:
            return 0.0
        src = torch.arange(self.bins)
        begin = (src - first) * width
        end = begin + width
        d_begin = torch.clamp(torch.div(begin, dst_width, rounding_mode="floor"),
                              0, self.dst_nbins - 1)
        d_end = torch.clamp(torch.div(end, dst_width, rounding_mode="floor"),
                            0, self.dst_nbins - 1)
        density = self.histogram / width
        err = torch.zeros(self.bins)
        err += self._norm(begin - (d_begin + 0.5) * dst_width,
                          torch.ones(self.bins) * (dst_width / 2), density)
        err += (d_end - d_begin - 1) * self._norm(torch.tensor(-dst_width / 2),
                                                  torch.tensor(dst_width / 2), density)
        err += self._norm(torch.tensor(-dst_width / 2),
                          end - (d_end * dst_width + dst_width / 2), density)
        return err.sum().item()

    def search(self):
        width = (self.max_val - self.min_val) / self.bins
        total = torch.sum(self.histogram).item()
        csum = torch.cumsum(self.histogram, dim=0)
        alpha, beta = 0.0, 1.0
        first, last = 0, self.bins - 1
        best = math.inf
        while alpha < beta:
            a, b = alpha + 1e-5, beta - 1e-5
            l, r = first, last
            while l < last and csum[l] < a * total:
                l += 1
            while r > first and csum[r] > b * total:
                r -= 1
            nf, nl = first, last
            if (l - first) > (last - r):
                nf, alpha = l, a
            else:
                nl, beta = r, b
            if (nf, nl) == (first, last):
                continue
            err = self._l2_error(nf, nl)
            if err > best:
                break
            best, first, last = err, nf, nl
        return self.min_val + width * first, self.min_val + width * (last + 1)

    def calculate_qparams(self, observer_for_qparams):
        """(scale, zero_point) using a torch 1.13 observer's _calculate_qparams
        (same dtype/qscheme/range/eps as the histogram observer)."""
        if self.min_val == float("inf") and self.max_val == float("-inf"):
            return torch.tensor([1.0]), torch.tensor([0])
        lo, hi = self.search()
        return observer_for_qparams._calculate_qparams(lo, hi)
