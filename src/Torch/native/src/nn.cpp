// Network layers, losses, and the in-place updates optimizers and initialisers use.
#include "internal.h"

using ens::T;
using ens::opt;

namespace {

// In-place updates are optimizer and initialiser steps: never part of the graph.
template <typename F>
int in_place(F&& f) {
  try {
    at::NoGradGuard no_grad;
    f();
    return 0;
  }
  ENS_CATCH(-1)
}

}  // namespace

extern "C" {

ens_tensor ens_linear(ens_tensor x, ens_tensor weight, ens_tensor bias) {
  ENS_TENSOR(at::linear(T(x), T(weight), opt(bias)))
}

ens_tensor ens_conv2d(ens_tensor x, ens_tensor weight, ens_tensor bias, int64_t stride, int64_t padding,
                      int64_t dilation, int64_t groups) {
  ENS_TENSOR(at::conv2d(T(x), T(weight), opt(bias), {stride, stride}, {padding, padding}, {dilation, dilation}, groups))
}

ens_tensor ens_max_pool2d(ens_tensor x, int64_t kernel, int64_t stride, int64_t padding) {
  ENS_TENSOR(at::max_pool2d(T(x), {kernel, kernel}, {stride, stride}, {padding, padding}))
}

ens_tensor ens_avg_pool2d(ens_tensor x, int64_t kernel, int64_t stride, int64_t padding) {
  ENS_TENSOR(at::avg_pool2d(T(x), {kernel, kernel}, {stride, stride}, {padding, padding}))
}

ens_tensor ens_adaptive_avg_pool2d(ens_tensor x, int64_t out_h, int64_t out_w) {
  ENS_TENSOR(at::adaptive_avg_pool2d(T(x), {out_h, out_w}))
}

ens_tensor ens_batch_norm(ens_tensor x, ens_tensor weight, ens_tensor bias, ens_tensor running_mean,
                          ens_tensor running_var, int training, double momentum, double eps) {
  ENS_TENSOR(at::batch_norm(T(x), opt(weight), opt(bias), opt(running_mean), opt(running_var), training != 0,
                            momentum, eps, at::globalContext().userEnabledCuDNN()))
}

ens_tensor ens_dropout(ens_tensor x, double p, int training) { ENS_TENSOR(at::dropout(T(x), p, training != 0)) }

ens_tensor ens_softmax(ens_tensor x, int64_t dim) { ENS_TENSOR(T(x).softmax(dim)) }

ens_tensor ens_log_softmax(ens_tensor x, int64_t dim) { ENS_TENSOR(T(x).log_softmax(dim)) }

ens_tensor ens_cross_entropy(ens_tensor logits, ens_tensor target, int reduction, double label_smoothing) {
  ENS_TENSOR(at::cross_entropy_loss(T(logits), T(target), {}, ens::reduction(reduction), -100, label_smoothing))
}

ens_tensor ens_nll_loss(ens_tensor log_probs, ens_tensor target, int reduction) {
  ENS_TENSOR(at::nll_loss(T(log_probs), T(target), {}, ens::reduction(reduction)))
}

ens_tensor ens_kl_div(ens_tensor log_q, ens_tensor target, int reduction, int log_target) {
  ENS_TENSOR([&] {
    // batchmean (sum / batch size) is what the KL divergence between distributions means; libtorch's
    // functional form only knows none/mean/sum, so it is composed here as in torch.nn.functional.
    if (reduction == 3)
      return at::kl_div(T(log_q), T(target), at::Reduction::Sum, log_target != 0) / T(log_q).size(0);
    return at::kl_div(T(log_q), T(target), ens::reduction(reduction), log_target != 0);
  }())
}

ens_tensor ens_mse_loss(ens_tensor a, ens_tensor b, int reduction) {
  ENS_TENSOR(at::mse_loss(T(a), T(b), ens::reduction(reduction)))
}

int ens_add_(ens_tensor t, ens_tensor other, double alpha) { return in_place([&] { T(t).add_(T(other), ens::alpha_for(T(t), alpha)); }); }

int ens_mul_(ens_tensor t, ens_tensor other) { return in_place([&] { T(t).mul_(T(other)); }); }

int ens_mul_scalar_(ens_tensor t, double s) { return in_place([&] { T(t).mul_(s); }); }

int ens_addcmul_(ens_tensor t, ens_tensor a, ens_tensor b, double value) {
  return in_place([&] { T(t).addcmul_(T(a), T(b), value); });
}

int ens_addcdiv_(ens_tensor t, ens_tensor a, ens_tensor b, double value) {
  return in_place([&] { T(t).addcdiv_(T(a), T(b), value); });
}

int ens_copy_(ens_tensor dst, ens_tensor src) { return in_place([&] { T(dst).copy_(T(src)); }); }

int ens_fill_(ens_tensor t, double value) { return in_place([&] { T(t).fill_(value); }); }

int ens_uniform_(ens_tensor t, double low, double high) { return in_place([&] { T(t).uniform_(low, high); }); }

int ens_normal_(ens_tensor t, double mean, double std) { return in_place([&] { T(t).normal_(mean, std); }); }

}
