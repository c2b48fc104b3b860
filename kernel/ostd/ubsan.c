// SPDX-License-Identifier: MPL-2.0
// Undefined-behaviour sanitizer handlers: report file:line and panic (no runtime library).
#include <ostd/types.h>
#include <ostd/panic.h>

struct ub_location { const char *file; uint32_t line, column; };

/* Every handler's data block starts with the source location. */
static __noreturn void ub_report(const char *what, const void *data)
{
    const struct ub_location *loc = data;
    panic("undefined behaviour (%s) at %s:%u:%u", what, loc->file, loc->line, loc->column);
}

#define UB_HANDLER(name, what)                                          \
    void __ubsan_handle_##name(const void *d, ...);                     \
    void __ubsan_handle_##name(const void *d, ...) { ub_report(what, d); } \
    void __ubsan_handle_##name##_abort(const void *d, ...);             \
    void __ubsan_handle_##name##_abort(const void *d, ...) { ub_report(what, d); }

UB_HANDLER(type_mismatch_v1, "misaligned or null access")
UB_HANDLER(add_overflow, "signed addition overflow")
UB_HANDLER(sub_overflow, "signed subtraction overflow")
UB_HANDLER(mul_overflow, "signed multiplication overflow")
UB_HANDLER(negate_overflow, "negation overflow")
UB_HANDLER(divrem_overflow, "division overflow or by zero")
UB_HANDLER(shift_out_of_bounds, "shift out of bounds")
UB_HANDLER(out_of_bounds, "array index out of bounds")
UB_HANDLER(builtin_unreachable, "unreachable code reached")
UB_HANDLER(missing_return, "missing return")
UB_HANDLER(vla_bound_not_positive, "VLA bound not positive")
UB_HANDLER(load_invalid_value, "invalid value loaded")
UB_HANDLER(nonnull_arg, "null passed as nonnull argument")
UB_HANDLER(nonnull_return_v1, "null returned from nonnull function")
UB_HANDLER(pointer_overflow, "pointer arithmetic overflow")
UB_HANDLER(invalid_builtin, "invalid builtin use")
UB_HANDLER(float_cast_overflow, "float cast overflow")
UB_HANDLER(alignment_assumption, "alignment assumption violated")
UB_HANDLER(implicit_conversion, "implicit conversion changed the value")
