// Autograd: requires_grad, backward, and access to accumulated gradients.
#include "internal.h"

using ens::T;

extern "C" {

int ens_requires_grad(ens_tensor t) { try { return T(t).requires_grad() ? 1 : 0; } ENS_CATCH(-1) }

int ens_set_requires_grad(ens_tensor t, int requires_grad) { ENS_STATUS(T(t).set_requires_grad(requires_grad != 0)) }

int ens_backward(ens_tensor t, ens_tensor grad, int retain_graph) {
  ENS_STATUS(T(t).backward(grad == nullptr ? at::Tensor() : T(grad), retain_graph != 0))
}

ens_tensor ens_grad(ens_tensor t) {
  try {
    const auto& g = T(t).grad();
    return g.defined() ? ens::wrap(g) : nullptr;
  }
  ENS_CATCH(nullptr)
}

int ens_zero_grad(ens_tensor t, int set_to_none) {
  // Zeroing in place (libtorch 1.13's C++ default) lets backward accumulate into the same buffers every
  // step instead of allocating (and page-faulting) fresh gradients: measurably faster on CPU.
  ENS_STATUS({
    auto& grad = T(t).mutable_grad();
    if (set_to_none != 0) {
      grad.reset();
    } else if (grad.defined()) {
      grad.detach_();
      grad.zero_();
    }
  })
}

}
