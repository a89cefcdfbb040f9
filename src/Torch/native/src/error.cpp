// Thread-local error slot: the C# side reads it right after a call on the same thread fails.
#include "internal.h"

namespace {
thread_local std::string last_error;
}

void ens::set_error(const char* message) { last_error = message == nullptr ? "unknown error" : message; }

extern "C" {

const char* ens_last_error(void) { return last_error.empty() ? nullptr : last_error.c_str(); }

void ens_clear_error(void) { last_error.clear(); }

}
