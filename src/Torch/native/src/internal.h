// Shared plumbing for the C ABI: handle wrapping and the exception barrier.
#pragma once

#include <torch/torch.h>
#include <atomic>
#include <string>
#include <vector>

#include "ensemble_torch.h"

namespace ens {

void set_error(const char* message);
extern std::atomic<int64_t> live_tensors;

inline at::Tensor& T(ens_tensor t) {
  if (t == nullptr) throw std::invalid_argument("tensor handle is null");
  return *static_cast<at::Tensor*>(t);
}

inline c10::optional<at::Tensor> opt(ens_tensor t) {
  if (t == nullptr) return c10::nullopt;
  return *static_cast<at::Tensor*>(t);
}

inline ens_tensor wrap(at::Tensor t) {
  auto* h = new at::Tensor(std::move(t));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return h;
}

inline at::IntArrayRef dims(const int64_t* d, int n) { return at::IntArrayRef(d, static_cast<size_t>(n)); }

inline at::TensorOptions options(int dtype, int device_type, int device_index) {
  auto device = device_type == 0 ? at::Device(at::kCPU)
                                 : at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device_index));
  return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)).device(device);
}

// libtorch refuses a floating-point alpha for integer tensors; pass whole numbers as integers.
inline at::Scalar alpha_for(const at::Tensor& t, double alpha) {
  if (at::isIntegralType(t.scalar_type(), /*includeBool=*/true) && alpha == static_cast<double>(static_cast<int64_t>(alpha)))
    return at::Scalar(static_cast<int64_t>(alpha));
  return at::Scalar(alpha);
}

inline int64_t reduction(int r) {
  switch (r) {
    case 0: return at::Reduction::None;
    case 1: return at::Reduction::Mean;
    case 2: return at::Reduction::Sum;
    default: throw std::invalid_argument("unknown reduction code " + std::to_string(r));
  }
}

}  // namespace ens

// The exception barrier: every entry point's body runs inside one of these.
#define ENS_CATCH(fail)                                                             \
  catch (const c10::Error& e) { ens::set_error(e.what_without_backtrace()); return fail; } \
  catch (const std::exception& e) { ens::set_error(e.what()); return fail; }              \
  catch (...) { ens::set_error("unknown C++ exception"); return fail; }

// Entry point returning a new tensor handle (NULL on failure).
#define ENS_TENSOR(expr) try { return ens::wrap(expr); } ENS_CATCH(nullptr)
// Entry point returning a status code (0 ok, -1 failure).
#define ENS_STATUS(stmt) try { stmt; return 0; } ENS_CATCH(-1)
