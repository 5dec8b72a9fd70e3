#ifndef CVECTORMATH_H
#define CVECTORMATH_H

// Swift's SIMD8<Double>.squareRoot() lowers to eight scalar sqrt calls. This
// vector type is imported as SIMD8<Double>, and the builtin compiles to one
// vector square root: exact IEEE, so results match the scalar ones bit for bit.
typedef double CVectorMath_double8 __attribute__((ext_vector_type(8)));

static inline CVectorMath_double8 CVectorMath_sqrt8(CVectorMath_double8 value) {
    return __builtin_elementwise_sqrt(value);
}

#endif
