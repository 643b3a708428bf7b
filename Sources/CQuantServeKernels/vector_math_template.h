// The elementary functions of vector_math_avx512.h and vector_math_avx2.h, written once.
// Internal: included (no include guard) by those two headers after they define
//   QS_VM_FUNC(name)   the function's name with the ISA suffix
//   QS_VM_ATTR         always_inline static inline with the target attribute
//   qs_vm_vec, qs_vm_ivec, qs_vm_mask   float vector, int32 vector, comparison result
//   QS_VM_SET1, QS_VM_ADD, QS_VM_SUB, QS_VM_MUL, QS_VM_DIV, QS_VM_FMADD, QS_VM_FNMADD, QS_VM_MIN, QS_VM_MAX
//   QS_VM_AS_INT, QS_VM_AS_FLOAT, QS_VM_SET1_INT, QS_VM_ADD_INT, QS_VM_SUB_INT, QS_VM_SHIFT_LEFT
//   QS_VM_CMP(a, b, predicate)          _CMP_* predicate, a mask
//   QS_VM_SELECT(mask, if_true, if_false)
//   QS_VM_ABS(x), QS_VM_COPY_SIGN(magnitude, x)
// and undefines them all afterwards.

/// e^r * 2^n for x in [QS_EXP_LOWER_LIMIT, QS_EXP_UPPER_LIMIT]: x = n ln2 + r, |r| <= ln2/2
/// (ln2 in two parts), a degree-6 polynomial for e^r, 2^n built in the exponent bits.
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_exp_in_range)(qs_vm_vec x) {
    const qs_vm_vec magic = QS_VM_SET1(QS_ROUNDING_MAGIC);
    const qs_vm_vec shifted = QS_VM_FMADD(x, QS_VM_SET1(QS_LOG2E), magic);
    const qs_vm_vec n = QS_VM_SUB(shifted, magic);
    qs_vm_vec r = QS_VM_FNMADD(n, QS_VM_SET1(QS_LN2_HIGH), x);
    r = QS_VM_FNMADD(n, QS_VM_SET1(QS_LN2_LOW), r);
    qs_vm_vec p = QS_VM_FMADD(r, QS_VM_SET1(QS_EXP_P0), QS_VM_SET1(QS_EXP_P1));
    p = QS_VM_FMADD(p, r, QS_VM_SET1(QS_EXP_P2));
    p = QS_VM_FMADD(p, r, QS_VM_SET1(QS_EXP_P3));
    p = QS_VM_FMADD(p, r, QS_VM_SET1(QS_EXP_P4));
    p = QS_VM_FMADD(p, r, QS_VM_SET1(QS_EXP_P5));
    const qs_vm_vec er = QS_VM_ADD(QS_VM_FMADD(p, QS_VM_MUL(r, r), r), QS_VM_SET1(1.0f));
    const qs_vm_ivec exponent = QS_VM_SUB_INT(QS_VM_AS_INT(shifted), QS_VM_AS_INT(magic));
    const qs_vm_ivec two_to_n = QS_VM_SHIFT_LEFT(QS_VM_ADD_INT(exponent, QS_VM_SET1_INT(127)), 23);
    return QS_VM_MUL(er, QS_VM_AS_FLOAT(two_to_n));
}

/// e^x: 0 below QS_EXP_LOWER_LIMIT (-inf included), +inf above QS_EXP_UPPER_LIMIT, NaN for NaN.
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_exp)(qs_vm_vec x) {
    const qs_vm_vec lower = QS_VM_SET1(QS_EXP_LOWER_LIMIT), upper = QS_VM_SET1(QS_EXP_UPPER_LIMIT);
    // min/max return their second operand when one is NaN: NaN goes through.
    const qs_vm_vec clamped = QS_VM_MIN(upper, QS_VM_MAX(lower, x));
    qs_vm_vec result = QS_VM_FUNC(qs_exp_in_range)(clamped);
    result = QS_VM_SELECT(QS_VM_CMP(x, lower, _CMP_LT_OQ), QS_VM_SET1(0.0f), result);
    return QS_VM_SELECT(QS_VM_CMP(x, upper, _CMP_GT_OQ), QS_VM_SET1(__builtin_inff()), result);
}

