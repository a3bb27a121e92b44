//! Best-effort inference of value types and dimensions from raw tokens
//! (used by `expand-headers` and `from-tabular` when headers are absent).
