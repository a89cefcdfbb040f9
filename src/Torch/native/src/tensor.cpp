// Tensor lifetime, creation, copies to and from host memory, metadata.
#include "internal.h"

using ens::T;
using ens::dims;
using ens::options;

extern "C" {

void ens_tensor_free(ens_tensor t) {
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  ens::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

ens_tensor ens_from_data(const void* data, const int64_t* shape, int ndim, int dtype, int device_type, int device_index) {
  ENS_TENSOR([&] {
    auto host = at::empty(dims(shape, ndim), options(dtype, 0, 0));
    std::memcpy(host.data_ptr(), data, host.nbytes());
    return device_type == 0 ? host : host.to(options(dtype, device_type, device_index));
  }())
}

ens_tensor ens_zeros(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  ENS_TENSOR(at::zeros(dims(shape, ndim), options(dtype, dt, di)))
}

ens_tensor ens_ones(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  ENS_TENSOR(at::ones(dims(shape, ndim), options(dtype, dt, di)))
}

ens_tensor ens_full(const int64_t* shape, int ndim, double value, int dtype, int dt, int di) {
  ENS_TENSOR(at::full(dims(shape, ndim), value, options(dtype, dt, di)))
}

ens_tensor ens_rand(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  ENS_TENSOR(at::rand(dims(shape, ndim), options(dtype, dt, di)))
}

ens_tensor ens_randn(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  ENS_TENSOR(at::randn(dims(shape, ndim), options(dtype, dt, di)))
}

ens_tensor ens_randperm(int64_t n, int dtype, int dt, int di) {
  ENS_TENSOR(at::randperm(n, options(dtype, dt, di)))
}

ens_tensor ens_arange(double start, double end, double step, int dtype, int dt, int di) {
  ENS_TENSOR(at::arange(start, end, step, options(dtype, dt, di)))
}

int ens_copy_to_buffer(ens_tensor t, void* dst, int64_t nbytes) {
  ENS_STATUS({
    auto host = T(t).detach().to(at::kCPU).contiguous();
    if (static_cast<int64_t>(host.nbytes()) != nbytes)
      throw std::invalid_argument("buffer holds " + std::to_string(nbytes) + " bytes but the tensor has " +
                                  std::to_string(host.nbytes()));
    std::memcpy(dst, host.data_ptr(), host.nbytes());
  })
}

int ens_ndim(ens_tensor t) { try { return static_cast<int>(T(t).dim()); } ENS_CATCH(-1) }

int64_t ens_size(ens_tensor t, int dim) { try { return T(t).size(dim); } ENS_CATCH(-1) }

int64_t ens_numel(ens_tensor t) { try { return T(t).numel(); } ENS_CATCH(-1) }

int ens_dtype(ens_tensor t) { try { return static_cast<int>(T(t).scalar_type()); } ENS_CATCH(-1) }

int ens_device_type(ens_tensor t) { try { return T(t).device().is_cuda() ? 1 : 0; } ENS_CATCH(-1) }

int ens_device_index(ens_tensor t) { try { return T(t).device().index(); } ENS_CATCH(-1) }

int ens_item(ens_tensor t, double* out) { ENS_STATUS(*out = T(t).item<double>()) }

ens_tensor ens_to(ens_tensor t, int dtype, int dt, int di) {
  ENS_TENSOR(T(t).to(options(dtype, dt, di)))
}

ens_tensor ens_clone(ens_tensor t) { ENS_TENSOR(T(t).clone()) }

ens_tensor ens_detach(ens_tensor t) { ENS_TENSOR(T(t).detach()) }

ens_tensor ens_contiguous(ens_tensor t) { ENS_TENSOR(T(t).contiguous()) }

ens_tensor ens_alias(ens_tensor t) { ENS_TENSOR(T(t)) }

}