/// e^x for x <= 0, -inf included: cheaper than qs_exp (no clamping); lanes below
/// QS_EXP_LOWER_LIMIT, and NaN lanes, give 0 (as VectorMath.expOfNonPositive).
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_exp_nonpositive)(qs_vm_vec x) {
    const qs_vm_mask in_range = QS_VM_CMP(x, QS_VM_SET1(QS_EXP_LOWER_LIMIT), _CMP_GE_OQ);
    return QS_VM_SELECT(in_range, QS_VM_FUNC(qs_exp_in_range)(x), QS_VM_SET1(0.0f));
}

/// r = erf(t / sqrt 2) / 2 = t * P(t^2) / Q(t^2) for t = x clamped to [-QS_ERF_ONE, QS_ERF_ONE]
/// (exactly +-1/2 there); one branch, no exp, NaN gives NaN.
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_half_erf_scaled)(qs_vm_vec x) {
    // min/max return their second operand when one is NaN: NaN goes through.
    const qs_vm_vec t = QS_VM_MIN(QS_VM_SET1(QS_ERF_ONE), QS_VM_MAX(QS_VM_SET1(-QS_ERF_ONE), x));
    const qs_vm_vec u = QS_VM_MUL(t, t);
    qs_vm_vec p = QS_VM_FMADD(u, QS_VM_SET1(QS_ERF_P4), QS_VM_SET1(QS_ERF_P3));
    p = QS_VM_FMADD(p, u, QS_VM_SET1(QS_ERF_P2));
    p = QS_VM_FMADD(p, u, QS_VM_SET1(QS_ERF_P1));
    p = QS_VM_FMADD(p, u, QS_VM_SET1(QS_ERF_P0));
    qs_vm_vec q = QS_VM_FMADD(u, QS_VM_SET1(QS_ERF_Q3), QS_VM_SET1(QS_ERF_Q2));
    q = QS_VM_FMADD(q, u, QS_VM_SET1(QS_ERF_Q1));
    q = QS_VM_FMADD(q, u, QS_VM_SET1(1.0f));
    return QS_VM_DIV(QS_VM_MUL(t, p), q);
}

/// erf(x) = 2 r(sqrt 2 * x): exactly +-1 beyond QS_ERF_ONE / sqrt 2, NaN gives NaN.
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_erf)(qs_vm_vec x) {
    const qs_vm_vec half = QS_VM_FUNC(qs_half_erf_scaled)(QS_VM_MUL(x, QS_VM_SET1(QS_SQRT_TWO)));
    return QS_VM_ADD(half, half);
}

/// GELU, exact erf form: x * (1/2 + erf(x / sqrt 2) / 2); exactly 0 below -QS_ERF_ONE, exactly
/// x above QS_ERF_ONE. The add runs beside the FMA pipes on Zen 4.
QS_VM_ATTR qs_vm_vec QS_VM_FUNC(qs_gelu)(qs_vm_vec x) {
    return QS_VM_MUL(x, QS_VM_ADD(QS_VM_SET1(0.5f), QS_VM_FUNC(qs_half_erf_scaled)(x)));
}

#undef QS_VM_FUNC
#undef QS_VM_ATTR
#undef qs_vm_vec
#undef qs_vm_ivec
#undef qs_vm_mask
#undef QS_VM_SET1
#undef QS_VM_ADD
#undef QS_VM_SUB
#undef QS_VM_MUL
#undef QS_VM_DIV
#undef QS_VM_FMADD
#undef QS_VM_FNMADD
#undef QS_VM_MIN
#undef QS_VM_MAX
#undef QS_VM_AS_INT
#undef QS_VM_AS_FLOAT
#undef QS_VM_SET1_INT
#undef QS_VM_ADD_INT
#undef QS_VM_SUB_INT
#undef QS_VM_SHIFT_LEFT
#undef QS_VM_CMP
#undef QS_VM_SELECT
#undef QS_VM_ABS
#undef QS_VM_COPY_SIGN
