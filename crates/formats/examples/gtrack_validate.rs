//! Validate GTrack files given on the command line and print diagnostics.
use gtrack_formats::gtrack;

fn main() {
    let mut bad = false;
    for path in std::env::args().skip(1) {
        let input = gtrack_formats::io::open_input(&path).expect("open");
        for d in gtrack::validate(input, &path, gtrack::ReadOptions::default()) {
            bad |= d.severity == gtrack::Severity::Error;
            eprintln!("{d}");
        }
    }
    std::process::exit(bad as i32);
}
