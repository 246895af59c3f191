//! Benchmarks of cnt-scripture (filled in below).

fn main() {}
