//! Columnar, memory-mapped, indexed on-disk store of genomic tracks.
