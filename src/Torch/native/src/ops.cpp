// Element-wise, shape and reduction operators.
#include "internal.h"

using ens::T;
using ens::dims;

#define ENS_UNARY(name, expr) \
  ens_tensor ens_##name(ens_tensor a) { ENS_TENSOR(expr) }
#define ENS_BINARY(name, expr) \
  ens_tensor ens_##name(ens_tensor a, ens_tensor b) { ENS_TENSOR(expr) }
#define ENS_SCALAR(name, expr) \
  ens_tensor ens_##name(ens_tensor a, double s) { ENS_TENSOR(expr) }

namespace {

at::Tensor compare(const at::Tensor& a, const at::Tensor& b, int op) {
  switch (op) {
    case 0: return a.eq(b);
    case 1: return a.ne(b);
    case 2: return a.lt(b);
    case 3: return a.le(b);
    case 4: return a.gt(b);
    case 5: return a.ge(b);
    default: throw std::invalid_argument("unknown comparison code " + std::to_string(op));
  }
}

}  // namespace

extern "C" {

ENS_UNARY(neg, T(a).neg())
ENS_UNARY(exp, T(a).exp())
ENS_UNARY(log, T(a).log())
ENS_UNARY(sqrt, T(a).sqrt())
ENS_UNARY(abs, T(a).abs())
ENS_UNARY(square, T(a).square())
ENS_UNARY(relu, T(a).relu())
ENS_UNARY(sigmoid, T(a).sigmoid())
ENS_UNARY(tanh, T(a).tanh())

ens_tensor ens_add(ens_tensor a, ens_tensor b, double alpha) { ENS_TENSOR(at::add(T(a), T(b), ens::alpha_for(T(a), alpha))) }
ENS_BINARY(sub, T(a) - T(b))
ENS_BINARY(mul, T(a) * T(b))
ENS_BINARY(div, T(a) / T(b))
ENS_BINARY(pow, T(a).pow(T(b)))
ENS_BINARY(maximum, at::maximum(T(a), T(b)))
ENS_BINARY(minimum, at::minimum(T(a), T(b)))
ENS_BINARY(matmul, at::matmul(T(a), T(b)))

ENS_SCALAR(add_scalar, T(a) + s)
ENS_SCALAR(mul_scalar, T(a) * s)
ENS_SCALAR(div_scalar, T(a) / s)
ENS_SCALAR(pow_scalar, T(a).pow(s))
ENS_SCALAR(rsub_scalar, s - T(a))

ens_tensor ens_clamp(ens_tensor a, double min, double max) {
  // NaN means "no bound on this side".
  ENS_TENSOR(at::clamp(T(a), std::isnan(min) ? c10::optional<at::Scalar>() : at::Scalar(min),
                       std::isnan(max) ? c10::optional<at::Scalar>() : at::Scalar(max)))
}

ens_tensor ens_compare(ens_tensor a, ens_tensor b, int op) { ENS_TENSOR(compare(T(a), T(b), op)) }

ens_tensor ens_compare_scalar(ens_tensor a, double s, int op) {
  ENS_TENSOR(compare(T(a), at::scalar_tensor(s, T(a).options()), op))
}

ens_tensor ens_where(ens_tensor cond, ens_tensor a, ens_tensor b) { ENS_TENSOR(at::where(T(cond), T(a), T(b))) }

ens_tensor ens_reshape(ens_tensor a, const int64_t* shape, int ndim) { ENS_TENSOR(T(a).reshape(dims(shape, ndim))) }

ens_tensor ens_flatten(ens_tensor a, int64_t start_dim, int64_t end_dim) { ENS_TENSOR(T(a).flatten(start_dim, end_dim)) }

ens_tensor ens_transpose(ens_tensor a, int64_t d0, int64_t d1) { ENS_TENSOR(T(a).transpose(d0, d1)) }

ens_tensor ens_permute(ens_tensor a, const int64_t* d, int n) { ENS_TENSOR(T(a).permute(dims(d, n))) }

ens_tensor ens_unsqueeze(ens_tensor a, int64_t dim) { ENS_TENSOR(T(a).unsqueeze(dim)) }

ens_tensor ens_squeeze(ens_tensor a, int64_t dim) { ENS_TENSOR(T(a).squeeze(dim)) }

ens_tensor ens_expand(ens_tensor a, const int64_t* shape, int ndim) { ENS_TENSOR(T(a).expand(dims(shape, ndim))) }

ens_tensor ens_narrow(ens_tensor a, int64_t dim, int64_t start, int64_t length) {
  ENS_TENSOR(T(a).narrow(dim, start, length))
}

ens_tensor ens_index_select(ens_tensor a, int64_t dim, ens_tensor index) { ENS_TENSOR(T(a).index_select(dim, T(index))) }

ens_tensor ens_gather(ens_tensor a, int64_t dim, ens_tensor index) { ENS_TENSOR(T(a).gather(dim, T(index))) }

ens_tensor ens_cat(const ens_tensor* tensors, int count, int64_t dim) {
  ENS_TENSOR([&] {
    std::vector<at::Tensor> list;
    for (int i = 0; i < count; i++) list.push_back(T(tensors[i]));
    return at::cat(list, dim);
  }())
}

ens_tensor ens_stack(const ens_tensor* tensors, int count, int64_t dim) {
  ENS_TENSOR([&] {
    std::vector<at::Tensor> list;
    for (int i = 0; i < count; i++) list.push_back(T(tensors[i]));
    return at::stack(list, dim);
  }())
}

ens_tensor ens_one_hot(ens_tensor labels, int64_t classes) { ENS_TENSOR(at::one_hot(T(labels), classes)) }

ens_tensor ens_sum(ens_tensor a, const int64_t* d, int n, int keepdim) {
  ENS_TENSOR(n == 0 ? T(a).sum() : T(a).sum(dims(d, n), keepdim != 0))
}

ens_tensor ens_mean(ens_tensor a, const int64_t* d, int n, int keepdim) {
  ENS_TENSOR(n == 0 ? T(a).mean() : T(a).mean(dims(d, n), keepdim != 0))
}

ens_tensor ens_std(ens_tensor a, const int64_t* d, int n, int unbiased, int keepdim) {
  ENS_TENSOR(n == 0 ? T(a).std(unbiased != 0) : T(a).std(dims(d, n), unbiased != 0, keepdim != 0))
}

ens_tensor ens_logsumexp(ens_tensor a, const int64_t* d, int n, int keepdim) {
  ENS_TENSOR([&] {
    if (n != 0) return T(a).logsumexp(dims(d, n), keepdim != 0);
    std::vector<int64_t> all(static_cast<size_t>(T(a).dim()));
    for (size_t i = 0; i < all.size(); i++) all[i] = static_cast<int64_t>(i);
    return T(a).logsumexp(all, keepdim != 0);
  }())
}

ens_tensor ens_amax(ens_tensor a, const int64_t* d, int n, int keepdim) {
  ENS_TENSOR(T(a).amax(dims(d, n), keepdim != 0))
}

ens_tensor ens_argmax(ens_tensor a, int64_t dim, int keepdim) { ENS_TENSOR(T(a).argmax(dim, keepdim != 0)) }

}
